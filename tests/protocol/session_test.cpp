// The sans-I/O session: every rule driven with hand-made time points and byte chunks, no I/O.
#include "protocol/session.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;

const Bytes kStatusFrame = golden::frame(golden::kMwStatus);         // an idle HRE
const Bytes kCountersFrame = golden::frame(golden::kRbCounters);     // RB's counters
const Bytes kXtremeStatus = golden::frame(golden::kLcXtremeStatus);  // with XOR byte 0x89

SessionConfig config(Model m = Model::hre, bool with_counters = false) {
  SessionConfig c;
  c.model = m;
  c.reply_timeout = milliseconds(500);
  c.settle = milliseconds(150);
  c.schedule = Schedule();
  if (with_counters) c.schedule.set_every(Command::counters, 3);
  return c;
}

class SessionTest : public ::testing::Test {
 protected:
  void make(SessionConfig c) {
    session_.emplace(c);
    session_->on_link_opened(now_);
  }
  Session& s() { return *session_; }
  void advance(milliseconds d) { now_ += d; }
  // Moves time to the session's deadline and fires the timer.
  void fire() {
    ASSERT_TRUE(s().deadline().has_value());
    if (*s().deadline() > now_) now_ = *s().deadline();
    s().on_timer(now_);
  }
  Transmit send() {
    auto tx = s().take_transmit(now_);
    EXPECT_TRUE(tx.has_value());
    return tx ? *tx : Transmit{Command::status, {}};
  }
  void receive(const Bytes& b) { s().on_receive(ByteView(b), now_); }
  std::vector<Event> events() {
    std::vector<Event> out;
    while (auto e = s().next_event()) out.push_back(std::move(*e));
    return out;
  }
  // A cycle of status, status_extra and counters: status answers, status_extra times out.
  void time_out_status_extra_before_counters() {
    SessionConfig c = config();
    c.schedule.set_every(Command::counters, 1);
    c.schedule.set_every(Command::status_extra, 1);
    make(c);
    s().begin_cycle(now_);
    ASSERT_TRUE(std::holds_alternative<ReplyDecoded>(exchange(kStatusFrame)[0]));
    advance(milliseconds(150));
    ASSERT_EQ(send().command, Command::status_extra);
    fire();
  }
  static bool answered(const std::vector<Event>& ev, Command c) {
    for (const Event& e : ev) {
      if (auto* r = std::get_if<ReplyDecoded>(&e); r && r->command == c) return true;
      if (auto* f = std::get_if<RequestFailed>(&e); f && f->command == c) return true;
    }
    return false;
  }
  // The confirming read of a reply with no trusted history yet (protocol.md 19), answered with
  // `reply` after `after`; returns the events.
  std::vector<Event> answer_again(const Bytes& reply, milliseconds after = milliseconds(100)) {
    EXPECT_TRUE(events().empty()) << "nothing comes out before the confirming read";
    fire();  // the line has been quiet for `settle`: the confirming read goes out
    send();
    advance(after);
    receive(reply);
    fire();
    return events();
  }
  // Sends the next request, answers it whole after 100 ms, lets it settle; returns the events.
  // A boiler that answers the same bytes every time: when the reply needs a confirming read
  // (protocol.md 19) that read is answered alike, and the events of both are returned.
  std::vector<Event> exchange(const Bytes& reply) {
    if (s().deadline() && *s().deadline() > now_) now_ = *s().deadline();  // past a late window
    const Command c = send().command;
    advance(milliseconds(100));
    receive(reply);
    fire();
    std::vector<Event> ev = events();
    if (!answered(ev, c) && s().deadline()) {
      fire();  // past the settle time: the confirming read is due
      auto again = s().take_transmit(now_);
      EXPECT_TRUE(again && again->command == c) << "a reply with no event and no second read";
      advance(milliseconds(100));
      receive(reply);
      fire();
      for (Event& e : events()) ev.push_back(std::move(e));
    }
    return ev;
  }

  std::optional<Session> session_;
  TimePoint now_ = TimePoint{} + std::chrono::hours(1);
};

