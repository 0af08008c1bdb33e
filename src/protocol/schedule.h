// Which command groups are due in a read cycle. Pure: cycle numbers in, commands out.
#pragma once

#include <array>
#include <chrono>

#include "protocol/command.h"

namespace intergas {

// write_prometheus's default StalenessDelta: no default period is longer (METRICS.md).
inline constexpr std::chrono::seconds kLongestDefaultPeriod{300};

// Read cycles in `period` at `read_interval`, at least 1 (a 10 s interval: 6 a minute).
int cycles_per(std::chrono::milliseconds period, std::chrono::milliseconds read_interval);

// How often each command is sent, in read cycles: 0 = never, 1 = every cycle, N = every Nth.
// status is always sent (every cycle), whatever is set for it.
class Schedule {
 public:
  // status, status_extra and (on an Xtreme) status_extra2 every cycle; counters, diagnostics,
  // parameters once a minute; version every five minutes; fault_stats off (its meaning is
  // unsettled, protocol.md 18.5).
  static Schedule defaults(std::chrono::milliseconds read_interval);

  Schedule() {
    every_.fill(0);
    every_[command_index(Command::status)] = 1;
  }

  void set_every(Command c, int cycles) {
    every_[command_index(c)] = c == Command::status ? 1 : cycles;
  }
  int every(Command c) const { return every_[command_index(c)]; }

  // How often, at most, a command the boiler does not answer is asked again, in cycles (defaults:
  // hourly); the first recheck comes after a 32nd of that, each unanswered one doubles the wait.
  void set_recheck_every(int cycles) { recheck_every_ = cycles < 1 ? 1 : cycles; }
  int recheck_every() const { return recheck_every_; }

 private:
  std::array<int, kCommandCount> every_;
  int recheck_every_ = 360;
};

// Timeouts in a row, with no reply of any kind in between, each in a cycle whose status request was
// answered, after which a command is taken for one this boiler does not answer (older firmware;
// protocol.md 3 notes, 18.6).
inline constexpr int kMissesBeforeUnsupported = 3;
// A command the cycle budget passed over this many reads in a row is sent anyway: that read then
// runs over its interval by one exchange (the next read starts when it ends), so no group starves
// behind a budget that can never hold it (a short Interval behind a slow bridge).
inline constexpr int kMaxTimesPassedOver = 3;
// A miss counts toward that only on a line that has shown no noise (a garbled, short, rejected or
// unconfirmed reply) for this many cycles: a noisy line drops replies of every command alike, a
// firmware that lacks a command never answers it, clean line or not.
inline constexpr unsigned long kQuietCyclesBeforeAMissCounts = 10;

// Tracks, per command, when it last succeeded, and answers what is due. A command is due on the
// first cycle after the link (re)opens, then every N cycles after its last success: a failed
// request is retried on the next cycle rather than N cycles later. A command that times out
// kMissesBeforeUnsupported times in a row while the status request is answered is marked
// unsupported: then it is due with a back-off growing to recheck_every cycles, and once after each
// reopen, until it answers again. The mark survives a reopen (the same boiler is the likely one
// behind it).
class ScheduleState {
 public:
  explicit ScheduleState(Schedule s) : schedule_(s) { reset(); }

  void reset();  // link (re)opened: everything enabled is due on the next cycle
  bool is_due(Command c, unsigned long cycle) const;
  // The order in which due commands are asked at `cycle`, most pressing first: never read since
  // the link opened, then the most overdue (cycles since its last read over its period), then the
  // one read most often. When a cycle budget cuts a cycle short, what waits is the least overdue,
  // and grows more overdue with every cycle it waits: every group gets its turn.
  // Between equally overdue commands, one the budget passed over goes first.
  bool asks_before(Command a, Command b, unsigned long cycle) const;
  // The cycle budget left c for a later cycle; c was sent.
  void passed_over(Command c) { ++passed_over_[command_index(c)]; }
  void sent(Command c) { passed_over_[command_index(c)] = 0; }
  int times_passed_over(Command c) const { return passed_over_[command_index(c)]; }
  // A valid reply. True when c was marked unsupported until now.
  bool succeeded(Command c, unsigned long cycle);
  // Some reply arrived, if garbled or late: the boiler does answer c, so its run of misses ends.
  // A whole reply also lifts an unsupported mark: true when it did.
  bool heard(Command c, bool whole_reply);
  // A timeout in a cycle whose status request was answered. True when c is marked unsupported by
  // this miss.
  bool missed(Command c, unsigned long cycle);
  bool is_unsupported(Command c) const { return unsupported_[command_index(c)]; }
  const Schedule& schedule() const { return schedule_; }

 private:
  Schedule schedule_;
  std::array<long, kCommandCount> last_success_{};  // -1: not since the link opened
  std::array<int, kCommandCount> misses_{};
  std::array<bool, kCommandCount> unsupported_{};
  std::array<long, kCommandCount> last_asked_unsupported_{};  // -1: ask on the next cycle
  std::array<int, kCommandCount> recheck_after_{};            // cycles, growing to recheck_every
  std::array<int, kCommandCount> passed_over_{};  // times deferred by the budget since last sent
};

}  // namespace intergas
