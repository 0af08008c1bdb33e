// Which command groups are due in a read cycle. Pure: cycle numbers in, commands out.
#pragma once

#include <array>
#include <chrono>

#include "protocol/command.h"

namespace intergas {

// How often each command is sent, in read cycles: 0 = never, 1 = every cycle, N = every Nth.
// status is always sent (every cycle), whatever is set for it.
class Schedule {
 public:
  // status and status_extra every cycle; counters, diagnostics, parameters once a minute;
  // version once an hour; fault_stats off (its meaning is unsettled, protocol.md 18.5).
  static Schedule defaults(std::chrono::milliseconds read_interval);

  Schedule() {
    every_.fill(0);
    every_[command_index(Command::status)] = 1;
  }

  void set_every(Command c, int cycles) {
    every_[command_index(c)] = c == Command::status ? 1 : cycles;
  }
  int every(Command c) const { return every_[command_index(c)]; }

 private:
  std::array<int, kCommandCount> every_;
};

// Tracks, per command, when it last succeeded, and answers what is due. A command is due on the
// first cycle after the link (re)opens, then every N cycles after its last success: a failed
// request is retried on the next cycle rather than N cycles later.
class ScheduleState {
 public:
  explicit ScheduleState(Schedule s) : schedule_(s) { reset(); }

  void reset();  // link (re)opened: everything enabled is due on the next cycle
  bool is_due(Command c, unsigned long cycle) const;
  void succeeded(Command c, unsigned long cycle);
  const Schedule& schedule() const { return schedule_; }

 private:
  Schedule schedule_;
  std::array<long, kCommandCount> last_success_{};  // -1: not since the link opened
};

}  // namespace intergas
