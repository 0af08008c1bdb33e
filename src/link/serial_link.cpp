#include "link/serial_link.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>

#include "link/fd_placement.h"

namespace intergas {
namespace {

// realpath() of `path`, or `path` itself when that fails (open() will then say why).
std::string canonical_or_same(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                       &std::free);
  return resolved ? std::string(resolved.get()) : path;
}

// 9600 baud 8-N-1, raw, no flow control, reads that never wait (the driver polls).
void make_boiler_settings(termios& tio) {
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS | HUPCL);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  ::cfsetispeed(&tio, B9600);
  ::cfsetospeed(&tio, B9600);
}

}  // namespace

SerialLink::SerialLink(std::string path, Access access)
    : FdLink(path), exclusive_(access == Access::exclusive) {
  resolver_ = [path = std::move(path)](std::string& out, std::string&) {
    out = path;
    return std::error_code{};
  };
}

SerialLink::SerialLink(std::string name, PathResolver resolver, Access access)
    : FdLink(std::move(name)),
      resolver_(std::move(resolver)),
      exclusive_(access == Access::exclusive) {}

SerialLink::~SerialLink() { close(); }

OpenResult SerialLink::open_failed(std::error_code error, const std::string& detail) {
  return {OpenState::failed, fail(error, detail)};
}

OpenResult SerialLink::open_failed_errno(int errno_value) {
  return open_failed({errno_value, std::generic_category()});
}

OpenResult SerialLink::open() {
  close();
  std::string path;
  std::string detail;
  if (const std::error_code error = resolver_(path, detail)) {
    resolved_path_.clear();
    return open_failed(error, detail);
  }
  resolved_path_ = canonical_or_same(path);

  // Above the select() range before anything else sees the descriptor (fd_placement.h).
  fd_.reset(move_above_select_range(retry_on_eintr(
      [&] { return ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC); })));
  if (!fd_) {
    // A tty another process made exclusive (TIOCEXCL) refuses non-root openers with EBUSY.
    if (errno == EBUSY) return open_failed(make_error_code(LinkErrc::device_busy));
    return open_failed_errno(errno);
  }
  if (!::isatty(fd_.get())) return open_failed(make_error_code(LinkErrc::not_a_tty));

  if (exclusive_) {
    // flock first: it also works for root, whom TIOCEXCL does not stop, and for readers in this
    // process (locks belong to the open file description). A reader that got in between our open()
    // and TIOCEXCL is caught here too, as long as it locks like we do (ebusd does).
    if (retry_on_eintr([&] { return ::flock(fd_.get(), LOCK_EX | LOCK_NB); }) != 0) {
      if (errno == EWOULDBLOCK) return open_failed(make_error_code(LinkErrc::device_busy));
      return open_failed_errno(errno);
    }
  }
  owns_device_ = true;
  if (exclusive_ && ::ioctl(fd_.get(), TIOCEXCL) != 0) return open_failed_errno(errno);

  termios tio{};
  if (::tcgetattr(fd_.get(), &tio) != 0) return open_failed_errno(errno);
  saved_termios_ = tio;
  make_boiler_settings(tio);
  if (::tcsetattr(fd_.get(), TCSANOW, &tio) != 0) return open_failed_errno(errno);

  // Raise DTR and RTS as terminal programs do on open, for adapters that gate or power their
  // level shifter from them. Ptys have no modem lines and answer ENOTTY (some drivers EINVAL);
  // real devices without the lines may too, so only an error that says the device is gone fails.
  int lines = TIOCM_DTR | TIOCM_RTS;
  if (::ioctl(fd_.get(), TIOCMBIS, &lines) != 0 && is_loss_errno(errno)) {
    return open_failed_errno(errno);
  }

  // Drop whatever the port collected before we came (half frames from a previous reader).
  if (::tcflush(fd_.get(), TCIOFLUSH) != 0) return open_failed_errno(errno);
  return {OpenState::open, {}};
}

OpenResult SerialLink::finish_open(bool) {
  if (is_open()) return {OpenState::open, {}};
  return {OpenState::failed, make_error_code(LinkErrc::not_connecting)};
}

void SerialLink::close() {
  // Only a reader that got the device may flush it or change its settings: a refused second
  // reader must not touch the first one's data, termios or TIOCEXCL.
  if (fd_ && owns_device_) {
    // A tty's close() waits (up to closing_wait, 30 s by default) for unsent output; flushing it
    // first keeps close() from blocking the driver. Errors are ignored: the device may be gone.
    ::tcflush(fd_.get(), TCIOFLUSH);
    if (saved_termios_) ::tcsetattr(fd_.get(), TCSANOW, &*saved_termios_);
    // TIOCEXCL stays on the tty while any descriptor holds it (for a pty: while its master is
    // open), and would refuse our own reopen as non-root; clear it explicitly.
    if (exclusive_) ::ioctl(fd_.get(), TIOCNXCL);
  }
  saved_termios_.reset();
  owns_device_ = false;
  FdLink::close();
}

ssize_t SerialLink::write_once(const std::uint8_t* data, std::size_t size) {
  return ::write(fd_.get(), data, size);
}

bool SerialLink::zero_read_is_eof() {
  // With VMIN=0 VTIME=0 Linux's n_tty_read returns 0 when no input is pending, even under
  // O_NONBLOCK (the zero timeout is tested before the non-blocking flag), so read() == 0 cannot
  // tell "nothing yet" from a hang-up. A hung-up tty (USB adapter unplugged, pty master closed)
  // reports POLLHUP; ask poll() without waiting.
  pollfd pfd{fd_.get(), POLLIN, 0};
  if (retry_on_eintr([&] { return ::poll(&pfd, 1, 0); }) < 0) return true;
  return (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

bool SerialLink::flush_input() {
  if (::tcflush(fd_.get(), TCIFLUSH) == 0) return true;
  // A hung-up tty answers ioctls with EIO: that is a loss. Anything else: reading still drains.
  if (is_loss_errno(errno)) {
    fail_errno(errno);
    return false;
  }
  return true;
}

}  // namespace intergas
