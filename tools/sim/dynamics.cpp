#include "sim/dynamics.h"

#include <algorithm>
#include <cmath>

#include "protocol/status.h"

namespace intergas::sim {
namespace {

constexpr std::uint64_t kTickMs = 1000;
constexpr std::uint64_t kHourMs = 3'600'000;
constexpr std::uint64_t kMaxPostrunMs = 60'000;

// Temperatures: each tick moves gain * (target - v), at most kTempDrift, plus noise.
constexpr double kTempGain = 0.02;
constexpr double kTempDrift = 0.30;  // C per tick
constexpr double kTempNoise = 0.05;  // C per tick; with the drift the 0.35 of dynamics.h
constexpr double kTempLo = 5, kTempHi = 95;
constexpr double kReturnBelowSupply = 0.5;
constexpr double kChSetpoint = 60, kDhwSetpoint = 55;

constexpr double kPressureLo = 1.4, kPressureHi = 1.8;
constexpr double kPressureNoise = 0.001;   // bar per tick inside the band
constexpr double kPressureReturn = 0.002;  // bar per tick back toward the band

constexpr int kFanStep = 20;    // rpm per tick of the target
constexpr int kFanJitter = 10;  // rpm, actual around target
constexpr double kFanChLo = 1300, kFanChHi = 2600, kFanChStart = 1800;
constexpr double kFanDhwLo = 2500, kFanDhwHi = 3800, kFanDhwStart = 3000;
constexpr double kPwmPerRpm = 0.0000615;  // RB's 1340 rpm at 8.2 %, PM's 1914 rpm at 12.5 %

constexpr double kIonNoise = 0.05;  // uA per tick
constexpr double kIonLo = 2, kIonHi = 8, kIonStartLo = 3.5, kIonStartHi = 5.5;

constexpr int kTapFlowLoCenti = 400, kTapFlowHiCenti = 800;  // l/min * 100

// Status codes (protocol.md 6) and byte 26/28 bits (5.3), as the core names them.
constexpr std::uint8_t kCodeOpentherm = 0, kCodeCh = 102, kCodeDhw = 204, kCodeStandby = 126,
                       kCodePostrunCh = 231;
constexpr std::uint8_t bit(Flag f) {
  return static_cast<std::uint8_t>(1u << (static_cast<int>(f) % 8));
}
constexpr std::uint8_t kByte26Driven = bit(Flag::tap_switch) | bit(Flag::pump) | bit(Flag::dwk);
constexpr std::uint8_t kByte28Driven =
    bit(Flag::gasvalve) | bit(Flag::spark) | bit(Flag::io_signal) | bit(Flag::burner_block);
constexpr std::uint8_t kBurning = bit(Flag::gasvalve) | bit(Flag::io_signal);

// The encoder's resolutions: 0.01 for temperatures, pressure and flow, 0.01 uA, 0.1 % PWM.
double centi(double v) { return std::round(v * 100) / 100; }

bool burning(Dynamics::Phase p) {
  return p == Dynamics::Phase::burn_ch || p == Dynamics::Phase::burn_dhw;
}

}  // namespace

Dynamics::Dynamics(const DynamicsOptions& options, std::uint64_t seed, int index)
    : options_(options),
      rng_(seed * 0x9E3779B97F4A7C15ULL +
           0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(index + 1)),
      cycle_ms_(static_cast<std::uint64_t>((options.rest + options.burn).count()) * 1000),
      rest_ms_(static_cast<std::uint64_t>(options.rest.count()) * 1000),
      postrun_ms_(std::min(kMaxPostrunMs, rest_ms_ / 2)) {}

bool Dynamics::burn_is_dhw(std::uint64_t n) const {
  return options_.dhw_every > 0 && n % static_cast<std::uint64_t>(options_.dhw_every) == 0;
}

Dynamics::Phase Dynamics::phase_at(std::uint64_t t) const {
  const std::uint64_t k = t / cycle_ms_, u = t % cycle_ms_;
  if (u >= rest_ms_) return burn_is_dhw(k + 1) ? Phase::burn_dhw : Phase::burn_ch;
  // The rest of cycle k follows burn k.
  if (k >= 1 && u < postrun_ms_ && !burn_is_dhw(k)) return Phase::postrun_ch;
  return Phase::rest;
}

std::uint64_t Dynamics::next_boundary(std::uint64_t t) const {
  const std::uint64_t start = t / cycle_ms_ * cycle_ms_;
  for (std::uint64_t b : {start + postrun_ms_, start + rest_ms_}) {
    if (b > t) return b;
  }
  return start + cycle_ms_;
}

double Dynamics::noise(double amplitude) { return (rng_.uniform() * 2 - 1) * amplitude; }

void Dynamics::sync(const BoilerState& s) {
  const auto sync_one = [](Walk& w, const std::optional<double>& field) {
    if (!field) {
      w.known = false;
    } else if (!w.known || centi(w.v) != *field) {
      w.v = *field;
      w.known = true;
    }
  };
  sync_one(heat_exchanger_, s.status.heat_exchanger_celsius);
  sync_one(supply_, s.status.supply_celsius);
  sync_one(return_, s.status.return_celsius);
  sync_one(dhw_, s.status.dhw_celsius);
  sync_one(flue_, s.status.flue_celsius);
  sync_one(pressure_, s.status.pressure_bar);
}

void Dynamics::accrue(BoilerState& s, Phase p, std::uint64_t ms) {
  CountersReading& c = s.counters;
  const auto whole = [](std::uint64_t& rest, std::uint64_t add, std::uint64_t unit) {
    rest += add;
    const std::uint64_t n = rest / unit;
    rest %= unit;
    return n;
  };
  c.powered_hours = static_cast<std::uint32_t>(c.powered_hours + whole(powered_ms_, ms, kHourMs));
  if (p == Phase::burn_ch || p == Phase::postrun_ch) {
    c.ch_hours = static_cast<std::uint16_t>(c.ch_hours + whole(ch_ms_, ms, kHourMs));
  }
  const std::uint64_t gas = std::uint64_t{options_.gas_lph} * 10 * ms;  // dl * ms/h
  if (p == Phase::burn_ch) {
    c.gas_ch_decilitres =
        static_cast<std::uint32_t>(c.gas_ch_decilitres + whole(gas_ch_rest_, gas, kHourMs));
  } else if (p == Phase::burn_dhw) {
    c.dhw_hours = static_cast<std::uint16_t>(c.dhw_hours + whole(dhw_ms_, ms, kHourMs));
    c.gas_dhw_decilitres =
        static_cast<std::uint32_t>(c.gas_dhw_decilitres + whole(gas_dhw_rest_, gas, kHourMs));
    // centi-l/min * ms = dl * 600 000
    c.dhw_water_decilitres = static_cast<std::uint32_t>(
        c.dhw_water_decilitres +
        whole(water_rest_, static_cast<std::uint64_t>(tap_flow_centi_) * ms, 600'000));
  }
}

void Dynamics::on_burn_start(BoilerState& s, bool dhw) {
  ++s.counters.burner_starts;
  if (dhw) ++s.counters.dhw_burner_starts;
  fan_target_ = dhw ? kFanDhwStart : kFanChStart;
  ionisation_ua_ = kIonStartLo + (kIonStartHi - kIonStartLo) * rng_.uniform();
  tap_flow_centi_ = dhw ? rng_.between(kTapFlowLoCenti, kTapFlowHiCenti) : 0;
}

void Dynamics::tick(Phase p) {
  const bool on = burning(p);
  const auto walk = [this](Walk& w, double target) {
    if (!w.known) return;
    const double d = std::clamp(kTempGain * (target - w.v), -kTempDrift, kTempDrift);
    w.v = std::clamp(w.v + d + noise(kTempNoise), kTempLo, kTempHi);
  };
  const double old_return = return_.v;
  walk(supply_, p == Phase::burn_ch      ? kChSetpoint
                : p == Phase::burn_dhw   ? 65
                : p == Phase::postrun_ch ? 35
                                         : 30);
  const double s = supply_.known ? supply_.v : 40;
  walk(return_, s - (p == Phase::burn_ch ? 12 : p == Phase::burn_dhw ? 15 : 2));
  // Return stays below supply; a profile that starts above is brought down at the walk's rate.
  if (return_.known) {
    return_.v =
        std::min(return_.v, std::max(s - kReturnBelowSupply, old_return - kTempDrift - kTempNoise));
  }
  walk(heat_exchanger_, s + (on ? 12 : 0.5));
  walk(dhw_, p == Phase::burn_dhw ? 55 : 30);
  walk(flue_, on ? s - 3 : 22);
  if (pressure_.known) {
    double& v = pressure_.v;
    if (v < kPressureLo) {
      v = std::min(kPressureLo, v + kPressureReturn);
    } else if (v > kPressureHi) {
      v = std::max(kPressureHi, v - kPressureReturn);
    } else {
      v = std::clamp(v + noise(kPressureNoise), kPressureLo, kPressureHi);
    }
  }
  if (on) {
    const bool dhw = p == Phase::burn_dhw;
    // Whole rpm, so the wire's rounding adds nothing to the documented 20 rpm per tick.
    fan_target_ = std::clamp(fan_target_ + rng_.between(-kFanStep, kFanStep),
                             dhw ? kFanDhwLo : kFanChLo, dhw ? kFanDhwHi : kFanChHi);
    fan_noise_ = rng_.between(-kFanJitter, kFanJitter);
    ionisation_ua_ = std::clamp(ionisation_ua_ + noise(kIonNoise), kIonLo, kIonHi);
  }
}

void Dynamics::show(BoilerState& s, Phase p) const {
  StatusReading& st = s.status;
  const bool on = burning(p);
  const auto put = [](std::optional<double>& field, const Walk& w) {
    if (w.known) field = centi(w.v);
  };
  put(st.heat_exchanger_celsius, heat_exchanger_);
  put(st.supply_celsius, supply_);
  put(st.return_celsius, return_);
  put(st.dhw_celsius, dhw_);
  put(st.flue_celsius, flue_);
  put(st.pressure_bar, pressure_);

  const bool opentherm = (st.heat_demand_flags & bit(Flag::opentherm)) != 0;
  switch (p) {
    case Phase::rest:
      st.status_code = kCodeStandby;
      break;
    case Phase::postrun_ch:
      st.status_code = kCodePostrunCh;
      break;
    case Phase::burn_ch:
      st.status_code = opentherm ? kCodeOpentherm : kCodeCh;
      break;
    case Phase::burn_dhw:
      st.status_code = kCodeDhw;
      break;
  }
  st.burner_state_raw = static_cast<std::uint8_t>(on ? BurnerState::running : BurnerState::rest);
  std::uint8_t demand = 0;
  if (p == Phase::burn_ch) demand = bit(Flag::pump) | bit(Flag::dwk);
  if (p == Phase::postrun_ch) demand = bit(Flag::pump);
  if (p == Phase::burn_dhw) demand = bit(Flag::tap_switch);
  st.heat_demand_flags =
      static_cast<std::uint8_t>((st.heat_demand_flags & ~kByte26Driven) | demand);
  st.burner_flags =
      static_cast<std::uint8_t>((st.burner_flags & ~kByte28Driven) | (on ? kBurning : 0));
  st.setpoint_ch_celsius = p == Phase::burn_ch    ? kChSetpoint
                           : p == Phase::burn_dhw ? kDhwSetpoint
                                                  : 0;

  const long rpm = on ? std::lround(fan_target_) : 0;
  const long actual = on ? rpm + fan_noise_ : 0;
  if (st.fan_speed_target_rpm) st.fan_speed_target_rpm = static_cast<std::uint16_t>(rpm);
  if (st.fan_speed_actual_rpm) st.fan_speed_actual_rpm = static_cast<std::uint16_t>(actual);
  if (st.fan_pwm_ratio)
    st.fan_pwm_ratio = std::round(static_cast<double>(actual) * kPwmPerRpm * 1000) / 1000;
  // 0.01 uA units, as the decoder's raw / 10^8.
  st.ionisation_current_amperes = on ? std::round(ionisation_ua_ * 100) / 1e8 : 0;
  if (s.status_extra.tap_flow_liters_per_minute) {
    s.status_extra.tap_flow_liters_per_minute =
        p == Phase::burn_dhw ? tap_flow_centi_ / 100.0 : 0.0;
  }
}

void Dynamics::advance(BoilerState& s, std::chrono::milliseconds elapsed) {
  sync(s);
  std::uint64_t left = elapsed.count() > 0 ? static_cast<std::uint64_t>(elapsed.count()) : 0;
  while (left > 0) {
    const Phase p = phase_at(clock_ms_);
    const std::uint64_t end = std::min(clock_ms_ + left, next_boundary(clock_ms_));
    accrue(s, p, end - clock_ms_);
    // Ticks at whole seconds in (clock, end], with the phase just before each.
    for (std::uint64_t n = end / kTickMs - clock_ms_ / kTickMs; n > 0; --n) tick(p);
    left -= end - clock_ms_;
    clock_ms_ = end;
    if (clock_ms_ % cycle_ms_ == rest_ms_) on_burn_start(s, burn_is_dhw(clock_ms_ / cycle_ms_ + 1));
  }
  show(s, phase_at(clock_ms_));
}

}  // namespace intergas::sim
