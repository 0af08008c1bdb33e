#include "protocol/schedule.h"

#include <algorithm>
#include <utility>

namespace intergas {

int cycles_per(std::chrono::milliseconds period, std::chrono::milliseconds read_interval) {
  if (read_interval.count() <= 0) return 1;
  const auto n = period.count() / read_interval.count();
  return n < 1 ? 1 : static_cast<int>(n);
}

Schedule Schedule::defaults(std::chrono::milliseconds read_interval) {
  auto cycles_per = [read_interval](std::chrono::milliseconds period) {
    return intergas::cycles_per(period, read_interval);
  };
  using std::chrono::minutes;
  Schedule s;
  s.set_every(Command::status_extra, 1);
  // Asked only of an Xtreme (is_asked_of, command.h): its fan and pump, read like the status.
  s.set_every(Command::status_extra2, 1);
  s.set_every(Command::diagnostics, cycles_per(minutes(1)));
  s.set_every(Command::counters, cycles_per(minutes(1)));
  s.set_every(Command::parameters, cycles_per(minutes(1)));
  // Not rarer: a value's dispatched interval (its period) must stay within write_prometheus's
  // StalenessDelta (300 s by default), or collectd warns and the series loses its timestamp.
  s.set_every(Command::version, cycles_per(kLongestDefaultPeriod));
  s.set_every(Command::fault_stats, 0);
  s.set_recheck_every(cycles_per(std::chrono::hours(1)));
  return s;
}

void ScheduleState::reset() {
  passed_over_.fill(0);
  last_success_.fill(-1);
  misses_.fill(0);
  last_asked_unsupported_.fill(-1);
}

bool ScheduleState::is_due(Command c, unsigned long cycle) const {
  const int i = command_index(c);
  const int every = schedule_.every(c);
  if (every <= 0) return false;
  if (unsupported_[i]) {
    const long asked = last_asked_unsupported_[i];
    return asked < 0 || static_cast<long>(cycle) - asked >= recheck_after_[i];
  }
  const long last = last_success_[i];
  if (last < 0) return true;
  return static_cast<long>(cycle) - last >= every;
}

bool ScheduleState::asks_before(Command a, Command b, unsigned long cycle) const {
  // Overdue as a fraction waited / period; -1 for "never read since the link opened".
  struct Due {
    long waited, period;
  };
  auto due = [this, cycle](Command c) {
    const int i = command_index(c);
    if (unsupported_[i]) {
      const long asked = last_asked_unsupported_[i];
      return Due{asked < 0 ? -1 : static_cast<long>(cycle) - asked, recheck_after_[i]};
    }
    const long last = last_success_[i];
    return Due{last < 0 ? -1 : static_cast<long>(cycle) - last, schedule_.every(c)};
  };
  const Due x = due(a), y = due(b);
  if ((x.waited < 0) != (y.waited < 0)) return x.waited < 0;
  if (x.waited >= 0) {
    const long lhs = x.waited * y.period, rhs = y.waited * x.period;  // x/px vs y/py
    if (lhs != rhs) return lhs > rhs;
  }
  const int pa = passed_over_[command_index(a)], pb = passed_over_[command_index(b)];
  if (pa != pb) return pa > pb;
  return x.period < y.period;
}

bool ScheduleState::heard(Command c, bool whole_reply) {
  const int i = command_index(c);
  misses_[i] = 0;
  if (!whole_reply || !unsupported_[i]) return false;
  unsupported_[i] = false;
  return true;
}

bool ScheduleState::succeeded(Command c, unsigned long cycle) {
  const int i = command_index(c);
  last_success_[i] = static_cast<long>(cycle);
  misses_[i] = 0;
  const bool was_unsupported = unsupported_[i];
  unsupported_[i] = false;
  return was_unsupported;
}

bool ScheduleState::missed(Command c, unsigned long cycle) {
  const int i = command_index(c);
  if (unsupported_[i]) {
    last_asked_unsupported_[i] = static_cast<long>(cycle);
    recheck_after_[i] = std::min(schedule_.recheck_every(), 2 * recheck_after_[i]);
    return false;
  }
  if (++misses_[i] < kMissesBeforeUnsupported) return false;
  unsupported_[i] = true;
  last_asked_unsupported_[i] = static_cast<long>(cycle);
  recheck_after_[i] = std::max(1, schedule_.recheck_every() / 32);
  return true;
}

}  // namespace intergas
