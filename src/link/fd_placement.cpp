#include "link/fd_placement.h"

#include <fcntl.h>
#include <sys/select.h>
#include <unistd.h>

#include <cerrno>

namespace intergas {

namespace {
bool placing = false;
}  // namespace

void place_above_select_range(bool on) { placing = on; }

int move_above_select_range(int fd) {
  if (!placing || fd < 0 || fd >= FD_SETSIZE) return fd;
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