TEST_F(SessionTest, DecodesAWholeReplyAndEndsTheCycle) {
  make(config());
  s().begin_cycle(now_);
  Transmit tx = send();
  EXPECT_EQ(tx.command, Command::status);
  EXPECT_EQ(tx.bytes, (Bytes{'S', '?', '\r'}));
  advance(milliseconds(120));
  receive(kStatusFrame);
  EXPECT_TRUE(events().empty()) << "a complete frame is held until the line has been quiet";
  EXPECT_EQ(*s().deadline(), now_ + milliseconds(150));
  fire();
  // No trusted history yet: the same bytes once more confirm every field.
  auto ev = answer_again(kStatusFrame, milliseconds(120));
  ASSERT_EQ(ev.size(), 2u);
  const auto* reply = std::get_if<ReplyDecoded>(&ev[0]);
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->command, Command::status);
  EXPECT_EQ(reply->duration, milliseconds(120));
  EXPECT_EQ(reply->raw, kStatusFrame);
  const auto& st = std::get<StatusReading>(reply->reading);
  EXPECT_EQ(st.status_code, 126);
  ASSERT_TRUE(st.pressure_bar.has_value());
  EXPECT_DOUBLE_EQ(*st.pressure_bar, 1.49);
  const auto* done = std::get_if<CycleDone>(&ev[1]);
  ASSERT_NE(done, nullptr);
  EXPECT_TRUE(done->status_ok);
  EXPECT_FALSE(s().in_cycle());
  EXPECT_FALSE(s().deadline().has_value());
  EXPECT_EQ(s().counters().requests[command_index(Command::status)], 2u);
  EXPECT_EQ(s().counters().last_duration[command_index(Command::status)], milliseconds(120));
  EXPECT_EQ(reply->reads, 2);

  // Next cycle: every field as trusted, so one read is enough.
  advance(milliseconds(10000));
  s().begin_cycle(now_);
  send();
  advance(milliseconds(120));
  receive(kStatusFrame);
  fire();
  ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<ReplyDecoded>(ev[0]).reads, 1);
  EXPECT_EQ(s().counters().requests[command_index(Command::status)], 3u);
}

// picohttpparser's habit: every split of the reply gives the same result.
TEST_F(SessionTest, AssemblesAReplySplitAtEveryOffset) {
  for (std::size_t cut = 1; cut < kStatusFrame.size(); ++cut) {
    SCOPED_TRACE(cut);
    make(config());
    s().begin_cycle(now_);
    send();
    advance(milliseconds(90));
    receive(Bytes(kStatusFrame.begin(), kStatusFrame.begin() + static_cast<long>(cut)));
    advance(milliseconds(10));
    receive(Bytes(kStatusFrame.begin() + static_cast<long>(cut), kStatusFrame.end()));
    fire();
    auto ev = answer_again(kStatusFrame);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<ReplyDecoded>(ev[0]));
  }
}

TEST_F(SessionTest, AssemblesAReplyInOneByteChunks) {
  make(config());
  s().begin_cycle(now_);
  send();
  for (std::uint8_t b : kStatusFrame) {
    advance(milliseconds(1));
    receive(Bytes{b});
  }
  fire();
  EXPECT_EQ(s().counters().last_duration[command_index(Command::status)], milliseconds(32));
  auto ev = answer_again(kStatusFrame);
  ASSERT_EQ(ev.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<ReplyDecoded>(ev[0]));
  EXPECT_TRUE(std::get<CycleDone>(ev[1]).status_ok);
}

TEST_F(SessionTest, DiscardsStrayBytesBeforeTheRequestAndWaitsForQuiet) {
  make(config());
  receive(Bytes{0x00, 0x55});  // while idle
  s().begin_cycle(now_);
  EXPECT_FALSE(s().take_transmit(now_).has_value()) << "the line is not quiet yet";
  advance(milliseconds(100));
  receive(Bytes{0xAA});  // more noise pushes the request back
  advance(milliseconds(100));
  EXPECT_FALSE(s().take_transmit(now_).has_value());
  EXPECT_EQ(*s().deadline(), now_ + milliseconds(50));
  advance(milliseconds(50));
  auto ev = exchange(kStatusFrame);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ReplyDecoded>(ev[0]));
  EXPECT_EQ(s().counters().discarded_bytes, 3u);
}

// A line that never falls quiet (a chatty bridge, a wrong baud rate) must not stall the cycle:
// the request goes out after reply_timeout, its garbled reply is counted, and the cycle ends.
TEST_F(SessionTest, ALineThatNeverFallsQuietStillEndsTheCycle) {
  make(config());
  s().begin_cycle(now_);
  const TimePoint began = now_;
  std::optional<Transmit> tx;
  for (int i = 0; i < 20 && !tx; ++i) {
    receive(Bytes{0x55});
    advance(milliseconds(50));
    if (s().deadline() && *s().deadline() <= now_) tx = s().take_transmit(now_);
  }
  ASSERT_TRUE(tx.has_value()) << "the request waits at most reply_timeout for quiet";
  EXPECT_GE(now_ - began, milliseconds(500));
  EXPECT_LE(now_ - began, milliseconds(550));
  for (int i = 0; i < 40 && s().in_cycle(); ++i) {
    receive(Bytes(8, 0x55));
    advance(milliseconds(20));
    s().on_timer(now_);
  }
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::implausible);
  EXPECT_FALSE(std::get<CycleDone>(ev[1]).status_ok);
}

