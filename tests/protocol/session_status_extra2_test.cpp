// D2 (status_extra2) in the session: asked of an Xtreme on every read, configured or detected,
// and never of a plain-framing boiler (is_asked_of, protocol.md 12.4). Virtual time, no I/O.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <vector>

#include "protocol/session.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Bytes kHreStatus = golden::frame(golden::kMwStatus);
const Bytes kCw6Status = golden::frame(golden::kKhCw6Status);
const Bytes kXtremeStatus = golden::frame(golden::kLcXtremeStatus);
const Bytes kXtremeD2 = golden::frame(golden::kSyntheticXtremeStatusExtra2);
// protocol.md 3, 12.4: "D2\r" and its XOR byte 44 ^ 32 ^ 0D = 7B.
const Bytes kD2Request = {0x44, 0x32, 0x0D, 0x7B};

class D2Bench {
 public:
  // `boiler`: the framing the simulated boiler answers in; it ignores any other request, as a
  // boiler does (an Xtreme a request without its XOR byte, a plain boiler D2).
  D2Bench(SessionConfig c, Model boiler, std::map<Command, Bytes> others = {})
      : session_(c), boiler_(boiler), others_(std::move(others)) {
    session_.on_link_opened(now_);
  }

  // One read cycle: status answered with `status`, D2 with its frame, the others with their
  // frame in `others` or left to time out. Returns the requests written, in order.
  std::vector<Bytes> cycle(const Bytes& status) {
    std::vector<Bytes> sent;
    session_.begin_cycle(now_);
    while (session_.in_cycle()) {
      if (auto d = session_.deadline(); d && *d > now_) now_ = *d;
      session_.on_timer(now_);
      if (auto tx = session_.take_transmit(now_)) {
        sent.push_back(tx->bytes);
        const auto other = others_.find(tx->command);
        const Bytes* reply = tx->command == Command::status          ? &status
                             : tx->command == Command::status_extra2 ? &kXtremeD2
                             : other != others_.end()                ? &other->second
                                                                     : nullptr;
        const bool understood = command_from_request(tx->bytes, boiler_) == tx->command;
        if (reply != nullptr && understood) {
          now_ += milliseconds(100);
          session_.on_receive(ByteView(*reply), now_);
        }
      }
      while (auto e = session_.next_event()) {
        if (auto* r = std::get_if<ReplyDecoded>(&*e)) decoded_.push_back(r->command);
      }
    }
    now_ += seconds(10);
    return sent;
  }
  int decoded(Command c) const {
    int n = 0;
    for (Command d : decoded_) n += d == c ? 1 : 0;
    return n;
  }
  const Session& session() const { return session_; }

 private:
  Session session_;
  Model boiler_;
  std::map<Command, Bytes> others_;
  TimePoint now_ = TimePoint{} + std::chrono::hours(1);
  std::vector<Command> decoded_;
};

SessionConfig with_defaults(Model m, bool detect) {
  SessionConfig c;
  c.model = m;
  c.detect_model = detect;
  c.reply_timeout = milliseconds(500);
  c.schedule = Schedule::defaults(seconds(10));
  return c;
}

int count(const std::vector<Bytes>& sent, const Bytes& request) {
  int n = 0;
  for (const Bytes& b : sent) n += b == request ? 1 : 0;
  return n;
}

bool any_d2(const std::vector<Bytes>& sent) {
  for (const Bytes& b : sent) {
    if (b.size() >= 2 && b[0] == 'D' && b[1] == '2') return true;
  }
  return false;
}

TEST(StatusExtra2Schedule, DefaultsAskItEveryRead) {
  EXPECT_EQ(Schedule::defaults(seconds(10)).every(Command::status_extra2), 1);
  EXPECT_EQ(Schedule::defaults(seconds(120)).every(Command::status_extra2), 1);
}

// A frame of the table in the Xtreme's framing: its 32 data bytes and their XOR byte.
Bytes with_xor(const char* hex) {
  Bytes b = golden::frame(hex);
  b.resize(32);
  b.push_back(xor_of(b));
  return b;
}

// An Xtreme answering every command in its framing (the table's frames, with the XOR byte where
// the Xtreme sends one).
std::map<Command, Bytes> xtreme_answers() {
  return {{Command::status_extra, golden::frame(golden::kLcXtremeStatusExtra)},
          {Command::diagnostics, with_xor(golden::kRbDiagnostics)},
          {Command::counters, with_xor(golden::kRbCounters)},
          {Command::parameters, with_xor(golden::kRbParameters)},
          {Command::version, golden::frame(golden::kMwVersion)}};
}

