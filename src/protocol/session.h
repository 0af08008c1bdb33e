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
// status request goes out plain (HRE, CW6) and, after a timeout or a reply of the other framing's
// length, with the Xtreme's XOR byte on the next cycle, alternating until one is answered; a
// garbled reply of the expected length does not switch (it shows the framing is right). Until then
// a cycle is that one request. A command that keeps timing out, with no reply of any kind in
// between, on a line that has shown no noise for a while, while the status request is answered
// is marked unsupported (ScheduleState) and asked
// again with a growing back-off; its later misses count as `unsupported`. A reply that arrives
// after its request timed out credits the command all the same.
//
// Trust (protocol.md 19). A reply without a checksum is confirmed before its values come out:
// fields unchanged since the last trusted reply are confirmed by history; changed ones by a second
// read at once that repeats them within the field's tolerance (integrity.h). A field the two reads
// dispute leaves its values out (ReplyDecoded::disputed) and counts the reply as `unconfirmed`.
// After a timeout every reply, checksummed or not, is confirmed until one is: a late reply to the
// timed-out request cannot pass for the answer to a silent later one. Only structural rules reject
// a frame; a frame breaking a cross-field rule is accepted when the fields the rule concerns
// repeat. With a cycle_budget a command is only sent when its replies (two where they need
// confirming) are expected within the budget; the rest waits, the most overdue first, and is
// counted as deferred.
//
// Transitions (phase, event -> action, next phase):
//   idle           begin_cycle                 queue status + due commands      ready_to_send
//   ready_to_send  line quiet (send_after)     take_transmit                    awaiting_reply
//   awaiting_reply reply_size bytes            hold the reply                   settling
//   awaiting_reply more bytes than a frame     on_garbled(implausible)          ready_to_send
//   awaiting_reply reply_timeout               on_silence / on_garbled(short)   ready_to_send
//   settling       any byte                    on_garbled(implausible)          ready_to_send
//   settling       quiet for `settle`          finish_reply: frame, rules,      ready_to_send
//                                              confirmation (may queue a
//                                              confirming read first)
//   any            link lost                   fail(io), end the cycle          idle
//   ready_to_send  queue empty (or nothing     end_cycle                        idle
//                  fits the budget)
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string_view>
#include <variant>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/integrity.h"
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
  // A command other than status is sent only while its expected replies (its last duration, or
  // that of the slowest command timed, or reply_timeout before any; twice where a confirming read
  // may follow) still end within this time from the cycle's start; the rest stays due for the
  // next cycle. 0: no limit. The plugin passes the read interval.
  Duration cycle_budget{0};
  Schedule schedule;
  // Ask what the schedule enables whatever the framing, D2 of a plain boiler too (is_asked_of is
  // not applied): intergas-read --probe, which lists what a boiler answers.
  bool ask_every_command = false;
};

// Bytes for the driver to write now, after discarding any input pending on the link.
struct Transmit {
  Command command;
  Bytes bytes;
};

struct ReplyDecoded {
  Command command;
  Reading reading;    // decoded from the trusted bytes
  Duration duration;  // request's first byte to reply's last
  Bytes raw;          // the (last) reply as received (32 or 33 bytes)
  // Set when two reads disputed some fields: the reading decoded with the other read's bytes
  // there. A value that differs between `reading` and `disputed` is not confirmed: not exported.
  std::optional<Reading> disputed;
  // Not empty: the frame breaks this cross-field rule but its fields repeated on a second read,
  // so it is taken for the boiler's own data.
  std::string_view despite_rule = {};
  int reads = 1;  // requests this reply took (2 with a confirming read)
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
  int misses = 0;  // unanswered requests in a row that marked it
};
// A value outside its sensor's physical range: unknown, not exported (first time per link open).
struct ValueOutOfRange {
  Command command;
  std::string_view field;  // integrity.h's field name, e.g. "return"
  std::int64_t raw;
};
struct CycleDone {
  unsigned long cycle;
  bool status_ok;  // the status request of this cycle returned a valid frame
};
using Event = std::variant<ReplyDecoded, RequestFailed, CycleDone, FramingFound, SupportChanged,
                           ValueOutOfRange>;

struct SessionCounters {
  std::array<std::uint64_t, kCommandCount> requests{};
  std::array<std::uint64_t, kFailureCount> failures{};
  std::array<std::optional<Duration>, kCommandCount> last_duration{};
  std::uint64_t discarded_bytes = 0;  // input that arrived while no request was outstanding
  // Due commands left for a later cycle because the cycle budget could not fit them.
  std::array<std::uint64_t, kCommandCount> deferred{};
  // Values outside their physical range, by integrity.h field name (a string literal).
  std::map<std::string_view, std::uint64_t> out_of_range;
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

  // Failure policies, one per kind of trouble.
  void on_silence(TimePoint now);                 // nothing (or too little) before the deadline
  void on_garbled(Failure reason, TimePoint now,  // a reply that cannot be used
                  std::string_view rule = {});
  void fail(Failure reason, TimePoint now, std::string_view rule = {});
  // While the framing is being found: try the other one after this failure of the status request?
  bool switch_framing_after(Failure reason) const;
  void finish_reply(TimePoint now);
  // A structurally valid reply whose data bytes are `data`: confirm or accept it.
  void take_reply(ByteView data, std::string_view cross_rule, FieldSet cross_fields, TimePoint now);
  void accept(const Confirmation& merged, std::string_view despite_rule, int reads, TimePoint now);
  void count_out_of_range(ByteView data);
  void enqueue_due(bool with_status);
  // Whether c's expected replies still end within the cycle budget.
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
  bool confirming_ = false;    // the current request is a confirming read
  bool confirm_next_ = false;  // the next request is one
  // A request timed out and no reply was confirmed since: its reply may still be on its way.
  bool late_reply_possible_ = false;
  // The last cycle with a sign of line noise; misses count toward "unsupported" only on a quiet
  // line (schedule.h).
  std::optional<unsigned long> last_noisy_cycle_;
  TimePoint cycle_started_{};
  TimePoint sent_at_{};
  TimePoint ready_since_{};                 // when the next request became due
  TimePoint late_window_end_{};             // after a timeout: no request before this
  Command late_command_ = Command::status;  // the request that timed out
  std::size_t late_bytes_ = 0;              // bytes that arrived for it in its late window
  TimePoint last_rx_{};
  bool has_rx_ = false;
  Bytes reply_;
  // Per command: the last trusted bytes, and a first read awaiting its confirming read.
  std::array<TrustedFrame, kCommandCount> history_;
  std::array<Bytes, kCommandCount> first_read_;
  std::array<FieldSet, kCommandCount> must_repeat_;  // fields of a broken cross-field rule
  std::array<std::string_view, kCommandCount> broken_rule_;
  std::array<FieldSet, kCommandCount> said_out_of_range_;
  std::deque<Event> events_;
  SessionCounters counters_;
};

}  // namespace intergas