TEST_F(SessionTest, DropsAFrameFollowedByTrailingGarbage) {
  make(config());
  s().begin_cycle(now_);
  send();
  advance(milliseconds(100));
  receive(kStatusFrame);
  advance(milliseconds(20));
  receive(Bytes{0x7E});
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  const auto& failed = std::get<RequestFailed>(ev[0]);
  EXPECT_EQ(failed.reason, Failure::implausible);
  EXPECT_EQ(failed.raw.size(), 33u);
  EXPECT_FALSE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::implausible)], 1u);
}

TEST_F(SessionTest, DropsMoreThanAFrameArrivingInOneChunk) {
  make(config());
  s().begin_cycle(now_);
  send();
  advance(milliseconds(100));
  Bytes two = kStatusFrame;
  two.insert(two.begin(), 0x33);  // a stray byte ahead of the reply
  receive(two);
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::implausible);
}

TEST_F(SessionTest, SilenceTimesOutAndSkipsTheRestOfTheCycle) {
  make(config(Model::hre, /*with_counters=*/true));
  s().begin_cycle(now_);
  send();
  advance(milliseconds(499));
  s().on_timer(now_);
  EXPECT_TRUE(events().empty());
  advance(milliseconds(1));
  s().on_timer(now_);
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::timeout);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).command, Command::status);
  EXPECT_FALSE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_EQ(s().counters().requests[command_index(Command::counters)], 0u)
      << "a silent boiler costs one timeout per cycle";
}

TEST_F(SessionTest, ShortFrameIsCountedThenTheNextCycleIsClean) {
  make(config());
  s().begin_cycle(now_);
  send();
  advance(milliseconds(100));
  receive(Bytes(kStatusFrame.begin(), kStatusFrame.begin() + 20));
  fire();
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::short_frame);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).raw.size(), 20u);
  advance(milliseconds(1000));
  s().begin_cycle(now_);
  ev = exchange(kStatusFrame);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ReplyDecoded>(ev[0]));
  EXPECT_TRUE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::short_frame)], 1u);
}

// After a timeout the next request waits one more reply_timeout: a late reply arrives while
// nothing is outstanding and is discarded, even when the next command would get no answer of
// its own (an unsupported command), which would otherwise let the late frame through as its
// reply on a boiler without checksums.
TEST_F(SessionTest, HoldsTheNextRequestBackWhileALateReplyMayStillCome) {
  ASSERT_NO_FATAL_FAILURE(time_out_status_extra_before_counters());
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::timeout);
  const TimePoint timed_out = now_;
  EXPECT_FALSE(s().take_transmit(now_).has_value());
  advance(milliseconds(40));
  receive(kCountersFrame);  // the late S2 reply (any 32 bytes look alike without a checksum)
  EXPECT_TRUE(events().empty()) << "nothing is outstanding: the late reply is discarded";
  advance(milliseconds(400));
  EXPECT_FALSE(s().take_transmit(now_).has_value()) << "still inside the late window";
  fire();
  EXPECT_GE(now_ - timed_out, milliseconds(500));
  ASSERT_EQ(send().command, Command::counters);
  fire();  // counters get no answer at all
  ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::timeout)
      << "the late S2 frame was not taken as the counters reply";
  EXPECT_EQ(s().counters().discarded_bytes, kCountersFrame.size());
}

// A reply later than the late window, arriving while the next command is outstanding and that
// command is silent (an unsupported one): alone, it would pass for that command's reply. It is
// read again at once (a request timed out, so every reply is confirmed until one is), the
// confirming read gets silence, and nothing is decoded (protocol.md 19).
TEST_F(SessionTest, AReplyLaterThanItsWindowCannotPassForASilentCommandsReply) {
  time_out_status_extra_before_counters();
  ASSERT_EQ(events().size(), 1u);
  fire();  // the late window passes in silence
  ASSERT_EQ(send().command, Command::counters);
  advance(milliseconds(300));
  receive(golden::frame(golden::kRbStatusExtra));  // S2's reply, 1.3 s late: 32 bytes
  fire();
  EXPECT_TRUE(events().empty()) << "taken as a first read only";
  fire();
  ASSERT_EQ(send().command, Command::counters) << "the confirming read";
  fire();  // silence: counters do not answer
  auto ev = events();
  for (const Event& e : ev) EXPECT_FALSE(std::holds_alternative<ReplyDecoded>(e));
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::timeout)], 2u);
}

