// TcpLink against loopback listeners the tests create (a TCP serial bridge's stand-in).
#include "link/tcp_link.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "link/link_error.h"
#include "link/unique_fd.h"
#include "tests/link/link_text.h"
#include "tests/support/pty_pair.h"

namespace intergas {
namespace {

using test::kWaitLimit;
using test::poll_fd;
using test::read_text;
using test::wait_until;
using test::write_text;

// A listening socket on 127.0.0.1 (`port` 0: any free port).
class Listener {
 public:
  explicit Listener(std::uint16_t port = 0, int backlog = 8) {
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd_) throw std::runtime_error("socket");
    const int on = 1;
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("bind");
    }
    if (backlog >= 0 && ::listen(fd_.get(), backlog) != 0) throw std::runtime_error("listen");
    socklen_t length = sizeof address;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }

  std::uint16_t port() const { return port_; }
  std::string device() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  // Accepts one connection (bounded wait); an invalid UniqueFd on timeout.
  UniqueFd accept() {
    if ((poll_fd(fd_.get(), POLLIN) & POLLIN) == 0) return UniqueFd();
    return UniqueFd(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  }

  void close() { fd_.reset(); }

 private:
  UniqueFd fd_;
  std::uint16_t port_ = 0;
};

TcpLink make_loopback_link(std::uint16_t port) {
  return TcpLink("tcp://127.0.0.1:" + std::to_string(port), "127.0.0.1", port);
}

// Drives open()/finish_open() as the poller does; returns the final result.
OpenResult connect(Link& link) {
  OpenResult result = link.open();
  if (result.state != OpenState::in_progress) return result;
  wait_until([&] {
    poll_fd(link.fd(), POLLOUT, kWaitLimit);
    result = link.finish_open(false);
    return result.state != OpenState::in_progress;
  });
  return result;
}

ReadResult read_after_poll(Link& link) {
  poll_fd(link.fd(), POLLIN, kWaitLimit);
  std::uint8_t buffer[64];
  return link.read_some(buffer, sizeof buffer);
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  ::getsockopt(fd, level, name, &value, &length);
  return value;
}

TEST(TcpLink, ConnectsInProgressThenFinishOpen) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  const OpenResult started = link.open();
  // Loopback connects still answer EINPROGRESS on Linux; open is allowed by the contract.
  ASSERT_NE(started.state, OpenState::failed) << started.error.message();
  EXPECT_EQ(started.state, OpenState::in_progress);
  EXPECT_TRUE(link.is_open());
  ASSERT_NE(poll_fd(link.fd(), POLLOUT) & POLLOUT, 0);
  const OpenResult finished = link.finish_open(false);
  EXPECT_EQ(finished.state, OpenState::open) << finished.error.message();
  EXPECT_EQ(link.resolved_name(), "127.0.0.1:" + std::to_string(listener.port()));
  EXPECT_EQ(link.name(), listener.device());
  EXPECT_TRUE(listener.accept());
  EXPECT_EQ(link.finish_open(false).state, OpenState::open) << "no connect under way: still open";
}

// A host name is resolved on a helper thread: open() returns at once with a pipe to poll, which
// hangs up when the answer is in; finish_open() then starts the connect.
TEST(TcpLink, ResolvesAHostNameWithoutBlockingTheDriver) {
  Listener listener;
  TcpLink link("tcp://localhost:" + std::to_string(listener.port()), "localhost", listener.port());
  const OpenResult started = link.open();
  ASSERT_EQ(started.state, OpenState::in_progress) << started.error.message();
  EXPECT_TRUE(link.is_resolving());
  EXPECT_NE(poll_fd(link.fd(), POLLOUT) & POLLHUP, 0) << "the resolver's pipe hangs up when done";
  const OpenResult result = connect(link);
  ASSERT_EQ(result.state, OpenState::open) << result.error.message() << link.last_error_text();
  EXPECT_FALSE(link.is_resolving());
  EXPECT_TRUE(link.resolved_name() == "127.0.0.1:" + std::to_string(listener.port()) ||
              link.resolved_name() == "[::1]:" + std::to_string(listener.port()))
      << link.resolved_name();
  if (link.resolved_name().rfind("127.0.0.1", 0) == 0) {
    UniqueFd peer = listener.accept();
    ASSERT_TRUE(peer);
    EXPECT_FALSE(write_text(link, "S?\r"));
  }
}

