// move_above_select_range on real descriptors, and the links' descriptors landing above
// FD_SETSIZE. Each test sets the process's soft RLIMIT_NOFILE itself and restores it.
#include "link/fd_placement.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "link/serial_link.h"
#include "link/tcp_link.h"
#include "link/unique_fd.h"
#include "tests/link/link_text.h"
#include "tests/support/pty_pair.h"

namespace intergas {
namespace {

using test::kWaitLimit;
using test::poll_fd;
using test::wait_until;

// Sets the soft descriptor limit for one test and puts the old one back afterwards.
class FdPlacement : public ::testing::Test {
 protected:
  // Placement on, as ensure_fd_limit turns it on for more than a few boilers.
  void SetUp() override {
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0);
    place_above_select_range(true);
  }
  void TearDown() override {
    place_above_select_range(false);
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }

  // Room above the select() range: soft limit FD_SETSIZE + 256 (or more if it was higher).
  // False when the hard limit does not allow it.
  bool make_room() {
    rlimit r = saved_;
    const rlim_t want = FD_SETSIZE + 256;
    if (r.rlim_max != RLIM_INFINITY && r.rlim_max < want) return false;
    if (r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= want) return true;
    r.rlim_cur = want;
    return ::setrlimit(RLIMIT_NOFILE, &r) == 0;
  }
  // The usual soft limit, 1024: no number above the range exists.
  void leave_no_room() {
    rlimit r = saved_;
    r.rlim_cur = FD_SETSIZE;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &r), 0);
  }

  rlimit saved_{};
};

bool is_open_fd(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

#define REQUIRE_ROOM()                                                           \
  if (!make_room()) GTEST_SKIP() << "hard RLIMIT_NOFILE below FD_SETSIZE + 256"; \
  static_assert(true, "")

TEST_F(FdPlacement, MovesALowDescriptorAboveTheRangeAndClosesTheOriginal) {
  REQUIRE_ROOM();
  int p[2];
  ASSERT_EQ(::pipe2(p, O_NONBLOCK), 0);  // no CLOEXEC: the move must add it
  UniqueFd read_end(p[0]);
  ASSERT_LT(p[1], FD_SETSIZE);

  const int moved = move_above_select_range(p[1]);
  UniqueFd write_end(moved);
  EXPECT_GE(moved, FD_SETSIZE);
  EXPECT_EQ(::fcntl(p[1], F_GETFD), -1) << "the original number is free again";
  EXPECT_EQ(errno, EBADF);
  EXPECT_NE(::fcntl(moved, F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_NE(::fcntl(moved, F_GETFL) & O_NONBLOCK, 0) << "status flags belong to the open file";

  // Still the same pipe: what goes in at the moved end comes out of the other.
  ASSERT_EQ(::write(moved, "x", 1), 1);
  char c = 0;
  ASSERT_NE(poll_fd(read_end.get(), POLLIN) & POLLIN, 0);
  ASSERT_EQ(::read(read_end.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
}

// Off (a few boilers): a descriptor stays where it opened, room or not.
TEST_F(FdPlacement, LeavesTheDescriptorWhereItIsWhenPlacementIsOff) {
  REQUIRE_ROOM();
  place_above_select_range(false);
  UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_GE(fd.get(), 0);
  ASSERT_LT(fd.get(), FD_SETSIZE);
  EXPECT_EQ(move_above_select_range(fd.get()), fd.get());
}

TEST_F(FdPlacement, LeavesTheDescriptorWhereItIsWhenTheLimitLeavesNoRoom) {
  leave_no_room();
  UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd);
  ASSERT_LT(fd.get(), FD_SETSIZE);
  errno = ENOTTY;  // whatever the caller had: kept
  EXPECT_EQ(move_above_select_range(fd.get()), fd.get());
  EXPECT_EQ(errno, ENOTTY);
  EXPECT_TRUE(is_open_fd(fd.get()));
}

TEST_F(FdPlacement, PassesFailuresAndHighDescriptorsThrough) {
  REQUIRE_ROOM();
  errno = ENOENT;  // a failed open()'s -1 and errno reach the caller unchanged
  EXPECT_EQ(move_above_select_range(-1), -1);
  EXPECT_EQ(errno, ENOENT);

  UniqueFd high(move_above_select_range(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
  ASSERT_GE(high.get(), FD_SETSIZE);
  EXPECT_EQ(move_above_select_range(high.get()), high.get());
  EXPECT_TRUE(is_open_fd(high.get()));
}

TEST_F(FdPlacement, SerialLinkOpensAboveTheRange) {
  REQUIRE_ROOM();
  test::PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open) << link.last_error_text();
  EXPECT_GE(link.fd(), FD_SETSIZE);
  ASSERT_FALSE(test::write_text(link, "S?\r"));
  EXPECT_EQ(pty.read_master(3), "S?\r");
}

TEST_F(FdPlacement, SerialLinkStillOpensWithoutRoom) {
  leave_no_room();
  test::PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open) << link.last_error_text();
  EXPECT_LT(link.fd(), FD_SETSIZE);
}

// A listener on 127.0.0.1, any free port.
UniqueFd listen_loopback(std::uint16_t& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof a;
  if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(fd.get(), 8) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &length) != 0) {
    throw std::runtime_error("listen on 127.0.0.1");
  }
  port = ntohs(a.sin_port);
  return fd;
}

TEST_F(FdPlacement, TcpLinkConnectsAboveTheRange) {
  REQUIRE_ROOM();
  std::uint16_t port = 0;
  UniqueFd listener = listen_loopback(port);
  TcpLink link("tcp://127.0.0.1:" + std::to_string(port), "127.0.0.1", port);
  OpenResult result = link.open();
  EXPECT_GE(link.fd(), FD_SETSIZE) << "moved before connect(), so also while connecting";
  ASSERT_TRUE(wait_until([&] {
    if (result.state != OpenState::in_progress) return true;
    poll_fd(link.fd(), POLLOUT, kWaitLimit);
    result = link.finish_open(false);
    return result.state != OpenState::in_progress;
  }));
  ASSERT_EQ(result.state, OpenState::open) << link.last_error_text();
  EXPECT_GE(link.fd(), FD_SETSIZE);
  ASSERT_NE(poll_fd(listener.get(), POLLIN) & POLLIN, 0);
  UniqueFd peer(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(peer);
  ASSERT_FALSE(test::write_text(link, "S?\r"));
  EXPECT_EQ(test::read_fd(peer.get(), 3), "S?\r");
}

TEST_F(FdPlacement, TcpLinkResolverPipeIsAboveTheRange) {
  REQUIRE_ROOM();
  TcpLink link("tcp://localhost:2000", "localhost", 2000);
  ASSERT_EQ(link.open().state, OpenState::in_progress);
  ASSERT_TRUE(link.is_resolving());
  EXPECT_GE(link.fd(), FD_SETSIZE);
  // Let the resolver thread finish before the test ends (the pipe hangs up when it does).
  poll_fd(link.fd(), POLLIN);
  link.close();
}

}  // namespace
}  // namespace intergas
