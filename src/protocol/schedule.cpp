#include "protocol/schedule.h"

namespace intergas {

Schedule Schedule::defaults(std::chrono::milliseconds read_interval) {
  // Cycles per period, at least 1: a 10 s interval reads counters every 6th cycle.
  auto cycles_per = [read_interval](std::chrono::milliseconds period) {
    if (read_interval.count() <= 0) return 1;
    const auto n = period.count() / read_interval.count();
    return n < 1 ? 1 : static_cast<int>(n);
  };
  using std::chrono::hours;
  using std::chrono::minutes;
  Schedule s;
  s.set_every(Command::status_extra, 1);
  s.set_every(Command::diagnostics, cycles_per(minutes(1)));
  s.set_every(Command::counters, cycles_per(minutes(1)));
  s.set_every(Command::parameters, cycles_per(minutes(1)));
  s.set_every(Command::version, cycles_per(hours(1)));
  s.set_every(Command::fault_stats, 0);
  return s;
}

void ScheduleState::reset() { last_success_.fill(-1); }

bool ScheduleState::is_due(Command c, unsigned long cycle) const {
  const int every = schedule_.every(c);
  if (every <= 0) return false;
  const long last = last_success_[command_index(c)];
  if (last < 0) return true;
  return static_cast<long>(cycle) - last >= every;
}

void ScheduleState::succeeded(Command c, unsigned long cycle) {
  last_success_[command_index(c)] = static_cast<long>(cycle);
}

}  // namespace intergas