TEST(TcpLink, AnUnknownHostNameFailsWithTheResolversReason) {
  TcpLink link("tcp://intergas-no-such-host.invalid:2000", "intergas-no-such-host.invalid", 2000);
  // No DNS answers here at all (no network), which may take the resolver's full timeout.
  OpenResult result = link.open();
  for (int i = 0; i < 60 && result.state == OpenState::in_progress; ++i) {
    poll_fd(link.fd(), POLLOUT, std::chrono::milliseconds(500));
    result = link.finish_open(false);
  }
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_FALSE(link.is_open());
  EXPECT_NE(link.last_error_text().find("cannot resolve \"intergas-no-such-host.invalid\""),
            std::string::npos)
      << link.last_error_text();
}

TEST(TcpLink, ClosingWhileResolvingLeavesNothingBehind) {
  TcpLink link("tcp://localhost:2000", "localhost", 2000);
  ASSERT_EQ(link.open().state, OpenState::in_progress);
  link.close();  // the resolver thread finishes into its own copy of the state
  EXPECT_FALSE(link.is_open());
  EXPECT_FALSE(link.is_resolving());
  EXPECT_EQ(link.finish_open(false).error, make_error_code(LinkErrc::not_connecting));
}

TEST(TcpLink, SetsNoDelayAndKeepAlive) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  EXPECT_EQ(int_option(link.fd(), IPPROTO_TCP, TCP_NODELAY), 1);
  EXPECT_EQ(int_option(link.fd(), SOL_SOCKET, SO_KEEPALIVE), 1);
  EXPECT_EQ(int_option(link.fd(), IPPROTO_TCP, TCP_KEEPIDLE), TcpLink::kKeepIdleSeconds);
  EXPECT_EQ(int_option(link.fd(), IPPROTO_TCP, TCP_KEEPINTVL), TcpLink::kKeepIntervalSeconds);
  EXPECT_EQ(int_option(link.fd(), IPPROTO_TCP, TCP_KEEPCNT), TcpLink::kKeepCount);
  EXPECT_EQ(int_option(link.fd(), IPPROTO_TCP, TCP_USER_TIMEOUT),
            static_cast<int>(TcpLink::kUserTimeoutMs));
}

TEST(TcpLink, TransfersBytesBothWays) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener.accept();
  ASSERT_TRUE(bridge);

  ASSERT_FALSE(write_text(link, "S?\r"));
  EXPECT_EQ(test::read_fd(bridge.get(), 3), "S?\r");
  const std::string frame(32, '\x5a');
  test::write_all_fd(bridge.get(), frame);
  EXPECT_EQ(read_text(link, frame.size()), frame);
}

TEST(TcpLink, ReadSomeReturnsZeroWhenNothingPending) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener.accept();
  std::uint8_t buffer[8];
  const ReadResult result = link.read_some(buffer, sizeof buffer);
  EXPECT_EQ(result.bytes, 0u);
  EXPECT_FALSE(result.lost);
  EXPECT_TRUE(link.is_open());
}

TEST(TcpLink, DrainDiscardsPendingInput) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener.accept();
  test::write_all_fd(bridge.get(), "stale bytes from before");
  ASSERT_NE(poll_fd(link.fd(), POLLIN) & POLLIN, 0);
  EXPECT_TRUE(link.drain());
  std::uint8_t buffer[64];
  EXPECT_EQ(link.read_some(buffer, sizeof buffer).bytes, 0u);
  test::write_all_fd(bridge.get(), "fresh");
  EXPECT_EQ(read_text(link, 5), "fresh");
}

TEST(TcpLink, PeerCloseIsReportedAsLost) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener.accept();
  bridge.reset();

  const ReadResult result = read_after_poll(link);
  EXPECT_TRUE(result.lost);
  EXPECT_EQ(result.error, LinkErrc::closed_by_peer);
  EXPECT_FALSE(link.is_open());
  EXPECT_EQ(link.fd(), -1);
}

