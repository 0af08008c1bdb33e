#include "link/tcp_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "link/fd_placement.h"

namespace intergas {
namespace {

std::string numeric_address(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST] = "";
  char service[NI_MAXSERV] = "";
  if (::getnameinfo(address, length, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return {};
  }
  if (address->sa_family == AF_INET6) return "[" + std::string(host) + "]:" + service;
  return std::string(host) + ":" + service;
}

// Options that matter for a link kept open for days: commands go out at once (NODELAY), and a
// bridge that vanished without a FIN/RST (power cut, Wi-Fi gone) is noticed within ~25 s.
// Failures are not fatal: the link works without them, only less well.
void set_socket_options(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  const int idle = TcpLink::kKeepIdleSeconds;
  const int interval = TcpLink::kKeepIntervalSeconds;
  const int count = TcpLink::kKeepCount;
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  const unsigned user_timeout = TcpLink::kUserTimeoutMs;
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
}

bool is_ip_literal(const std::string& host) {
  in6_addr v6;
  in_addr v4;
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

addrinfo lookup_hints(bool numeric) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
  return hints;
}

}  // namespace

struct TcpLink::Resolution {
  std::mutex mutex;
  bool done = false;  // guarded by mutex, as are the three below
  int gai = 0;
  int sys_errno = 0;
  addrinfo* addresses = nullptr;

