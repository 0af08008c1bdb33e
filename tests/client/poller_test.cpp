// The poll loop never dies in silence: a failed poll() or an exception ends run() with the
// reason, every link closed, and later reads refused, so the plugin can say why and fail its
// reads. No boiler is needed: a link that never opens is enough to put a client in the loop.
#include "client/poller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "client/poll_timeout.h"
#include "tests/support/sim_pair.h"

namespace intergas {
namespace {

// A link that cannot be opened and counts how often it was closed.
class UnopenableLink : public Link {
 public:
  explicit UnopenableLink(std::atomic<int>& closes) : closes_(closes) {}
  OpenResult open() override {
    OpenResult r;
    r.state = OpenState::failed;
    r.error = std::make_error_code(std::errc::no_such_device);
    return r;
  }
  OpenResult finish_open(bool) override { return open(); }
  void close() override { ++closes_; }
  bool is_open() const override { return false; }
  int fd() const override { return -1; }
  std::error_code write_all(const std::uint8_t*, std::size_t) override {
    return std::make_error_code(std::errc::not_connected);
  }
  ReadResult read_some(std::uint8_t*, std::size_t) override { return {}; }
  bool drain() override { return false; }
  const std::string& name() const override { return name_; }
  std::string resolved_name() const override { return name_; }

 private:
  std::atomic<int>& closes_;
  std::string name_ = "/dev/ttyNothing";
};

std::unique_ptr<BoilerClient> unopenable_client(std::atomic<int>& closes) {
  return std::make_unique<BoilerClient>(std::make_unique<UnopenableLink>(closes),
                                        test::test_client_options(Model::hre));
}

TEST(Poller, StoppedReturnsNoReasonAndClosesTheLinks) {
  std::atomic<int> closes{0};
  Poller poller([](std::size_t, CycleReport&&) {}, [](std::size_t, Notice&&) {});
  ASSERT_TRUE(poller.ok());
  poller.add(unopenable_client(closes));
  std::string why = "not returned";
  std::thread loop([&] { why = poller.run(); });
  poller.stop();
  loop.join();
  EXPECT_EQ(why, "");
  EXPECT_GE(closes.load(), 1);
  EXPECT_FALSE(poller.request_cycle(0)) << "a stopped loop serves no read";
}

// An exception out of a callback (here the notice of the failed open) ends the loop with its
// text instead of taking the thread, or the process, down in silence.
TEST(Poller, AnExceptionEndsTheLoopWithItsTextLinksClosedAndReadsRefused) {
  std::atomic<int> closes{0};
  Poller poller([](std::size_t, CycleReport&&) {},
                [](std::size_t, Notice&&) { throw std::runtime_error("out of log space"); });
  ASSERT_TRUE(poller.ok());
  poller.add(unopenable_client(closes));
  EXPECT_TRUE(poller.request_cycle(0)) << "the loop has not died yet";
  const std::string why = poller.run();  // returns once the first notice throws
  EXPECT_EQ(why, "exception: out of log space");
  EXPECT_GE(closes.load(), 1);
  EXPECT_FALSE(poller.request_cycle(0));
}

// poll() itself fails (EINVAL: more descriptors than RLIMIT_NOFILE, poll(2)): the loop ends with
// the errno text. The failing poll is passed in: lowering the real limit to get it also starves
// the sanitizers' runtime, which opens a pipe to check memory (UBSan then reports a false error).
TEST(Poller, AFailedPollEndsTheLoopWithItsErrno) {
  std::atomic<int> closes{0};
  Poller poller([](std::size_t, CycleReport&&) {}, [](std::size_t, Notice&&) {},
                [](pollfd*, nfds_t, int) {
                  errno = EINVAL;
                  return -1;
                });
  ASSERT_TRUE(poller.ok());
  poller.add(unopenable_client(closes));
  const std::string why = poller.run();
  EXPECT_EQ(why, "poll() failed: Invalid argument");
  EXPECT_GE(closes.load(), 1);
  EXPECT_FALSE(poller.request_cycle(0));
}

// Whole milliseconds rounded up, never negative, never past an int (30 days is 2.6e9 ms).
TEST(PollTimeout, RoundsUpAndClampsToAnInt) {
  using namespace std::chrono;
  EXPECT_EQ(poll_timeout_ms(microseconds(1200)), 2);
  EXPECT_EQ(poll_timeout_ms(milliseconds(1000)), 1000);
  EXPECT_EQ(poll_timeout_ms(milliseconds(-5)), 0);
  EXPECT_EQ(poll_timeout_ms(hours(24 * 30)), 2147483647);
}

}  // namespace
}  // namespace intergas