// The same on the Xtreme, whose XOR cannot tell one command's reply from another's.
TEST_F(SessionTest, OnTheXtremeToo) {
  SessionConfig c = config(Model::xtreme);
  c.schedule.set_every(Command::status_extra, 1);
  c.schedule.set_every(Command::counters, 1);
  make(c);
  s().begin_cycle(now_);
  exchange(kXtremeStatus);
  ASSERT_EQ(send().command, Command::status_extra);
  fire();  // S2 times out
  events();
  fire();  // past the late window
  ASSERT_EQ(send().command, Command::counters);
  advance(milliseconds(300));
  receive(golden::frame(golden::kLcXtremeStatusExtra));  // S2's reply, late, with a valid XOR
  fire();
  EXPECT_TRUE(events().empty()) << "a checksummed reply after a timeout is read again too";
  fire();
  ASSERT_EQ(send().command, Command::counters);
  fire();
  for (const Event& e : events()) EXPECT_FALSE(std::holds_alternative<ReplyDecoded>(e));
}

// A reply that arrives in the late window after its request timed out is not used, but proves
// the boiler answers that command: its run of misses ends, so a lossy line does not get a
// supported command marked unsupported.
TEST_F(SessionTest, ALateReplyCreditsItsCommand) {
  SessionConfig c = config();
  c.schedule.set_every(Command::status_extra, 1);
  make(c);
  for (int cycle = 0; cycle < 6; ++cycle) {
    s().begin_cycle(now_);
    exchange(kStatusFrame);
    ASSERT_EQ(send().command, Command::status_extra);
    fire();  // timed out
    advance(milliseconds(100));
    receive(golden::frame(golden::kRbStatusExtra));  // the reply, late; the cycle has ended
    events();
    advance(milliseconds(10000));
  }
  EXPECT_FALSE(s().is_unsupported(Command::status_extra)) << "six late replies, no miss counted";
}

// A reply later still, arriving while the next request is outstanding, meets that request's
// own reply: more than a frame, so neither is trusted.
TEST_F(SessionTest, NeverTakesALateReplyAsTheNextCommandsReply) {
  time_out_status_extra_before_counters();
  ASSERT_EQ(events().size(), 1u);
  fire();  // the late window passes in silence
  ASSERT_EQ(send().command, Command::counters);
  advance(milliseconds(30));
  receive(kCountersFrame);  // in truth the very late S2 reply
  advance(milliseconds(70));
  receive(kCountersFrame);  // the real counters reply
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::implausible);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).command, Command::counters);
  EXPECT_TRUE(std::holds_alternative<CycleDone>(ev[1]));
}

TEST_F(SessionTest, DiscardsAReplyArrivingAfterItsTimeout) {
  make(config());
  s().begin_cycle(now_);
  send();
  fire();
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  advance(milliseconds(300));
  receive(kStatusFrame);  // late: nothing is outstanding
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(s().counters().discarded_bytes, kStatusFrame.size());
  advance(milliseconds(20));
  s().begin_cycle(now_);
  EXPECT_FALSE(s().take_transmit(now_).has_value()) << "late bytes keep the line busy";
  advance(milliseconds(130));
  EXPECT_FALSE(s().take_transmit(now_).has_value()) << "quiet, but inside the late window";
  advance(milliseconds(50));  // 500 ms (reply_timeout) after the timeout
  ev = exchange(kStatusFrame);
  EXPECT_TRUE(std::get<CycleDone>(ev.back()).status_ok);
}

TEST_F(SessionTest, LinkLossFailsTheExchangeAsIoAndEndsTheCycle) {
  make(config(Model::hre, true));
  s().begin_cycle(now_);
  send();
  advance(milliseconds(50));
  receive(Bytes(kStatusFrame.begin(), kStatusFrame.begin() + 5));
  s().on_link_lost(now_);
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::io);
  EXPECT_FALSE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_FALSE(s().deadline().has_value());
  s().begin_cycle(now_);
  ev = events();
  ASSERT_EQ(ev.size(), 1u) << "a cycle with the link down ends at once";
  EXPECT_FALSE(std::get<CycleDone>(ev[0]).status_ok);
  EXPECT_FALSE(s().take_transmit(now_).has_value());
}

