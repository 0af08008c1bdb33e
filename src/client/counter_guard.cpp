#include "client/counter_guard.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "client/metric_types.h"
#include "protocol/counters.h"
#include "protocol/plausibility.h"

namespace intergas {

namespace {

using std::chrono::hours;
using std::chrono::seconds;

// operation_seconds count hours in seconds.
constexpr std::int64_t kSecondsPerHour = seconds(hours(1)).count();
constexpr Duration kIgnitionSequence = seconds(5);
constexpr Duration kLitreAtMaxTapFlow =
    std::chrono::duration_cast<Duration>(std::chrono::minutes(1)) / kMaxTapFlowLitersPerMinute;

// The one table of bounds (counter_guard.h says why each).
constexpr CounterBound kCounterBounds[] = {
    {types::operation_seconds.name, "powered", kSecondsPerHour, hours(1), false,
     kCountWidths.powered_hours},
    {types::operation_seconds.name, "ch", kSecondsPerHour, hours(1), false, kCountWidths.ch_hours},
    {types::operation_seconds.name, "dhw", kSecondsPerHour, hours(1), false,
     kCountWidths.dhw_hours},
    {types::burner_starts.name, "all", 1, kIgnitionSequence, false, kCountWidths.burner_starts},
    {types::burner_starts.name, "dhw", 1, kIgnitionSequence, false, kCountWidths.dhw_burner_starts},
    {types::events.name, "power_loss", 1, kIgnitionSequence, false, kCountWidths.power_losses},
    {types::events.name, "ignition_failure", 1, kIgnitionSequence, false,
     kCountWidths.ignition_failures},
    {types::events.name, "flame_loss", 1, kIgnitionSequence, false, kCountWidths.flame_losses},
    {types::events.name, "reset", 1, kIgnitionSequence, false, kCountWidths.resets},
    {types::gas_liters.name, "ch", 1, Duration::zero(), true, 0, 6},
    {types::gas_liters.name, "dhw", 1, Duration::zero(), true, 0, 6},
    {types::dhw_water_liters.name, "", 1, kLitreAtMaxTapFlow, false, 0, 11},
};

}  // namespace

const CounterBound* find_counter_bound(std::string_view type, std::string_view type_instance) {
  for (const CounterBound& row : kCounterBounds) {
    if (row.type == type && row.type_instance == type_instance) return &row;
  }
  return nullptr;
}

CounterGuard::CounterGuard(double max_gas_rate)
    // m3/h -> the time one litre takes: 3600 s / (rate x 1000 L).
    : gas_litre_interval_(std::chrono::duration_cast<Duration>(
          std::chrono::nanoseconds(std::llround(3.6e9 / max_gas_rate)))) {
  assert(max_gas_rate > 0 && std::isfinite(max_gas_rate));
}

CounterGuard::Move CounterGuard::move(const CounterBound& row, std::int64_t from, std::int64_t to,
                                      Duration elapsed) const {
  const Duration per_count = row.gas ? gas_litre_interval_ : row.min_interval;
  const Duration since = std::max(elapsed, Duration::zero());
  const std::int64_t max_rise = (since / per_count + 1) * row.step;
  if (to >= from) return to - from <= max_rise ? Move::within : Move::too_high;
  if (row.width_bits > 0) {
    const std::int64_t modulus = (std::int64_t{1} << row.width_bits) * row.step;
    if (to + modulus - from <= max_rise) return Move::wrapped;
  }
  return Move::lower;
}

CounterCheck CounterGuard::check(const Metric& m, TimePoint now) {
  CounterCheck out;
  out.value = m.derive;
  if (m.kind != DsKind::derive) return out;
  const CounterBound* row = find_counter_bound(m.type, m.type_instance);
  if (row == nullptr) return out;

  auto [it, first] = series_.try_emplace({m.type, m.type_instance});
  Series& s = it->second;
  out.held = s.held;
  if (first) {
    s.last_in = m.derive;
    s.at = now;
    out.verdict = CounterVerdict::baseline;
    return out;
  }
  out.last = s.offset + s.last_in;
  const Move step = move(*row, s.last_in, m.derive, now - s.at);
  if (step == Move::within || step == Move::wrapped) {
    if (step == Move::wrapped) s.offset += (std::int64_t{1} << row->width_bits) * row->step;
    s.last_in = m.derive;
    s.at = now;
    s.candidate.reset();
    out.verdict = step == Move::wrapped ? CounterVerdict::wrapped : CounterVerdict::passed;
    out.value = s.offset + m.derive;
    return out;
  }

  if (step == Move::lower && s.last_in - m.derive <= std::max(row->slack, row->step)) {
    // Within the confirmation's tolerance below: the boiler catches up, it was not reset.
    s.candidate.reset();
    ++s.held;
    out.verdict = CounterVerdict::held_lower;
    out.held = s.held;
    return out;
  }
  // Held. Does it agree with the values held just before it?
  const bool agrees = s.candidate && [&] {
    const Move from_candidate = move(*row, s.candidate->value, m.derive, now - s.candidate->at);
    return from_candidate == Move::within || from_candidate == Move::wrapped;
  }();
  const int agreeing = agrees ? s.candidate->agreeing + 1 : 1;
  if (agreeing >= kConfirmReads) {
    // The boiler's own value: the new baseline, as it sends it.
    s.last_in = m.derive;
    s.offset = 0;
    s.at = now;
    s.candidate.reset();
    out.verdict = CounterVerdict::rebaselined;
    out.agreeing = agreeing;
    return out;
  }
  s.candidate = Candidate{m.derive, now, agreeing};
  ++s.held;
  out.verdict = step == Move::lower ? CounterVerdict::held_lower : CounterVerdict::held_too_high;
  out.agreeing = agreeing;
  out.held = s.held;
  return out;
}

}  // namespace intergas
