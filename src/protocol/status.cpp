// S? decoding (protocol.md 5): HRE/HR/CW6 layout, with the Xtreme variant of 5.6.
#include "protocol/status.h"

#include "protocol/command.h"
#include "protocol/plausibility.h"

namespace intergas {

namespace {

constexpr std::string_view kFlagNames[kFlagCount] = {
    "gp_switch",
    "tap_switch",
    "roomtherm",
    "pump",
    "dwk",
    "alarm_status",
    "ch_cascade_relay",
    "opentherm",
    "gasvalve",
    "spark",
    "io_signal",
    "ch_ot_disabled",
    "low_water_pressure",
    "pressure_sensor",
    "burner_block",
    "grad_flag",
};

// A temperature, or nullopt for 0x7FFF, for an open sensor (protocol.md 4.2: -51.00 and -50.81 on
// HRE/Xtreme, about -31.8 on the CW6) and for a value outside the sensor's range (19).
std::optional<double> temperature(ByteView b, std::size_t at, Model m) {
  const std::int16_t raw = read_i16le(b, at);
  if (raw == kNotAvailable) return std::nullopt;
  const double celsius = raw / 100.0;
  if (celsius <= unconnected_below_celsius(m) || !celsius_in_range(celsius)) return std::nullopt;
  return celsius;
}

}  // namespace

std::string_view flag_name(Flag f) {
  const int i = static_cast<int>(f);
  return i >= 0 && i < kFlagCount ? kFlagNames[i] : std::string_view("unknown");
}

bool StatusReading::flag(Flag f) const { return flag_of(heat_demand_flags, burner_flags, f); }

std::optional<std::uint8_t> StatusReading::current_fault() const {
  // protocol.md 5.5: byte 29 is the fault number only while byte 27 says lockout. A lockout
  // with 0xFF there names no fault, so nothing is reported rather than a made-up 255.
  if (!is_lockout() || fault_code_raw == kNoFault) return std::nullopt;
  return fault_code_raw;
}

std::optional<std::uint8_t> StatusReading::last_fault() const {
  // protocol.md 5.1, 14.4: byte 29 keeps the last lockout after it ends (LC: 0x04 while idle).
  if (fault_code_raw == kNoFault) return std::nullopt;
  return fault_code_raw;
}

bool StatusReading::operator==(const StatusReading& o) const {
  return heat_exchanger_celsius == o.heat_exchanger_celsius && supply_celsius == o.supply_celsius &&
         return_celsius == o.return_celsius && dhw_celsius == o.dhw_celsius &&
         boiler_celsius == o.boiler_celsius && outside_celsius == o.outside_celsius &&
         flue_celsius == o.flue_celsius && pressure_bar == o.pressure_bar &&
         setpoint_ch_celsius == o.setpoint_ch_celsius &&
         fan_speed_target_rpm == o.fan_speed_target_rpm &&
         fan_speed_actual_rpm == o.fan_speed_actual_rpm && fan_pwm_ratio == o.fan_pwm_ratio &&
         ionisation_current_amperes == o.ionisation_current_amperes &&
         status_code == o.status_code && rf_status == o.rf_status &&
         heat_demand_flags == o.heat_demand_flags && burner_state_raw == o.burner_state_raw &&
         burner_flags == o.burner_flags && fault_code_raw == o.fault_code_raw &&
         byte30 == o.byte30 && byte31 == o.byte31;
}

StatusReading decode_status(ByteView data, Model m) {
  StatusReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  r.heat_exchanger_celsius = temperature(data, 0, m);
  r.supply_celsius = temperature(data, 2, m);
  r.return_celsius = temperature(data, 4, m);
  r.dhw_celsius = temperature(data, 6, m);
  r.boiler_celsius = temperature(data, 8, m);
  // Structural (plausibility.h: 0..100 C), so never out of range here.
  r.setpoint_ch_celsius = read_i16le(data, 14) / 100.0;
  r.status_code = data[24];
  r.rf_status = data[25];
  r.heat_demand_flags = data[26];
  r.burner_state_raw = data[27];
  r.burner_flags = data[28];
  r.fault_code_raw = data[29];
  r.byte30 = data[30];
  r.byte31 = data[31];

  // protocol.md 5.4: bytes 12-13 mean nothing without the pressure-sensor flag (the CW6 sends
  // "6.00 bar" with the flag clear, 14.3).
  const std::int16_t pressure_raw = read_i16le(data, 12);
  if (r.flag(Flag::pressure_sensor) && pressure_raw >= 0 && pressure_raw <= kMaxBar * 100) {
    r.pressure_bar = pressure_raw / 100.0;
  }
  // protocol.md 5.1: io_curr is int16 in 0.01 uA (TV flame_current); 1 uA = 1e-6 A.
  const std::int16_t io_raw = read_i16le(data, 22);
  if (io_raw >= 0 && io_raw <= kMaxIonisationMicroamps * 100) {
    r.ionisation_current_amperes = io_raw / 1e8;
  }

  if (m == Model::xtreme) {
    // protocol.md 5.6: 10-11 flue gas, 16-17 outside; fan and pump moved to D2; 18-21 unknown.
    r.flue_celsius = temperature(data, 10, m);
    r.outside_celsius = temperature(data, 16, m);
  } else {
    r.outside_celsius = temperature(data, 10, m);
    const std::uint16_t target = read_u16le(data, 16), actual = read_u16le(data, 18);
    if (target <= kMaxFanRpm) r.fan_speed_target_rpm = target;
    if (actual <= kMaxFanRpm) r.fan_speed_actual_rpm = actual;
    const std::uint16_t pwm = read_u16le(data, 20);  // 0.1 % units
    if (pwm <= kMaxFanPwmPermille) r.fan_pwm_ratio = pwm / 1000.0;
  }
  return r;
}

}  // namespace intergas