TEST_F(SessionTest, ScheduleSendsEveryGroupAfterOpenThenEveryNthCycle) {
  make(config(Model::hre, /*with_counters=*/true));  // counters every 3rd cycle
  std::vector<int> counters_sent;
  for (int cycle = 1; cycle <= 7; ++cycle) {
    s().begin_cycle(now_);
    exchange(kStatusFrame);
    if (s().in_cycle()) {
      const auto before = s().counters().requests[command_index(Command::counters)];
      exchange(kCountersFrame);
      EXPECT_GT(s().counters().requests[command_index(Command::counters)], before);
      counters_sent.push_back(cycle);
    }
    advance(milliseconds(10000));
  }
  EXPECT_EQ(counters_sent, (std::vector<int>{1, 4, 7}));
  s().on_link_lost(now_);
  s().on_link_opened(now_);
  s().begin_cycle(now_);
  exchange(kStatusFrame);
  EXPECT_TRUE(s().in_cycle()) << "every group is due again after the link reopens";
}

TEST_F(SessionTest, RetriesAFailedGroupOnTheNextCycle) {
  make(config(Model::hre, true));
  s().begin_cycle(now_);
  exchange(kStatusFrame);
  advance(milliseconds(150));
  ASSERT_EQ(send().command, Command::counters);
  fire();  // counters time out
  events();
  advance(milliseconds(10000));
  s().begin_cycle(now_);
  exchange(kStatusFrame);
  EXPECT_TRUE(s().in_cycle()) << "counters are still due after their failure";
}

TEST_F(SessionTest, ACycleBegunDuringAnotherStartsWhenItEnds) {
  make(config(Model::hre, /*with_counters=*/true));
  s().begin_cycle(now_);
  send();
  advance(milliseconds(100));
  s().begin_cycle(now_);  // the next read comes while status is outstanding
  s().begin_cycle(now_);  // and another: queued starts count as one
  EXPECT_TRUE(events().empty()) << "the outstanding request is not cut short";
  receive(kStatusFrame);
  fire();
  fire();
  ASSERT_EQ(send().command, Command::status) << "the confirming read";
  advance(milliseconds(100));
  receive(kStatusFrame);
  fire();
  auto ev = exchange(kCountersFrame);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_TRUE(std::get<CycleDone>(ev[2]).status_ok);
  EXPECT_TRUE(s().in_cycle()) << "the queued cycle started at once";
  advance(milliseconds(150));
  ev = exchange(kStatusFrame);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_FALSE(s().in_cycle()) << "only one cycle was queued";
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::timeout)], 0u);
}

TEST_F(SessionTest, ALostLinkEndsTheCycleWithOneReportAndDropsTheQueuedOne) {
  make(config());
  s().begin_cycle(now_);
  send();
  s().begin_cycle(now_);  // queued behind the running cycle
  s().on_link_lost(now_);
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u) << "one failure and one cycle end: a loss is reported once";
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::io);
  EXPECT_FALSE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_FALSE(s().in_cycle());
  s().on_link_opened(now_);
  s().begin_cycle(now_);
  EXPECT_TRUE(s().in_cycle()) << "the next read starts a cycle as usual";
}

TEST_F(SessionTest, XtremeSendsTheXorByteAndVerifiesTheReply) {
  make(config(Model::xtreme));
  s().begin_cycle(now_);
  Transmit tx = send();
  EXPECT_EQ(tx.bytes, (Bytes{'S', '?', '\r', 0x61}));
  advance(milliseconds(100));
  receive(kXtremeStatus);
  fire();
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<ReplyDecoded>(ev[0]));
  EXPECT_EQ(std::get<ReplyDecoded>(ev[0]).raw.size(), 33u);

  advance(milliseconds(10000));
  s().begin_cycle(now_);
  Bytes corrupted = kXtremeStatus;
  corrupted[3] ^= 0x01;
  ev = exchange(corrupted);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::checksum);
}

TEST_F(SessionTest, ImplausibleStatusFrameIsDroppedNotDecoded) {
  make(config());
  s().begin_cycle(now_);
  Bytes garbled = kStatusFrame;
  garbled[27] = 0x21;  // burner state with two bits set: breaks a structural rule
  auto ev = exchange(garbled);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::implausible);
  EXPECT_EQ(s().counters().requests[command_index(Command::status)], 1u) << "no second read";
}

// --- Meeting real boilers: detection, unsupported commands, stable frames, the cycle budget ---

class RealBoilerTest : public SessionTest {
 protected:
  // Advances to the session's next send time, sends, and returns the request.
  Transmit send_when_due() {
    if (auto d = s().deadline(); d && *d > now_) now_ = *d;
    return send();
  }
  // Lets a request time out: moves to its deadline and fires.
  void time_out() { fire(); }
  // One cycle in which status answers and every further request times out; returns what was
  // asked after status.
  std::vector<Command> cycle_with_silent_rest() {
    s().begin_cycle(now_);
    EXPECT_EQ(send_when_due().command, Command::status);
    advance(milliseconds(100));
    receive(kStatusFrame);
    fire();
    std::vector<Command> asked;
    while (s().in_cycle()) {
      asked.push_back(send_when_due().command);
      time_out();
    }
    events();
    return asked;
  }
};

