// The sans-I/O session for one boiler: bytes and time in; requests, decoded readings, failures and
// cycle ends out. It never reads a clock, touches a descriptor, logs or starts a thread; the driver
// owns all of that (CLI: one boiler, blocking; plugin: many boilers from one poll loop).
//
// Theory of operation. A read cycle sends the due commands one at a time, status first. A request
// is only sent after the line has been quiet for `settle` (stray or late bytes push it back and
// are discarded), and after a request timed out not before one more reply_timeout has passed, as
// its reply may still come; a line that never falls quiet gets the request all the same
// reply_timeout later. The reply must reach reply_size() bytes before `reply_timeout`; it is then
// held until the line has been quiet for `settle` again, and any byte in that window means the
// reply cannot be proven aligned (a late reply to an earlier request, stray bytes, noise): it is
// dropped as implausible. Without a checksum on HRE boilers these windows, not luck, keep a late
// reply to one command from being taken as the reply to the next. A status timeout ends the
// cycle early: a silent boiler costs one timeout per cycle, not one per command.
//
// Meeting real boilers. With detect_model the framing is found on each (re)opened link: the
// status request goes out plain (HRE, CW6) and, when that fails, with the Xtreme's XOR byte on
// the next cycle, alternating until one is answered; until then a cycle is that one request.
// A command that keeps timing out while the status request is answered is marked unsupported
// (ScheduleState) and asked again only rarely; its later misses count as `unsupported`. A frame
// that breaks a cross-field rule is read again at once, and accepted when the same bytes come
// back (a stable frame is the boiler's own data, not noise; protocol.md 13). With a cycle_budget
// a command is only sent when its reply is expected within the budget; the rest waits a cycle.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <variant>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/model.h"
#include "protocol/reading.h"
#include "protocol/result.h"
#include "protocol/schedule.h"

namespace intergas {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

struct SessionConfig {
  Model model = Model::hre;
  // Find the framing on each (re)opened link; `model` is the framing tried first.
  bool detect_model = false;
  // From the request's first byte to the reply's last. EB measured <= 150 ms (protocol.md 13).
  Duration reply_timeout = std::chrono::milliseconds(1000);
  // Quiet time that proves a reply complete and aligned, and gap before the next request
  // (protocol.md 13, recommendation 5: 100-200 ms between a reply and the next command).
  Duration settle = std::chrono::milliseconds(150);
  // A command other than status is sent only while its expected reply (its last duration, or
  // reply_timeout before it has one) still ends within this time from the cycle's start; the
  // rest stays due for the next cycle. 0: no limit. The plugin passes the read interval.
  Duration cycle_budget{0};
  Schedule schedule;
};

// Bytes for the driver to write now, after discarding any input pending on the link.
struct Transmit {
  Command command;
  Bytes bytes;
  bool drain_first = true;
};

struct ReplyDecoded {
  Command command;
  Reading reading;
  Duration duration;  // request's first byte to reply's last
  Bytes raw;          // the reply as received (32 or 33 bytes)
  // Not empty: the frame breaks this cross-field rule but came back identical, so it is taken
  // for the boiler's own data.
  std::string_view despite_rule = {};
};
struct RequestFailed {
  Command command;
  Failure reason;
  Bytes raw;                   // whatever arrived for this request (possibly nothing)
  std::string_view rule = {};  // implausible: the rule the frame broke, when one did
};
// detect_model: the status request was answered in this model's framing.
struct FramingFound {
  Model model;
};
// A command was marked unsupported (supported = false) or answers again (true).
struct SupportChanged {
  Command command;
  bool supported;
};
struct CycleDone {
  unsigned long cycle;
  bool status_ok;  // the status request of this cycle returned a valid frame
};
using Event = std::variant<ReplyDecoded, RequestFailed, CycleDone, FramingFound, SupportChanged>;

struct SessionCounters {
  std::array<std::uint64_t, kCommandCount> requests{};
  std::array<std::uint64_t, kFailureCount> failures{};
  std::array<std::optional<Duration>, kCommandCount> last_duration{};
  std::uint64_t discarded_bytes = 0;  // input that arrived while no request was outstanding
};

class Session {
 public:
  explicit Session(SessionConfig config);

  // The link is open (again): forget partial input; every enabled command is due next cycle.
  void on_link_opened(TimePoint now);
  // The link was lost: an outstanding request fails as io, the cycle ends. Until on_link_opened,
  // begin_cycle ends each cycle at once with status_ok = false.
  void on_link_lost(TimePoint now);
  bool is_link_up() const { return link_up_; }

  // Starts a read cycle with the commands due now. While a cycle is still running (a slow
  // boiler, a short interval), the new one is queued and starts as soon as that one ends:
  // requests are never cut short, and several queued starts count as one.
  void begin_cycle(TimePoint now);
  bool in_cycle() const { return cycle_active_; }

  // The next request, once the line has been quiet long enough; nullopt otherwise.
  std::optional<Transmit> take_transmit(TimePoint now);
  // Input from the link, in any split of chunks.
  void on_receive(ByteView bytes, TimePoint now);
  // When on_timer() or take_transmit() next has something to do; nullopt when idle.
  std::optional<TimePoint> deadline() const;
  void on_timer(TimePoint now);

  std::optional<Event> next_event();

  // Bytes still to come of a reply that has begun to arrive; 0 otherwise. A driver may wait their
  // wire time before reading again instead of waking for each byte: later bytes are only stamped
  // later, which holds a reply longer, never shorter.
  std::size_t reply_bytes_pending() const;

  const SessionCounters& counters() const { return counters_; }
  const SessionConfig& config() const { return config_; }
  // The framing in use: config().model, or what detection found (or will try next).
  Model model() const { return model_; }
  bool framing_known() const { return framing_known_; }
  bool is_unsupported(Command c) const { return schedule_.is_unsupported(c); }

 private:
  enum class Phase { idle, ready_to_send, awaiting_reply, settling };

  void fail(Failure reason, TimePoint now, std::string_view rule = {});
  void finish_reply(TimePoint now);
  void enqueue_due(bool with_status);
  // Whether c's expected reply still ends within the cycle budget.
  bool fits(Command c) const;
  void after_exchange(TimePoint now);
  void end_cycle(TimePoint now);
  void start_cycle(TimePoint now);
  // When the next request may go out: after `settle` of quiet and past any late window, or
  // reply_timeout after that at the latest.
  TimePoint send_after() const;

  SessionConfig config_;
  ScheduleState schedule_;
  Model model_;
  bool framing_known_;
  bool link_up_ = false;
  bool cycle_active_ = false;
  bool cycle_pending_ = false;
  bool status_ok_ = false;
  unsigned long cycle_ = 0;  // cycles begun since the session was made
  Phase phase_ = Phase::idle;
  std::deque<Command> queue_;
  Command current_ = Command::status;
  bool confirming_ = false;    // the current request reads a rejected frame again
  bool confirm_next_ = false;  // the next request is such a second read
  TimePoint cycle_started_{};
  TimePoint sent_at_{};
  TimePoint ready_since_{};      // when the next request became due
  TimePoint late_window_end_{};  // after a timeout: no request before this
  TimePoint last_rx_{};
  bool has_rx_ = false;
  Bytes reply_;
  std::array<Bytes, kCommandCount> rejected_;  // the last frame a cross-field rule rejected
  std::deque<Event> events_;
  SessionCounters counters_;
};

}  // namespace intergas
