// RAII ownership of one POSIX descriptor, plus the EINTR retry every system call here goes through.
// Owns nothing but the number: no buffering, no I/O policy.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace intergas {

// Calls `call` again while it fails with EINTR; returns its last result (errno kept).
template <typename Call>
auto retry_on_eintr(Call&& call) -> decltype(call()) {
  decltype(call()) result;
  do {
    result = call();
  } while (result == -1 && errno == EINTR);
  return result;
}

// Move-only owner of a descriptor; -1 means none. The destructor closes.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  explicit operator bool() const { return is_open(); }

  // Gives up ownership without closing; returns the descriptor (or -1).
  int release() { return std::exchange(fd_, -1); }

  // Closes the current descriptor (if any) and takes `fd`. errno is preserved, so a caller may
  // close on an error path and still report the error.
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      const int saved_errno = errno;
      // Not retried on EINTR: Linux releases the descriptor even then, and a retry could close a
      // descriptor another thread has just been given.
      ::close(fd_);
      errno = saved_errno;
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace intergas