// protocol.md 3: the Xtreme ignores a plain S?; with its XOR byte (0x61) it answers with LC's
// frame. Detection tries plain first, then the checksummed framing on the next cycle.
TEST_F(RealBoilerTest, FindsTheXtremeFramingOnTheSecondCycle) {
  SessionConfig c = config();
  c.detect_model = true;
  c.schedule.set_every(Command::counters, 1);
  make(c);
  s().begin_cycle(now_);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r'}));
  time_out();
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<RequestFailed>(ev[0]).reason, Failure::timeout);
  EXPECT_FALSE(std::get<CycleDone>(ev[1]).status_ok) << "an undetected cycle is status alone";
  EXPECT_FALSE(s().framing_known());

  s().begin_cycle(now_);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r', 0x61}));
  advance(milliseconds(100));
  receive(kXtremeStatus);
  fire();
  ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<FramingFound>(ev[0]).model, Model::xtreme);
  // After a timeout even a checksummed reply is read twice: it could be a late reply to the
  // request that timed out (protocol.md 19).
  ev = answer_again(kXtremeStatus);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<ReplyDecoded>(ev[0]).command, Command::status);
  EXPECT_TRUE(s().framing_known());
  EXPECT_EQ(s().model(), Model::xtreme);
  // The rest of the cycle follows in the framing found: H0 with its XOR byte 0x75.
  EXPECT_EQ(send_when_due().bytes, (Bytes{'H', '0', '\r', 0x75}));
}

TEST_F(RealBoilerTest, APlainBoilerIsFoundOnTheFirstCycleAndTheCycleGoesOn) {
  SessionConfig c = config();
  c.detect_model = true;
  c.schedule.set_every(Command::counters, 1);
  make(c);
  s().begin_cycle(now_);
  auto ev = exchange(kStatusFrame);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<FramingFound>(ev[0]).model, Model::hre);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'H', 'N', '\r'}));
}

// While the framing is being found, a garbled reply of the expected length shows the framing is
// right: it is not switched. A reply of the other framing's length is (32 bytes where the Xtreme's
// 33 were expected: a plain boiler answering).
TEST_F(RealBoilerTest, DetectionSwitchesOnlyOnSilenceOrTheOtherFramingsLength) {
  SessionConfig c = config();
  c.detect_model = true;
  make(c);
  s().begin_cycle(now_);
  Bytes garbled = kStatusFrame;
  garbled[27] = 0x21;  // 32 bytes, breaking a structural rule
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r'}));
  advance(milliseconds(100));
  receive(garbled);
  fire();
  events();
  s().begin_cycle(now_);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r'})) << "still plain after a garbled reply";
  time_out();
  events();
  s().begin_cycle(now_);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r', 0x61})) << "the Xtreme's after silence";
  advance(milliseconds(100));
  receive(kStatusFrame);  // 32 bytes where 33 were expected
  time_out();
  events();
  s().begin_cycle(now_);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r'})) << "plain again: a plain reply came";
}

// A reopened link may lead to another boiler: the framing is found again, the last one first.
TEST_F(RealBoilerTest, AReopenedLinkIsDetectedAgainStartingWithTheLastFraming) {
  SessionConfig c = config();
  c.detect_model = true;
  make(c);
  s().begin_cycle(now_);
  send_when_due();
  time_out();
  s().begin_cycle(now_);
  send_when_due();
  advance(milliseconds(100));
  receive(kXtremeStatus);
  fire();
  events();
  s().on_link_lost(now_);
  s().on_link_opened(now_);
  EXPECT_FALSE(s().framing_known());
  s().begin_cycle(now_);
  EXPECT_EQ(send_when_due().bytes, (Bytes{'S', '?', '\r', 0x61}));
}

