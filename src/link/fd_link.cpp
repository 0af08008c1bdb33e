#include "link/fd_link.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace intergas {
namespace {

// drain() reads at most this many chunks, so a peer that never stops sending cannot hold the
// driver's loop: 64 x 256 bytes is far more than a boiler sends in the time a drain takes.
constexpr int kDrainMaxReads = 64;
constexpr std::size_t kDrainChunk = 256;

}  // namespace

bool is_loss_errno(int errno_value) {
  switch (errno_value) {
    case EIO:
    case ENODEV:
    case ENXIO:
    case EBADF:
    case EPIPE:
    case ECONNRESET:
    case ECONNABORTED:
    case ETIMEDOUT:
    case ENOTCONN:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
      return true;
    default:
      return false;
  }
}

std::error_code FdLink::fail(std::error_code error, const std::string& detail) {
  std::string text = name_;
  const std::string resolved = resolved_name();
  if (!resolved.empty() && resolved != name_) text += " (" + resolved + ")";
  text += ": ";
  text += detail.empty() ? error.message() : detail;
  last_error_text_ = std::move(text);
  close();
  return error;
}

std::error_code FdLink::write_all(const std::uint8_t* data, std::size_t size) {
  if (!is_open()) return std::make_error_code(std::errc::not_connected);
  const auto deadline = std::chrono::steady_clock::now() + kWriteWait;
  while (size > 0) {
    const ssize_t n = write_once(data, size);
    if (n > 0) {
      data += n;
      size -= static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) return fail(std::make_error_code(std::errc::io_error));
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fail_errno(errno);
    // The output buffer is full: wait for room, briefly. A hang-up also wakes poll, and the next
    // write then reports it.
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail(make_error_code(LinkErrc::write_stalled));
    pollfd pfd{fd_.get(), POLLOUT, 0};
    if (retry_on_eintr([&] { return ::poll(&pfd, 1, static_cast<int>(left.count())); }) < 0) {
      return fail_errno(errno);
    }
  }
  return {};
}

ReadResult FdLink::read_some(std::uint8_t* buffer, std::size_t capacity) {
  ReadResult result;
  if (!is_open()) {
    result.lost = true;
    result.error = std::make_error_code(std::errc::not_connected);
    return result;
  }
  // read() of 0 bytes returns 0, which would look like EOF.
  if (capacity == 0) return result;
  const ssize_t n = retry_on_eintr([&] { return ::read(fd_.get(), buffer, capacity); });
  if (n > 0) {
    result.bytes = static_cast<std::size_t>(n);
  } else if (n == 0) {
    // EOF: a TCP peer that closed, or a hung-up tty (unplugged adapter, pty whose master closed);
    // but a tty in VMIN=0 VTIME=0 mode also returns 0 for "nothing yet" (see SerialLink).
    if (zero_read_is_eof()) {
      result.lost = true;
      result.error = fail(eof_error());
    }
  } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
    // Every other error (EIO, ENODEV, ENXIO, ECONNRESET, ETIMEDOUT, ...) means the link is no
    // longer usable; the driver reopens it.
    result.lost = true;
    result.error = fail_errno(errno);
  }
  return result;
}

bool FdLink::drain() {
  if (!is_open() || !flush_input()) return false;
  std::uint8_t scratch[kDrainChunk];
  for (int i = 0; i < kDrainMaxReads; ++i) {
    const ReadResult result = read_some(scratch, sizeof scratch);
    if (result.lost) return false;
    if (result.bytes == 0) break;
  }
  return true;
}

}  // namespace intergas
