// D2 (Xtreme status extra 2) frame -> StatusExtra2Reading (protocol.md 12.4).
#pragma once

#include <cstdint>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

// The Xtreme's fan, pump and three-way valve, in LC's layout (TV's status_2 names the same fields
// in the same order). Only the Xtreme answers D2, so there is no model to tell apart.
struct StatusExtra2Reading {
  std::uint16_t fan_speed_target_rpm = 0;  // bytes 0-1 (TV fan_set)
  std::uint16_t fan_speed_actual_rpm = 0;  // bytes 2-3 (TV fan_speed)
  // Bytes 4-9, undecoded: TV lists fan torque, fan bridge temperature and bus voltage here, but
  // with no scale that a reader has checked against a frame.
  std::uint8_t fan_raw[6] = {};
  std::uint16_t pump_speed_target_rpm = 0;  // bytes 10-11 (TV pump_set)
  std::uint16_t pump_speed_actual_rpm = 0;  // bytes 12-13 (TV pump_speed)
  // Bytes 14-27, undecoded: TV's pump flow, pump bridge and heat-exchanger temperatures; LC reads
  // 26-27 as heat exchanger 2 (int16/100) but leaves it commented out.
  std::uint8_t middle_raw[14] = {};
  std::int16_t valve_position_target_steps = 0;  // bytes 28-29 (TV stepper_pos_set)
  std::int16_t valve_position_actual_steps = 0;  // bytes 30-31 (TV stepper_pos)

  bool operator==(const StatusExtra2Reading&) const;
  bool operator!=(const StatusExtra2Reading& o) const { return !(*this == o); }
};

StatusExtra2Reading decode_status_extra2(ByteView data, Model m);

}  // namespace intergas
