// S2 (status extra) frame -> StatusExtraReading (protocol.md 8).
#pragma once

#include <cstdint>
#include <optional>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

// 0x7FFF (327.67) marks a room/outside field the thermostat does not provide: nullopt.
struct StatusExtraReading {
  std::optional<double> tap_flow_liters_per_minute;  // bytes 0-1, int16/100
  std::optional<double>
      pump_pwm_ratio;         // byte 2: (200 - b) / 200, inverted PWM; nullopt if b > 200
  std::uint8_t pump_raw = 0;  // byte 2 as sent
  std::uint8_t ot_master_member_id = 0;               // byte 3
  std::optional<double> room_override_zone1_celsius;  // bytes 4-5
  std::optional<double> room_setpoint_zone1_celsius;  // bytes 6-7
  std::optional<double> room_zone1_celsius;           // bytes 8-9
  std::optional<double> room_override_zone2_celsius;  // bytes 10-11
  std::optional<double> room_setpoint_zone2_celsius;  // bytes 12-13
  std::optional<double> room_zone2_celsius;           // bytes 14-15
  std::optional<double> outside_override_celsius;     // bytes 16-17
  std::uint8_t ot_therm_prod_version = 0;             // byte 18
  std::uint8_t ot_therm_prod_type = 0;                // byte 19
  std::uint8_t tail[12] = {};                         // bytes 20-31, undecoded

  bool operator==(const StatusExtraReading&) const;
  bool operator!=(const StatusExtraReading& o) const { return !(*this == o); }
};

StatusExtraReading decode_status_extra(ByteView data, Model m);

// The highest tap flow a boiler can report (plausibility.cpp rejects more; the counter guard
// bounds the water meter by it).
inline constexpr int kMaxTapFlowLitresPerMinute = 60;

// S2 byte 2 as a pump duty ratio, (200 - b) / 200 (inverted PWM); nullopt for b > 200, which is no
// duty cycle (protocol.md 8, 18.4). For the decoder and for anyone holding the raw byte.
std::optional<double> pump_pwm_ratio_of(std::uint8_t pump_raw);

}  // namespace intergas
