// The changing boiler in virtual time: the meters against figures worked out by hand from the
// options given, burns counted, phases shown as protocol.md 5-6 describe them, values within the
// core's plausibility rules and within the per-second rates dynamics.h documents, and the same
// seed giving the same trajectory however the time is cut up.
#include "sim/dynamics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "protocol/plausibility.h"
#include "sim/frame_encoder.h"

namespace intergas::sim {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Phase = Dynamics::Phase;

BoilerState profile(const std::string& name) {
  BoilerState s;
  EXPECT_TRUE(make_profile(name, s));
  return s;
}

DynamicsOptions options(int burn_s, int rest_s, int dhw_every, std::uint32_t gas_lph) {
  DynamicsOptions o;
  o.burn = seconds(burn_s);
  o.rest = seconds(rest_s);
  o.dhw_every = dhw_every;
  o.gas_lph = gas_lph;
  return o;
}

// Advances `total` in uneven steps of `step`, so no boundary is met on a step's edge by design.
void advance_by(Dynamics& d, BoilerState& s, milliseconds total, milliseconds step) {
  for (; total > step; total -= step) d.advance(s, step);
  d.advance(s, total);
}

TEST(SimDynamics, CentralHeatingMetersRunExactly) {
  BoilerState s = profile("heating");
  const CountersReading before = s.counters;
  Dynamics d(options(300, 120, 0, 1500), 1);
  advance_by(d, s, hours(10), milliseconds(1234));
  // 10 h = 36 000 s; a cycle is 120 s rest + 300 s burn = 420 s. 85 whole cycles end at 35 700 s,
  // then 120 s rest and burn 86 starts at 35 820 s and has run 180 s: 86 burns, all CH.
  // Burning: 85 * 300 + 180 = 25 680 s; gas 1500 l/h * 25 680 s / 3600 s/h = 10 700 l.
  EXPECT_EQ(s.counters.burner_starts, before.burner_starts + 86);
  EXPECT_EQ(s.counters.dhw_burner_starts, before.dhw_burner_starts);
  EXPECT_EQ(s.counters.gas_ch_decilitres, before.gas_ch_decilitres + 107'000);
  EXPECT_EQ(s.counters.gas_dhw_decilitres, before.gas_dhw_decilitres);
  EXPECT_EQ(s.counters.dhw_water_decilitres, before.dhw_water_decilitres);
  EXPECT_EQ(s.counters.powered_hours, before.powered_hours + 10);
  // CH mode: the burns plus 85 post-runs of min(60 s, 120 s / 2): 25 680 + 5100 = 30 780 s = 8.55
  // h.
  EXPECT_EQ(s.counters.ch_hours, before.ch_hours + 8);
  EXPECT_EQ(s.counters.dhw_hours, before.dhw_hours);
  EXPECT_EQ(d.phase(), Phase::burn_ch);
}

TEST(SimDynamics, EveryThirdBurnIsHotWater) {
  BoilerState s = profile("idle");
  const CountersReading before = s.counters;
  Dynamics d(options(200, 100, 3, 1800), 2);
  advance_by(d, s, hours(3), milliseconds(700));
  // 3 h = 10 800 s = 36 cycles of 300 s, each burn complete: 36 burns, 12 of them DHW (3, 6, ..).
  // CH gas: 24 * 200 s * 1800 l/h / 3600 = 2400 l; DHW gas: 12 * 200 s * 0.5 l/s = 1200 l.
  EXPECT_EQ(s.counters.burner_starts, before.burner_starts + 36);
  EXPECT_EQ(s.counters.dhw_burner_starts, before.dhw_burner_starts + 12);
  EXPECT_EQ(s.counters.gas_ch_decilitres, before.gas_ch_decilitres + 24'000);
  EXPECT_EQ(s.counters.gas_dhw_decilitres, before.gas_dhw_decilitres + 12'000);
  // 12 * 200 s = 40 min of tapping at 4..8 l/min: 160..320 l.
  const auto water = s.counters.dhw_water_decilitres - before.dhw_water_decilitres;
  EXPECT_GE(water, 1600u);
  EXPECT_LE(water, 3200u);
  EXPECT_EQ(s.counters.powered_hours, before.powered_hours + 3);
  EXPECT_EQ(s.counters.dhw_hours, before.dhw_hours);  // 2400 s: not a whole hour yet
}

TEST(SimDynamics, PhasesShowAsARealBoiler) {
  BoilerState s = profile("idle");  // MW's frame: OpenTherm connected (byte 26 bit 7)
  Dynamics d(options(100, 200, 2, 1500), 3);
  d.advance(s, seconds(50));
  EXPECT_EQ(d.phase(), Phase::rest);
  EXPECT_EQ(s.status.status_code, 126);  // standby
  EXPECT_EQ(s.status.burner_state_raw, 64);
  EXPECT_FALSE(s.status.flag(Flag::gasvalve));
  EXPECT_EQ(s.status.fan_speed_actual_rpm, 0);
  EXPECT_EQ(s.status.ionisation_current_amperes.value_or(-1.0), 0);

  d.advance(s, seconds(200));  // 250 s: burn 1 (CH) since 200 s
  EXPECT_EQ(d.phase(), Phase::burn_ch);
  EXPECT_EQ(s.status.status_code, 0);  // opentherm: CH demand via OpenTherm
  EXPECT_EQ(s.status.burner_state_raw, 32);
  EXPECT_TRUE(s.status.flag(Flag::gasvalve));
  EXPECT_TRUE(s.status.flag(Flag::io_signal));
  EXPECT_TRUE(s.status.flag(Flag::pump));
  EXPECT_TRUE(s.status.flag(Flag::pressure_sensor));  // the profile's, kept
  EXPECT_FALSE(s.status.flag(Flag::tap_switch));
  EXPECT_GE(*s.status.fan_speed_actual_rpm, 1290);
  EXPECT_LE(*s.status.fan_speed_actual_rpm, 2610);
  EXPECT_GT(*s.status.fan_pwm_ratio, 0);
  EXPECT_GE(s.status.ionisation_current_amperes.value_or(-1.0), 2e-6);
  EXPECT_LE(s.status.ionisation_current_amperes.value_or(-1.0), 8e-6);
  EXPECT_EQ(*s.status_extra.tap_flow_liters_per_minute, 0);

  d.advance(s, seconds(80));  // 330 s: post-run, 30 s into the rest after a CH burn
  EXPECT_EQ(d.phase(), Phase::postrun_ch);
  EXPECT_EQ(s.status.status_code, 231);
  EXPECT_EQ(s.status.burner_state_raw, 64);
  EXPECT_TRUE(s.status.flag(Flag::pump));
  EXPECT_FALSE(s.status.flag(Flag::gasvalve));
  d.advance(s, seconds(40));  // 370 s: post-run over (60 s)
  EXPECT_EQ(d.phase(), Phase::rest);
  EXPECT_FALSE(s.status.flag(Flag::pump));

  d.advance(s, seconds(150));  // 520 s: burn 2 (DHW) since 500 s
  EXPECT_EQ(d.phase(), Phase::burn_dhw);
  EXPECT_EQ(s.status.status_code, 204);
  EXPECT_TRUE(s.status.flag(Flag::tap_switch));
  EXPECT_TRUE(s.status.flag(Flag::gasvalve));
  EXPECT_GE(*s.status_extra.tap_flow_liters_per_minute, 4.0);
  EXPECT_LE(*s.status_extra.tap_flow_liters_per_minute, 8.0);
  EXPECT_GE(*s.status.fan_speed_target_rpm, 2500);
}

TEST(SimDynamics, CentralHeatingWithoutOpenthermShowsCode102) {
  BoilerState s = profile("idle");
  s.status.heat_demand_flags = 0;  // an on/off thermostat
  Dynamics d(options(100, 10, 0, 1500), 4);
  d.advance(s, seconds(20));
  EXPECT_EQ(s.status.status_code, 102);
}

// One second at a time for a day: every status and counters frame passes the core's
// plausibility rules, temperatures stay in range, and no value moves faster than dynamics.h says.
void check_day(const std::string& profile_name) {
  SCOPED_TRACE(profile_name);
  BoilerState s = profile(profile_name);
  Dynamics d(options(240, 90, 3, 1500), 5);
  d.advance(s, milliseconds(0));  // the profile's look becomes the first phase's
  BoilerState prev = s;
  Phase prev_phase = d.phase();
  int moved = 0;
  for (int t = 1; t <= 24 * 3600; ++t) {
    d.advance(s, seconds(1));
    const Phase phase = d.phase();
    SCOPED_TRACE("t = " + std::to_string(t));
    for (Command c : {Command::status, Command::status_extra, Command::counters}) {
      const auto v = find_violation(c, encode_data(s, c), s.model);
      ASSERT_FALSE(v.has_value()) << command_name(c) << ": " << v->rule;
    }
    const StatusReading& a = prev.status;
    const StatusReading& b = s.status;
    const auto within = [](const std::optional<double>& x, const std::optional<double>& y,
                           double max) {
      return x.has_value() == y.has_value() && (!x || std::fabs(*y - *x) <= max + 1e-9);
    };
    ASSERT_TRUE(within(a.heat_exchanger_celsius, b.heat_exchanger_celsius, 0.36));
    ASSERT_TRUE(within(a.supply_celsius, b.supply_celsius, 0.36));
    ASSERT_TRUE(within(a.return_celsius, b.return_celsius, 0.36));
    ASSERT_TRUE(within(a.dhw_celsius, b.dhw_celsius, 0.36));
    ASSERT_TRUE(within(a.flue_celsius, b.flue_celsius, 0.36));
    ASSERT_TRUE(within(a.pressure_bar, b.pressure_bar, 0.01));
    for (const auto& temp : {b.heat_exchanger_celsius, b.supply_celsius, b.return_celsius,
                             b.dhw_celsius, b.flue_celsius}) {
      if (temp) {
        ASSERT_TRUE(*temp >= 5 && *temp <= 95) << *temp;
      }
    }
    if (t > 60 && b.return_celsius) {
      ASSERT_LT(*b.return_celsius, *b.supply_celsius);
    }
    if (b.pressure_bar && t > 200) {
      ASSERT_TRUE(*b.pressure_bar >= 1.4 && *b.pressure_bar <= 1.8);
    }
    if (phase == prev_phase) {
      ASSERT_EQ(a.status_code, b.status_code);
      ASSERT_EQ(a.heat_demand_flags, b.heat_demand_flags);
      ASSERT_EQ(a.burner_flags, b.burner_flags);
      ASSERT_EQ(a.setpoint_ch_celsius, b.setpoint_ch_celsius);
      ASSERT_EQ(prev.status_extra.tap_flow_liters_per_minute,
                s.status_extra.tap_flow_liters_per_minute);
      if (b.fan_speed_target_rpm) {
        ASSERT_LE(std::abs(*b.fan_speed_target_rpm - *a.fan_speed_target_rpm), 20);
        ASSERT_LE(std::abs(*b.fan_speed_actual_rpm - *a.fan_speed_actual_rpm), 40);
        ASSERT_LE(std::fabs(*b.fan_pwm_ratio - *a.fan_pwm_ratio), 0.004 + 1e-9);
      }
      ASSERT_LE(std::fabs(b.ionisation_current_amperes.value_or(0.0) -
                          a.ionisation_current_amperes.value_or(0.0)),
                6e-8 + 1e-15);
    }
    // The meters: at most ceil(1500 l/h * 10 dl/l * 1 s / 3600 s/h) = 5 dl, water 2 dl (8 l/min
    // = 1.33 dl/s).
    ASSERT_LE(s.counters.gas_ch_decilitres - prev.counters.gas_ch_decilitres, 5u);
    ASSERT_LE(s.counters.gas_dhw_decilitres - prev.counters.gas_dhw_decilitres, 5u);
    ASSERT_LE(s.counters.dhw_water_decilitres - prev.counters.dhw_water_decilitres, 2u);
    ASSERT_LE(s.counters.burner_starts - prev.counters.burner_starts, 1u);
    moved += b.supply_celsius != a.supply_celsius;
    prev = s;
    prev_phase = phase;
  }
  EXPECT_GT(moved, 3600);  // the temperatures do wander
}

TEST(SimDynamics, HreDayStaysPlausibleAndWithinTheDocumentedRates) { check_day("idle"); }
TEST(SimDynamics, HreStartingFromLowPressureDay) { check_day("hot_water"); }
TEST(SimDynamics, Cw6DayStaysPlausibleAndWithinTheDocumentedRates) { check_day("cw6"); }
TEST(SimDynamics, XtremeDayStaysPlausibleAndWithinTheDocumentedRates) { check_day("xtreme"); }

TEST(SimDynamics, XtremeWalksFlueNotReturnAndHasNoFan) {
  BoilerState s = profile("xtreme");
  Dynamics d(options(600, 60, 0, 1500), 6);
  d.advance(s, seconds(600));  // 540 s into a CH burn
  EXPECT_FALSE(s.status.return_celsius.has_value());
  EXPECT_FALSE(s.status.fan_speed_actual_rpm.has_value());
  ASSERT_TRUE(s.status.flue_celsius.has_value());
  EXPECT_GT(*s.status.flue_celsius, 31.37);  // LC's idle flue, warmed by the burn
}

TEST(SimDynamics, SameSeedSameTrajectoryHoweverTheTimeIsCut) {
  const auto run = [](std::uint64_t seed, milliseconds step) {
    BoilerState s = profile("heating");
    Dynamics d(options(300, 120, 4, 1500), seed);
    advance_by(d, s, hours(5), step);
    return state_lines(s);
  };
  const auto a = run(7, milliseconds(1000));
  EXPECT_EQ(a, run(7, milliseconds(333)));
  EXPECT_EQ(a, run(7, hours(5)));
  EXPECT_NE(a, run(8, milliseconds(1000)));
}

TEST(SimDynamics, AValueSetFromOutsideIsTheNewStart) {
  BoilerState s = profile("heating");
  Dynamics d(options(300, 120, 0, 1500), 8);
  d.advance(s, seconds(10));
  s.status.supply_celsius = 80.0;  // as the control channel's `set` does
  s.counters.gas_ch_decilitres = 1000;
  d.advance(s, seconds(1));
  EXPECT_LE(std::fabs(*s.status.supply_celsius - 80.0), 0.36);
  EXPECT_GE(s.counters.gas_ch_decilitres, 1000u);
  EXPECT_LT(s.counters.gas_ch_decilitres, 1010u);
}

}  // namespace
}  // namespace intergas::sim
