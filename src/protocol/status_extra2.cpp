// D2 decoding (protocol.md 12.4): the Xtreme's fan, pump and valve set points and actual values.
#include "protocol/status_extra2.h"

#include <algorithm>

#include "protocol/command.h"

namespace intergas {

bool StatusExtra2Reading::operator==(const StatusExtra2Reading& o) const {
  return fan_speed_target_rpm == o.fan_speed_target_rpm &&
         fan_speed_actual_rpm == o.fan_speed_actual_rpm &&
         std::equal(fan_raw, fan_raw + 6, o.fan_raw) &&
         pump_speed_target_rpm == o.pump_speed_target_rpm &&
         pump_speed_actual_rpm == o.pump_speed_actual_rpm &&
         std::equal(middle_raw, middle_raw + 14, o.middle_raw) &&
         valve_position_target_steps == o.valve_position_target_steps &&
         valve_position_actual_steps == o.valve_position_actual_steps;
}

StatusExtra2Reading decode_status_extra2(ByteView data, Model /*m*/) {
  StatusExtra2Reading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  // Speeds are unsigned like the S? fan (protocol.md 4.3); LC reads them as int16, which is the
  // same below 32768 rpm. The stepper positions are int16 as LC reads them.
  r.fan_speed_target_rpm = read_u16le(data, 0);
  r.fan_speed_actual_rpm = read_u16le(data, 2);
  std::copy(data.begin() + 4, data.begin() + 10, r.fan_raw);
  r.pump_speed_target_rpm = read_u16le(data, 10);
  r.pump_speed_actual_rpm = read_u16le(data, 12);
  std::copy(data.begin() + 14, data.begin() + 28, r.middle_raw);
  r.valve_position_target_steps = read_i16le(data, 28);
  r.valve_position_actual_steps = read_i16le(data, 30);
  return r;
}

}  // namespace intergas
