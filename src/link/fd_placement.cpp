#include "link/fd_placement.h"

#include <fcntl.h>
#include <sys/select.h>
#include <unistd.h>

#include <cerrno>

namespace intergas {

int move_above_select_range(int fd) {
  if (fd < 0 || fd >= FD_SETSIZE) return fd;
  const int saved_errno = errno;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE);
  if (moved < 0) {
    errno = saved_errno;
    return fd;
  }
  // Not retried on EINTR (see UniqueFd::reset): Linux releases the number even then.
  ::close(fd);
  errno = saved_errno;
  return moved;
}

}  // namespace intergas