// An older firmware that never answers S2 while it answers S?: three timeouts, then the command
// is marked unsupported, asked again after a pause that doubles from a 32nd of the recheck period
// up to the whole of it, and its misses count as `unsupported`.
TEST_F(RealBoilerTest, ACommandNeverAnsweredIsMarkedUnsupportedAndAskedRarely) {
  SessionConfig c = config();
  c.schedule.set_every(Command::status_extra, 1);
  c.schedule.set_recheck_every(64);
  make(c);
  std::vector<Event> changes;
  for (int cycle = 1; cycle <= 3; ++cycle) {
    s().begin_cycle(now_);
    exchange(kStatusFrame);
    EXPECT_EQ(send_when_due().command, Command::status_extra) << cycle;
    time_out();
    for (auto& e : events()) {
      if (std::holds_alternative<SupportChanged>(e)) changes.push_back(e);
    }
  }
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(std::get<SupportChanged>(changes[0]).command, Command::status_extra);
  EXPECT_FALSE(std::get<SupportChanged>(changes[0]).supported);
  EXPECT_TRUE(s().is_unsupported(Command::status_extra));
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::timeout)], 3u);

  EXPECT_EQ(std::get<SupportChanged>(changes[0]).misses, 3);

  // Marked at cycle 3: asked again 2, 4, 8, 16, 32, then 64 cycles after each ask.
  std::vector<int> asked_at;
  for (int cycle = 4; cycle <= 200; ++cycle) {
    const std::vector<Command> asked = cycle_with_silent_rest();
    if (!asked.empty()) {
      EXPECT_EQ(asked, std::vector<Command>{Command::status_extra}) << cycle;
      asked_at.push_back(cycle);
    }
  }
  EXPECT_EQ(asked_at, (std::vector<int>{5, 9, 17, 33, 65, 129, 193}));
  // The misses after the mark count as unsupported, not timeout.
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::timeout)], 3u);
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::unsupported)], 7u);
  EXPECT_EQ(s().counters().requests[command_index(Command::status_extra)], 10u);

  // After a reopen it is asked once at once; answering clears the mark.
  s().on_link_lost(now_);
  s().on_link_opened(now_);
  events();
  s().begin_cycle(now_);
  exchange(kStatusFrame);
  auto ev = exchange(golden::frame(golden::kRbStatusExtra));
  ASSERT_GE(ev.size(), 1u);
  EXPECT_EQ(std::get<SupportChanged>(ev[0]).command, Command::status_extra);
  EXPECT_TRUE(std::get<SupportChanged>(ev[0]).supported);
  EXPECT_FALSE(s().is_unsupported(Command::status_extra));
}

// A timeout in a cycle whose status failed says nothing about the command, and a garbled reply
// shows the boiler does answer: neither brings a command closer to the mark.
TEST_F(RealBoilerTest, OnlyTimeoutsBesideAnAnsweredStatusCountAsMisses) {
  SessionConfig c = config();
  c.schedule.set_every(Command::status_extra, 1);
  make(c);
  for (int cycle = 1; cycle <= 4; ++cycle) {
    s().begin_cycle(now_);
    send_when_due();
    advance(milliseconds(100));
    receive(kStatusFrame);
    fire();
    send_when_due();
    if (cycle == 3) {
      advance(milliseconds(50));
      receive(Bytes(10, 0x00));  // a short reply: the boiler answers S2
    }
    time_out();
    events();
  }
  EXPECT_FALSE(s().is_unsupported(Command::status_extra)) << "misses 1, 2, heard, 4";
}

// protocol.md 13: HN's hours of CH and DHW are parts of the powered hours. RB's counters frame
// with the powered hours changed to 1000 (E8 03) breaks that rule. Its fields (powered, CH and DHW
// hours) must repeat on a second read; they do, so it is the boiler's own data (protocol.md 19).
TEST_F(RealBoilerTest, AStableFrameThatBreaksACrossFieldRuleIsAcceptedOnTheSecondRead) {
  Bytes odd = kCountersFrame;
  odd[0] = 0xE8;
  odd[1] = 0x03;
  make(config(Model::hre, /*with_counters=*/true));
  s().begin_cycle(now_);
  exchange(kStatusFrame);
  auto ev = exchange(odd);
  ASSERT_EQ(ev.size(), 2u);
  const auto& reply = std::get<ReplyDecoded>(ev[0]);
  EXPECT_EQ(reply.despite_rule, "ch_hours + dhw_hours <= powered_hours");
  EXPECT_EQ(reply.reads, 2);
  EXPECT_FALSE(reply.disputed.has_value());
  EXPECT_EQ(std::get<CountersReading>(reply.reading).powered_hours, 1000u);
  EXPECT_EQ(std::get<CountersReading>(reply.reading).ch_hours, 3849u);
  EXPECT_TRUE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_EQ(s().counters().requests[command_index(Command::counters)], 2u);
}

