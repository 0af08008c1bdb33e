// The last defence of the counters, per boiler: a DERIVE value of the boiler's data is dispatched
// only if it is not below the last one dispatched for its series (type + type instance) and not
// above what can have happened since. To Prometheus a counter that goes back is a reset, and
// increase() would count the whole meter again (issue 15: gas_liters 58 558 785 -> 4 871 703).
// The session confirms bytes before they get here; this holds what still gets through, whatever
// the cause. Pure: time comes in as an argument; no I/O, no logging.
//
// The bounds (kCounterBounds, one table): a series may rise by at most
//     (floor(elapsed / min_interval) + 1) x step
// since the last value let through, where min_interval is the least time between two counts and
// step what one count adds to the exported value. The "+ 1" is the count that can fall between
// the two reads' phases (and, for the meters, the litre lost to rounding down from 0.1 L):
// * operation_seconds (hours x 3600): one hour per hour elapsed, plus one: step 3600, 1 h.
// * burner_starts, events (power_loss, ignition_failure, flame_loss, reset): each is one ignition
//   sequence (prepurge, ignition, safety time; an attempt after a flame loss or a reset starts
//   one too) or one start-up of the controller: fan prepurge, spark and flame proof take well
//   over 5 s, so at most one per 5 s. A bound a real boiler could beat would freeze the series
//   while it did (each read too far above the one before to confirm it), hence the margin.
// * gas_liters (ch, dhw): the MaxGasRate option, default kDefaultMaxGasRate = 8 m3/h. The largest
//   boilers of the families read here are the "36" ones (Kombi Kompakt HRE 36/xx, Xtreme 36;
//   protocol.md 1, 15), named for a hot-water load of about 36 kW (the name's figure, not checked
//   against a datasheet here: the margin allows for it). On G25, the L-gas reference (Hi 29.25
//   MJ/m3 = 8.125 kWh/m3, leaner than the Dutch grid's G25.3 and any H-gas), 36 kW burns
//   36 / 8.125 = 4.4 m3/h; the boiler's own figure is an estimate that read ~16 % high on one
//   HRE (protocol.md 9): 5.1 m3/h. 8 m3/h leaves 55 % margin (a 45 kW load would still fit):
//   8000 L/h is one litre per 450 ms.
// * dhw_water_liters: the highest tap flow the plausibility rules accept (60 l/min,
//   kMaxTapFlowLitersPerMinute in protocol/plausibility.h): one litre per second.
//
// Counts that wrap (protocol/counters.h, kCountWidths: CH and DHW hours, power losses, ignition
// failures, flame losses and resets are 16-bit): a value below the last one whose forward distance
// modulo 2^bits x step is within the bound is a wrap, not a reset; the guard adds the wraps, so
// the exported counter keeps rising (hours: 65535 x 3600 -> 65538 x 3600 for a raw 2).
//
// A held value is not dispatched. Held values that stay (kConfirmReads reads in a row, each
// within the bound of the one before) are the boiler's own: a real reset or a replaced
// controller. The last of them becomes the new baseline and is let through as the boiler sends it
// (the wraps are forgotten), once, with its own verdict for the log. A single stray value followed
// by the normal one is only dropped (it starts no new baseline), so a counter never freezes for
// good and never jumps on one read. The first value of a series is its baseline.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "client/metrics.h"
#include "protocol/session.h"

namespace intergas {

// The default of the MaxGasRate option, in m3/h (the arithmetic is above).
inline constexpr double kDefaultMaxGasRate = 8.0;
// Reads in a row that must agree before a held value becomes the new baseline.
inline constexpr int kConfirmReads = 3;

// How the bound of a series is found (one row of kCounterBounds).
struct CounterBound {
  std::string_view type;
  std::string_view type_instance;
  std::int64_t step;      // what one count adds to the exported value
  Duration min_interval;  // the least time between two counts; gas: from MaxGasRate instead
  bool gas = false;       // min_interval comes from CounterGuard's max gas rate
  int width_bits = 0;     // a count that wraps after 2^width_bits - 1; 0: does not wrap
  // A value at most this much below the last one let through is held until the counter passes it
  // again, never taken for a reset: the confirmation of protocol.md 19.3 lets a value through
  // that far above the boiler's (a flip within a meter's tolerance, plus rounding to litres; at
  // least one count: hours, starts and events may be read one count ahead).
  std::int64_t slack = 0;
};

// The row of `type` / `type_instance`, or nullptr: not a counter of the boiler's data.
const CounterBound* find_counter_bound(std::string_view type, std::string_view type_instance);

enum class CounterVerdict {
  unguarded,      // not a counter of the boiler's data (a gauge, a link counter): dispatch as is
  baseline,       // the first value of its series: dispatched
  passed,         // within the bound: dispatched
  wrapped,        // a count wrapped at its width: dispatched, continuing upward
  held_lower,     // below the last value let through: not dispatched
  held_too_high,  // above what can have happened since: not dispatched
  rebaselined,    // held values agreed kConfirmReads times: the new baseline, dispatched
};

struct CounterCheck {
  CounterVerdict verdict = CounterVerdict::unguarded;
  std::int64_t value = 0;  // to dispatch; for a held one, the value held (as received)
  std::int64_t last = 0;   // the last value dispatched for the series before this one
  int agreeing = 0;        // held or rebaselined: reads in a row that agree, this one included
  std::uint64_t held = 0;  // values of this series held since start, this one included
  bool dispatch() const {
    return verdict != CounterVerdict::held_lower && verdict != CounterVerdict::held_too_high;
  }
};

class CounterGuard {
 public:
  // max_gas_rate in m3/h (> 0).
  explicit CounterGuard(double max_gas_rate = kDefaultMaxGasRate);

  // Checks one metric read at `now` and updates the series' state.
  CounterCheck check(const Metric& m, TimePoint now);

 private:
  struct Candidate {
    std::int64_t value;  // as received
    TimePoint at;
    int agreeing;
  };
  struct Series {
    std::int64_t last_in = 0;  // last value let through, as received
    std::int64_t offset = 0;   // the wraps added so far
    TimePoint at{};
    std::optional<Candidate> candidate;
    std::uint64_t held = 0;
  };
  enum class Move { within, wrapped, lower, too_high };
  // How the series' value moved from `from` to `to` (both as received) in `elapsed`.
  Move move(const CounterBound& row, std::int64_t from, std::int64_t to, Duration elapsed) const;

  Duration gas_litre_interval_;
  std::map<std::pair<std::string, std::string>, Series> series_;
};

}  // namespace intergas
