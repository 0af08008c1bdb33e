// S2 decoding (protocol.md 8): tap flow, pump PWM and the OpenTherm room data.
#include "protocol/status_extra.h"

#include <algorithm>

#include "protocol/command.h"
#include "protocol/plausibility.h"

namespace intergas {

namespace {

// int16/100, or nullopt for 0x7FFF, which S2 uses for "not provided" (PM log, LC #3, IC), and for
// a value outside [lo, hi] (plausibility.h: unknown, counted by integrity.h).
std::optional<double> hundredths(ByteView b, std::size_t at, double lo, double hi) {
  const std::int16_t raw = read_i16le(b, at);
  if (raw == kNotAvailable) return std::nullopt;
  const double v = raw / 100.0;
  if (v < lo || v > hi) return std::nullopt;
  return v;
}
std::optional<double> celsius(ByteView b, std::size_t at) {
  return hundredths(b, at, kMinCelsius, kMaxCelsius);
}

}  // namespace

bool StatusExtraReading::operator==(const StatusExtraReading& o) const {
  return tap_flow_liters_per_minute == o.tap_flow_liters_per_minute &&
         pump_pwm_ratio == o.pump_pwm_ratio && pump_raw == o.pump_raw &&
         ot_master_member_id == o.ot_master_member_id &&
         room_override_zone1_celsius == o.room_override_zone1_celsius &&
         room_setpoint_zone1_celsius == o.room_setpoint_zone1_celsius &&
         room_zone1_celsius == o.room_zone1_celsius &&
         room_override_zone2_celsius == o.room_override_zone2_celsius &&
         room_setpoint_zone2_celsius == o.room_setpoint_zone2_celsius &&
         room_zone2_celsius == o.room_zone2_celsius &&
         outside_override_celsius == o.outside_override_celsius &&
         ot_therm_prod_version == o.ot_therm_prod_version &&
         ot_therm_prod_type == o.ot_therm_prod_type && std::equal(tail, tail + 12, o.tail);
}

StatusExtraReading decode_status_extra(ByteView data, Model /*m*/) {
  StatusExtraReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  r.tap_flow_liters_per_minute = hundredths(data, 0, 0.0, kMaxTapFlowLitersPerMinute);
  r.pump_raw = data[2];
  r.pump_pwm_ratio = pump_pwm_ratio_of(r.pump_raw);
  r.ot_master_member_id = data[3];
  r.room_override_zone1_celsius = celsius(data, 4);
  r.room_setpoint_zone1_celsius = celsius(data, 6);
  r.room_zone1_celsius = celsius(data, 8);
  r.room_override_zone2_celsius = celsius(data, 10);
  r.room_setpoint_zone2_celsius = celsius(data, 12);
  r.room_zone2_celsius = celsius(data, 14);
  r.outside_override_celsius = celsius(data, 16);
  r.ot_therm_prod_version = data[18];
  r.ot_therm_prod_type = data[19];
  std::copy(data.begin() + 20, data.begin() + 32, r.tail);
  return r;
}

std::optional<double> pump_pwm_ratio_of(std::uint8_t pump_raw) {
  // protocol.md 8: duty in 0.5 % steps, inverted (RV: low duty = full speed), so 200 - b.
  // RB's sample: byte 170 -> 15 %. A byte above 200 is not a duty cycle.
  if (pump_raw > 200) return std::nullopt;
  return (200 - pump_raw) / 200.0;
}

}  // namespace intergas