// Two different frames that break the rule: the powered hours are disputed (1000 h, then 744 h),
// so that value is not confirmed; no third read this cycle.
TEST_F(RealBoilerTest, DifferentFramesThatBreakACrossFieldRuleAreDisputed) {
  Bytes odd = kCountersFrame;
  odd[0] = 0xE8;
  odd[1] = 0x03;
  Bytes other = odd;
  other[1] = 0x02;
  make(config(Model::hre, /*with_counters=*/true));
  s().begin_cycle(now_);
  exchange(kStatusFrame);
  send_when_due();
  advance(milliseconds(100));
  receive(odd);
  fire();
  EXPECT_TRUE(events().empty()) << "read again before anything comes out";
  EXPECT_EQ(send_when_due().command, Command::counters);
  advance(milliseconds(100));
  receive(other);
  fire();
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  const auto& reply = std::get<ReplyDecoded>(ev[0]);
  ASSERT_TRUE(reply.disputed.has_value());
  EXPECT_EQ(std::get<CountersReading>(reply.reading).powered_hours, 744u);     // 0x02E8
  EXPECT_EQ(std::get<CountersReading>(*reply.disputed).powered_hours, 1000u);  // 0x03E8
  EXPECT_EQ(reply.despite_rule, "");
  EXPECT_EQ(s().counters().failures[static_cast<int>(Failure::unconfirmed)], 1u);
  EXPECT_FALSE(s().in_cycle()) << "one second read only";
  EXPECT_EQ(s().counters().requests[command_index(Command::counters)], 2u);
}

// A sensor out of its range makes that value unknown, not the frame: the rest of the status
// (the lockout that may explain it included) is exported, the value is counted each time and
// reported once per link.
TEST_F(RealBoilerTest, AnOutOfRangeSensorLeavesOnlyThatValueOut) {
  Bytes hot = kStatusFrame;
  hot[2] = 0x10;  // supply temperature (bytes 2-3) = 0x4010 = 164.00 C: above 130 C
  hot[3] = 0x40;
  make(config());
  for (int cycle = 0; cycle < 2; ++cycle) {
    s().begin_cycle(now_);
    auto ev = exchange(hot);
    const ReplyDecoded* reply = nullptr;
    int reported = 0;
    for (const Event& e : ev) {
      if (auto* r = std::get_if<ReplyDecoded>(&e)) reply = r;
      if (auto* v = std::get_if<ValueOutOfRange>(&e)) {
        ++reported;
        EXPECT_EQ(v->field, "supply");
        EXPECT_EQ(v->raw, 0x4010);
      }
    }
    ASSERT_NE(reply, nullptr);
    const auto& status = std::get<StatusReading>(reply->reading);
    EXPECT_FALSE(status.supply_celsius.has_value());
    EXPECT_EQ(status.heat_exchanger_celsius, 40.28);  // MW's t1, as the frames table gives it
    EXPECT_EQ(status.return_celsius, 40.52);
    EXPECT_EQ(reported, cycle == 0 ? 1 : 0);
    advance(milliseconds(1000));
  }
  EXPECT_EQ(s().counters().out_of_range.at("supply"), 2u);
}

// With a 1 s budget and a 500 ms reply timeout, a command is sent only while its expected
// replies still fit: on a plain-framing boiler two reads (a confirming one may follow) and the
// settle time between them; the rest waits for the next cycle, status first, and is counted.
TEST_F(RealBoilerTest, TheCycleBudgetDefersWhatDoesNotFit) {
  SessionConfig c = config();
  c.cycle_budget = milliseconds(1000);
  c.schedule.set_every(Command::status_extra, 1);
  c.schedule.set_every(Command::counters, 1);
  make(c);
  const TimePoint began = now_;
  s().begin_cycle(now_);
  // Two reads of status (no trusted history yet), each 100 ms reply + 150 ms settle: +500 ms.
  exchange(kStatusFrame);
  // S2 is expected like status: 100 + 150 + 100 ms, ending at +850 ms: it fits.
  EXPECT_EQ(send_when_due().command, Command::status_extra) << "+500 ms";
  time_out();  // +1000 ms
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u) << "counters would end after the budget: deferred";
  EXPECT_TRUE(std::get<CycleDone>(ev[1]).status_ok);
  EXPECT_EQ(now_ - began, milliseconds(1000));
  EXPECT_EQ(s().counters().requests[command_index(Command::counters)], 0u);
  EXPECT_EQ(s().counters().deferred[command_index(Command::counters)], 1u);
  // The next cycle starts with status and then asks counters: never read since the link opened,
  // like S2, but passed over by the budget, so it goes first.
  now_ = began + milliseconds(2000);
  s().begin_cycle(now_);
  exchange(kStatusFrame);  // one read: every field as trusted
  EXPECT_EQ(send_when_due().command, Command::counters);
}

}  // namespace
}  // namespace intergas