// A configured Xtreme with the default schedule: D2 once on each of 12 reads, answered and decoded.
TEST(StatusExtra2Session, AConfiguredXtremeIsAskedD2EveryRead) {
  D2Bench b(with_defaults(Model::xtreme, false), Model::xtreme, xtreme_answers());
  for (int read = 1; read <= 12; ++read) {
    EXPECT_EQ(count(b.cycle(kXtremeStatus), kD2Request), 1) << "read " << read;
  }
  EXPECT_EQ(b.decoded(Command::status_extra2), 12);
  EXPECT_EQ(b.session().counters().requests[command_index(Command::status_extra2)], 12u);
}

// A cycle budget that status, S2 and D2 fill on their own (the plugin at a 1 s interval: 100 ms
// replies, 150 ms settle, 800 ms here): the groups read once a minute still get in, and D2 and S2
// miss a read only now and then to let them.
TEST(StatusExtra2Session, ATightBudgetStarvesNoGroup) {
  SessionConfig c = with_defaults(Model::xtreme, false);
  c.schedule = Schedule::defaults(seconds(1));
  c.settle = milliseconds(150);
  c.cycle_budget = milliseconds(800);
  D2Bench b(c, Model::xtreme, xtreme_answers());
  int d2_reads = 0;
  for (int read = 1; read <= 20; ++read) d2_reads += count(b.cycle(kXtremeStatus), kD2Request);
  for (Command g :
       {Command::diagnostics, Command::counters, Command::parameters, Command::version}) {
    EXPECT_GE(b.decoded(g), 1) << command_name(g);
  }
  EXPECT_GE(d2_reads, 14);
  EXPECT_EQ(b.decoded(Command::status_extra2), d2_reads);
}

// Found by detection: the plain S? goes unanswered, the checksummed one is answered on the
// second read, which goes on with D2; so do the reads after it.
TEST(StatusExtra2Session, ADetectedXtremeIsAskedD2FromTheReadThatFindsIt) {
  D2Bench b(with_defaults(Model::hre, true), Model::xtreme, xtreme_answers());
  const std::vector<Bytes> first = b.cycle(kXtremeStatus);
  EXPECT_FALSE(any_d2(first)) << "nothing but the plain S? before the framing is known";
  EXPECT_EQ(count(b.cycle(kXtremeStatus), kD2Request), 1);
  EXPECT_EQ(b.session().model(), Model::xtreme);
  for (int read = 3; read <= 8; ++read) {
    EXPECT_EQ(count(b.cycle(kXtremeStatus), kD2Request), 1) << "read " << read;
  }
}

// HRE and CW6, configured or detected, with D2 in the schedule (the defaults have it) or set
// explicitly: never a byte of D2 on the line, and no request counted for it.
TEST(StatusExtra2Session, APlainBoilerIsNeverSentD2) {
  struct Row {
    Model model;
    bool detect;
    const Bytes* status;
  };
  for (const Row& row : {Row{Model::hre, false, &kHreStatus}, Row{Model::hre, true, &kHreStatus},
                         Row{Model::cw6, false, &kCw6Status}, Row{Model::cw6, true, &kCw6Status}}) {
    SCOPED_TRACE(std::string(model_name(row.model)) + (row.detect ? " detected" : " configured"));
    SessionConfig c = with_defaults(row.model, row.detect);
    c.schedule.set_every(Command::status_extra2, 1);
    D2Bench b(c, row.model);
    for (int read = 1; read <= 40; ++read) EXPECT_FALSE(any_d2(b.cycle(*row.status))) << read;
    EXPECT_EQ(b.session().counters().requests[command_index(Command::status_extra2)], 0u);
    EXPECT_TRUE(b.session().framing_known());
  }
}

// intergas-read --probe lists what a boiler answers: it may ask D2 of any boiler (plain there).
TEST(StatusExtra2Session, AskEveryCommandSendsD2ToAPlainBoilerToo) {
  SessionConfig c = with_defaults(Model::hre, false);
  c.ask_every_command = true;
  D2Bench b(c, Model::hre);
  EXPECT_EQ(count(b.cycle(kHreStatus), Bytes{0x44, 0x32, 0x0D}), 1);
}

}  // namespace
}  // namespace intergas
