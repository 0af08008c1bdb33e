// A boiler that changes between replies (issues 15 and 16): burns start and stop on a fixed
// cycle, the meters run while burning, temperatures wander. Pure and seeded: the caller owns the
// clock (intergas-sim --dynamic advances it on the server's clock before each reply; tests
// advance it in virtual time). The BoilerState it writes is the oracle: every field below holds
// exactly what the encoder puts on the wire (values are kept at the encoder's resolution).
//
// Timeline, with C = rest + burn and t the total time advanced: cycle k (k = 0, 1, ...) rests on
// [kC, kC + rest), then burn number k + 1 runs on [kC + rest, (k + 1)C). Burn n is hot water
// when dhw_every > 0 and n % dhw_every == 0, else central heating. After a CH burn the first
// min(60 s, rest / 2) of the rest is the CH pump post-run. An event at time t (a burn starting)
// has happened once the clock reaches t.
//
// What each phase shows (protocol.md 5.3, 5.5, 6); fields not listed are left as the profile
// (or a control-channel `set`) has them:
//   phase       status_code                   burner_state  byte 26 (tap/pump/dwk)  byte 28
//   rest        126 standby                    64 rest       none                   -
//   post-run    231 postrun_ch                 64 rest       pump                   -
//   CH burn     0 opentherm (byte 26 bit 7 set) 32 running   pump, dwk              gasvalve,
//               or 102 ch                                                           io_signal
//   DHW burn    204 dhw                        32 running    tap_switch             gasvalve,
//                                                                                   io_signal
// Byte 28's spark and burner_block are cleared; its pressure_sensor bit and the other byte-26
// bits stay the profile's. Set point: 60 C in a CH burn, 55 C in a DHW burn, 0 otherwise. Fan
// (models with fan fields): target 1300..2600 rpm in CH, 2500..3800 in DHW, 0 at rest; actual =
// target +- 10; PWM ratio = actual * 0.0000615. Ionisation 2..8 uA while burning, 0 at rest.
// Tap flow (when the profile has it): 4.00..8.00 l/min drawn per DHW burn, 0 otherwise.
// Temperatures (those the profile has; the Xtreme has flue instead of return) walk toward a
// target per phase within 5..95 C; return stays at least 0.5 C below supply (approached at the
// walk's rate when a profile starts above it); pressure (when present) walks within
// 1.4..1.8 bar, approached at 0.002 bar/s when a profile starts outside. A lockout profile is
// not kept: --dynamic plays a healthy boiler.
//
// Counters (exact, fractions kept internally so the long-run rates are exact):
//   powered_hours      += whole hours of time advanced
//   ch_hours           += whole hours spent in CH burns and CH post-runs
//   dhw_hours          += whole hours spent in DHW burns
//   burner_starts      += 1 per burn start; dhw_burner_starts += 1 per DHW burn start
//   gas_ch_decilitres  = start + floor(gas_lph * 10 * (ms in CH burns) / 3 600 000)
//   gas_dhw_decilitres = start + floor(gas_lph * 10 * (ms in DHW burns) / 3 600 000)
//   dhw_water_decilitres += tap flow * 10 dl per minute in DHW burns (same exact accounting)
//
// Maximum change, for tolerances (the confirmation of issue 15 is checked against these).
// Wandering values move only at whole seconds of the simulated clock (one "tick" each), so two
// reads dt apart see at most ceil(dt / 1 s) ticks, i.e. one tick for reads 300 ms apart. Values
// marked "step" also jump when a phase changes (burn start or stop, post-run end); a burn lasts
// at least --burn-s and a rest at least --rest-s.
//   field                                  per tick (1 s)             at a phase change
//   heat_exchanger, supply, return,        0.36 C (0.35 walk          -
//     dhw, flue _celsius                     + 0.01 rounding)
//   pressure_bar                           0.01 bar                   -
//   fan_speed_target_rpm                   20 rpm                     step (0 <-> 1300..3800)
//   fan_speed_actual_rpm                   40 rpm                     step
//   fan_pwm_ratio                          0.004                      step
//   ionisation_current_amperes             0.06 uA (6e-8 A)           step (0 <-> 2..8 uA)
//   setpoint_ch_celsius, tap_flow,         0                          step
//     status_code, burner_state_raw,
//     heat_demand_flags, burner_flags
//   gas_<use>_decilitres                   over dt: at most ceil(gas_lph * 10 * dt / 3 600 s)
//                                          (1500 l/h: 4.17 dl/s, 2 dl in 300 ms); only the
//                                          burning use's meter moves
//   dhw_water_decilitres                   over dt: at most ceil(800 * dt / 600 s) (8 l/min)
//   burner_starts, dhw_burner_starts       +1 per burn start, at most one per burn + rest
//   powered_hours, ch_hours, dhw_hours     +1 per 3600 s (of that mode)
#pragma once

#include <chrono>
#include <cstdint>

#include "sim/boiler_state.h"
#include "sim/faults.h"

namespace intergas::sim {

struct DynamicsOptions {
  std::chrono::seconds burn{300};  // --burn-s, at least 1
  std::chrono::seconds rest{120};  // --rest-s, at least 1
  int dhw_every = 0;               // --dhw-every: every Nth burn is hot water; 0 = never
  std::uint32_t gas_lph = 1500;    // --gas-lph: litres of gas per hour while burning
};

class Dynamics {
 public:
  enum class Phase { rest, postrun_ch, burn_ch, burn_dhw };

  // One per boiler: its own random stream, seeded from (seed, index).
  Dynamics(const DynamicsOptions& options, std::uint64_t seed, int index = 0);

  // Moves `s` forward by `elapsed`. Temperatures, pressure and counters changed from outside since
  // the last call (a control-channel `set`) are the new starting point; the fields of the phase
  // table above are overwritten.
  void advance(BoilerState& s, std::chrono::milliseconds elapsed);

  std::chrono::milliseconds clock() const { return std::chrono::milliseconds(clock_ms_); }
  Phase phase() const { return phase_at(clock_ms_); }

 private:
  // A wandering value with more precision than the wire; `known` once synced with the state.
  struct Walk {
    double v = 0;
    bool known = false;
  };

  Phase phase_at(std::uint64_t t) const;
  std::uint64_t next_boundary(std::uint64_t t) const;
  bool burn_is_dhw(std::uint64_t burn_number) const;
  void sync(const BoilerState& s);
  void accrue(BoilerState& s, Phase p, std::uint64_t ms);
  void on_burn_start(BoilerState& s, bool dhw);
  void tick(Phase p);
  void show(BoilerState& s, Phase p) const;
  double noise(double amplitude);

  DynamicsOptions options_;
  Rng rng_;
  std::uint64_t clock_ms_ = 0;
  std::uint64_t cycle_ms_, rest_ms_, postrun_ms_;

  // Remainders below one unit, so the long-run rates are exact.
  std::uint64_t powered_ms_ = 0, ch_ms_ = 0, dhw_ms_ = 0;
  std::uint64_t gas_ch_rest_ = 0, gas_dhw_rest_ = 0;  // in dl * 3 600 000 ms
  std::uint64_t water_rest_ = 0;                      // in dl * 600 000

  Walk heat_exchanger_, supply_, return_, dhw_, flue_, pressure_;
  double fan_target_ = 0, ionisation_ua_ = 0;
  int fan_noise_ = 0;
  int tap_flow_centi_ = 0;  // this DHW burn's tap flow in 0.01 l/min
};

}  // namespace intergas::sim