TEST(TcpLink, PeerResetIsReportedAsLost) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener.accept();
  const linger abort_on_close{1, 0};  // close() sends RST
  ::setsockopt(bridge.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  bridge.reset();

  const ReadResult result = read_after_poll(link);
  EXPECT_TRUE(result.lost);
  EXPECT_EQ(result.error, std::errc::connection_reset) << result.error.message();
  EXPECT_FALSE(link.is_open());
}

TEST(TcpLink, WriteToResetPeerFailsWithoutSigpipe) {
  Listener listener;
  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener.accept();
  const linger abort_on_close{1, 0};
  ::setsockopt(bridge.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  bridge.reset();
  ASSERT_NE(poll_fd(link.fd(), POLLIN) & (POLLIN | POLLHUP | POLLERR), 0);

  // Reaching the next line at all shows there was no SIGPIPE.
  std::error_code error;
  wait_until([&] {
    error = write_text(link, "S?\r");
    return static_cast<bool>(error);
  });
  EXPECT_TRUE(error == std::errc::connection_reset || error == std::errc::broken_pipe)
      << error.message();
  EXPECT_FALSE(link.is_open());
}

TEST(TcpLink, ConnectToClosedPortIsRefused) {
  // Bound but not listening: the port stays ours, so nothing else can start listening on it.
  Listener not_listening(0, /*backlog=*/-1);
  TcpLink link = make_loopback_link(not_listening.port());
  const OpenResult result = connect(link);
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, std::errc::connection_refused) << result.error.message();
  EXPECT_FALSE(link.is_open());
  EXPECT_NE(link.last_error_text().find("refused"), std::string::npos) << link.last_error_text();
}

TEST(TcpLink, ConnectThatHangsTimesOut) {
  // Backlog 0 takes one connection; with it queued unaccepted, the kernel drops further SYNs, so
  // the link's connect stays in progress as with a bridge that does not answer.
  Listener listener(0, /*backlog=*/0);
  TcpLink filler = make_loopback_link(listener.port());
  ASSERT_EQ(connect(filler).state, OpenState::open);

  TcpLink link = make_loopback_link(listener.port());
  ASSERT_EQ(link.open().state, OpenState::in_progress);
  EXPECT_EQ(poll_fd(link.fd(), POLLOUT, std::chrono::milliseconds(50)), 0);
  EXPECT_EQ(link.finish_open(false).state, OpenState::in_progress) << "not writable yet";
  const OpenResult result = link.finish_open(true);
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, std::errc::timed_out);
  EXPECT_FALSE(link.is_open());
  EXPECT_EQ(link.fd(), -1);
}

TEST(TcpLink, ReconnectsWhenListenerComesBack) {
  auto listener = std::make_unique<Listener>();
  const std::uint16_t port = listener->port();
  TcpLink link = make_loopback_link(port);
  ASSERT_EQ(connect(link).state, OpenState::open);
  UniqueFd bridge = listener->accept();
  ASSERT_TRUE(bridge);

  // The bridge restarts: connection and listener gone.
  bridge.reset();
  listener->close();
  EXPECT_TRUE(read_after_poll(link).lost);
  EXPECT_EQ(connect(link).error, std::errc::connection_refused);

  listener = std::make_unique<Listener>(port);
  ASSERT_EQ(connect(link).state, OpenState::open) << link.last_error_text();
  bridge = listener->accept();
  ASSERT_TRUE(bridge);
  ASSERT_FALSE(write_text(link, "S?\r"));
  EXPECT_EQ(test::read_fd(bridge.get(), 3), "S?\r");
}

TEST(TcpLink, ConnectsToIpv6Loopback) {
  UniqueFd server(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  if (!server || ::bind(server.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(server.get(), 4) != 0) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  socklen_t length = sizeof address;
  ::getsockname(server.get(), reinterpret_cast<sockaddr*>(&address), &length);
  const std::uint16_t port = ntohs(address.sin6_port);
  TcpLink link("tcp://[::1]:" + std::to_string(port), "::1", port);
  ASSERT_EQ(connect(link).state, OpenState::open) << link.last_error_text();
  EXPECT_EQ(link.resolved_name(), "[::1]:" + std::to_string(port));
}

TEST(TcpLink, FinishOpenWithoutConnectFails) {
  TcpLink link = make_loopback_link(1);
  const OpenResult result = link.finish_open(false);
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, LinkErrc::not_connecting);
}

}  // namespace
}  // namespace intergas
