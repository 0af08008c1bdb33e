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
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
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
  // From the request's first byte to the reply's last. EB measured <= 150 ms (protocol.md 13).
  Duration reply_timeout = std::chrono::milliseconds(1000);
  // Quiet time that proves a reply complete and aligned, and gap before the next request
  // (protocol.md 13, recommendation 5: 100-200 ms between a reply and the next command).
  Duration settle = std::chrono::milliseconds(150);
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
};
struct RequestFailed {
  Command command;
  Failure reason;
  Bytes raw;  // whatever arrived for this request (possibly nothing)
};
struct CycleDone {
  unsigned long cycle;
  bool status_ok;  // the status request of this cycle returned a valid frame
};
using Event = std::variant<ReplyDecoded, RequestFailed, CycleDone>;

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

  const SessionCounters& counters() const { return counters_; }
  const SessionConfig& config() const { return config_; }

 private:
  enum class Phase { idle, ready_to_send, awaiting_reply, settling };

  void fail(Failure reason, TimePoint now);
  void finish_reply(TimePoint now);
  void after_exchange(TimePoint now);
  void end_cycle(TimePoint now);
  void start_cycle(TimePoint now);
  // When the next request may go out: after `settle` of quiet and past any late window, or
  // reply_timeout after that at the latest.
  TimePoint send_after() const;

  SessionConfig config_;
  ScheduleState schedule_;
  bool link_up_ = false;
  bool cycle_active_ = false;
  bool cycle_pending_ = false;
  bool status_ok_ = false;
  unsigned long cycle_ = 0;  // cycles begun since the session was made
  Phase phase_ = Phase::idle;
  std::deque<Command> queue_;
  Command current_ = Command::status;
  TimePoint sent_at_{};
  TimePoint ready_since_{};      // when the next request became due
  TimePoint late_window_end_{};  // after a timeout: no request before this
  TimePoint last_rx_{};
  bool has_rx_ = false;
  Bytes reply_;
  std::deque<Event> events_;
  SessionCounters counters_;
};

}  // namespace intergas