  ~Resolution() {
    if (addresses != nullptr) ::freeaddrinfo(addresses);
  }
};

TcpLink::TcpLink(std::string name, std::string host, std::uint16_t port)
    : FdLink(std::move(name)), host_(std::move(host)), port_(port) {}

void TcpLink::close() {
  connecting_ = false;
  resolution_.reset();  // a resolver thread still running finishes into its own copy
  addresses_.reset();
  next_address_ = nullptr;
  FdLink::close();
}

OpenResult TcpLink::resolve_failed(int gai, int sys_errno) {
  const std::error_code error = gai == EAI_SYSTEM
                                    ? std::error_code(sys_errno, std::generic_category())
                                    : std::make_error_code(std::errc::host_unreachable);
  return {OpenState::failed,
          fail(error, "cannot resolve \"" + host_ + "\": " + ::gai_strerror(gai))};
}

OpenResult TcpLink::open() {
  close();
  peer_.clear();
  const std::string service = std::to_string(port_);
  if (is_ip_literal(host_)) {
    const addrinfo hints = lookup_hints(/*numeric=*/true);
    addrinfo* found = nullptr;
    const int gai = ::getaddrinfo(host_.c_str(), service.c_str(), &hints, &found);
    if (gai != 0) return resolve_failed(gai, errno);
    addresses_.reset(found);
    return connect_from(addresses_.get());
  }

  if (last_resolution_) {
    std::lock_guard<std::mutex> lock(last_resolution_->mutex);
    if (!last_resolution_->done) {
      return {OpenState::failed,
              fail(std::make_error_code(std::errc::timed_out),
                   "still resolving \"" + host_ + "\" (the resolver has not answered)")};
    }
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return {OpenState::failed, fail({errno, std::generic_category()})};
  }
  // Both ends above the select() range, before the thread or the driver sees them.
  fd_ = UniqueFd(move_above_select_range(pipe_fds[0]));
  auto resolution = std::make_shared<Resolution>();
  const int wake = move_above_select_range(pipe_fds[1]);
  try {
    std::thread([resolution, wake, host = host_, service] {
      const addrinfo hints = lookup_hints(/*numeric=*/false);
      addrinfo* found = nullptr;
      const int gai = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
      {
        std::lock_guard<std::mutex> lock(resolution->mutex);
        resolution->gai = gai;
        resolution->sys_errno = errno;
        resolution->addresses = found;
        resolution->done = true;
      }
      ::close(wake);  // the read end, polled by the driver, now reports POLLHUP
    }).detach();
  } catch (const std::system_error& e) {
    ::close(wake);
    return {OpenState::failed, fail(e.code(), "cannot start the resolver thread")};
  }
  last_resolution_ = resolution;
  resolution_ = std::move(resolution);
  connecting_ = true;
  return {OpenState::in_progress, {}};
}

OpenResult TcpLink::connect_from(const addrinfo* first) {
  // Try the addresses in order until one connects or starts connecting. An immediate failure
  // (no IPv6 route, refused on loopback) moves on here; a connect in progress is followed
  // through on the one descriptor the driver polls, and finish_open moves on if it fails.
  std::error_code last_error = std::make_error_code(std::errc::host_unreachable);
  for (const addrinfo* ai = first; ai != nullptr; ai = ai->ai_next) {
    peer_ = numeric_address(ai->ai_addr, ai->ai_addrlen);
    // Moved above the select() range before connect() (fd_placement.h).
    UniqueFd sock(move_above_select_range(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol)));
    if (!sock) {
      last_error = {errno, std::generic_category()};
      continue;
    }
    set_socket_options(sock.get());
    // A non-blocking connect interrupted by a signal keeps going in the background (EINTR
    // behaves like EINPROGRESS), so it must not be retried.
    if (::connect(sock.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
      fd_ = std::move(sock);
      connecting_ = false;
      return {OpenState::open, {}};
    }
    if (errno == EINPROGRESS || errno == EINTR) {
      fd_ = std::move(sock);
      connecting_ = true;
      next_address_ = ai->ai_next;
      return {OpenState::in_progress, {}};
    }
    last_error = {errno, std::generic_category()};
  }
  return {OpenState::failed, fail(last_error)};
}

OpenResult TcpLink::finish_open(bool timed_out) {
  if (!connecting_) {
    if (is_open()) return {OpenState::open, {}};
    return {OpenState::failed, make_error_code(LinkErrc::not_connecting)};
  }
  if (timed_out) {
    const bool resolving = resolution_ != nullptr;
    resolution_.reset();
    return {OpenState::failed,
            fail(std::make_error_code(std::errc::timed_out),
                 resolving ? "resolving \"" + host_ + "\" timed out" : std::string())};
  }
  if (resolution_) {
    // A local reference: the Resolution must outlive the lock even after resolution_.reset().
    const std::shared_ptr<Resolution> r = resolution_;
    int gai = 0, sys_errno = 0;
    addrinfo* found = nullptr;
    {
      std::lock_guard<std::mutex> lock(r->mutex);
      if (!r->done) return {OpenState::in_progress, {}};
      gai = r->gai;
      sys_errno = r->sys_errno;
      std::swap(found, r->addresses);
    }
    resolution_.reset();
    fd_.reset();  // the pipe
    addresses_.reset(found);
    if (gai != 0) return resolve_failed(gai, sys_errno);
    return connect_from(addresses_.get());
  }
  pollfd pfd{fd_.get(), POLLOUT, 0};
  if (retry_on_eintr([&] { return ::poll(&pfd, 1, 0); }) < 0) {
    return {OpenState::failed, fail({errno, std::generic_category()})};
  }
  if (pfd.revents == 0) return {OpenState::in_progress, {}};
  int so_error = 0;
  socklen_t length = sizeof so_error;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &so_error, &length) != 0) so_error = errno;
  if (so_error != 0) {
    if (next_address_ != nullptr) {
      fd_.reset();
      return connect_from(next_address_);  // e.g. IPv6 refused or unreachable: try IPv4
    }
    return {OpenState::failed, fail({so_error, std::generic_category()})};
  }
  connecting_ = false;
  return {OpenState::open, {}};
}

ssize_t TcpLink::write_once(const std::uint8_t* data, std::size_t size) {
  // MSG_NOSIGNAL: a write to a reset connection returns EPIPE instead of killing the process.
  return ::send(fd_.get(), data, size, MSG_NOSIGNAL);
}

}  // namespace intergas
