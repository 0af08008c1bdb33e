// S? (status) frame -> StatusReading, for the HRE/HR/CW6 layout and the Xtreme layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/model.h"
#include "protocol/result.h"

namespace intergas {

// Bits of S? byte 26 (heat-demand I/O) and byte 28 (burner I/O), LSB first (protocol.md 5.3).
// The enumerator value is byte26 bit index for the first 8 and 8 + byte28 bit index for the rest;
// the names are the metric labels of flag{type=...}.
enum class Flag {
  gp_switch,
  tap_switch,
  roomtherm,
  pump,
  dwk,
  alarm_status,
  ch_cascade_relay,
  opentherm,
  gasvalve,
  spark,
  io_signal,
  ch_ot_disabled,
  low_water_pressure,
  pressure_sensor,
  burner_block,
  grad_flag,
};
inline constexpr int kFlagCount = 16;

// Flag f from S? bytes 26 and 28: bit 0 (value 1) is the first flag of each byte (protocol.md
// 5.3; RB reads MSB first, which is wrong).
constexpr bool flag_of(std::uint8_t byte26, std::uint8_t byte28, Flag f) {
  const int i = static_cast<int>(f);
  return (((i < 8 ? byte26 : byte28) >> (i % 8)) & 1) != 0;
}
std::string_view flag_name(Flag f);

// S? byte 27, a single-bit enum (protocol.md 5.5).
enum class BurnerState : std::uint8_t {
  startup = 0,
  interpurge = 1,
  postpurge = 2,
  prepurge = 4,
  ignition = 8,
  waiting = 16,
  running = 32,
  rest = 64,
  lockout = 128,
};

inline constexpr std::uint8_t kNoFault = 0xFF;  // S? byte 29 when no fault was ever latched

// Decoded S? reply. Temperatures in degrees Celsius; std::nullopt means "not known" (open sensor,
// sentinel, missing pressure sensor, a value outside its physical range, or a field the model does
// not have): not dispatched.
struct StatusReading {
  std::optional<double> heat_exchanger_celsius;  // t1, bytes 0-1
  std::optional<double> supply_celsius;          // t2, bytes 2-3
  std::optional<double> return_celsius;          // t3, bytes 4-5 (absent on Xtreme)
  std::optional<double> dhw_celsius;             // t4, bytes 6-7
  std::optional<double> boiler_celsius;          // t5, bytes 8-9 (S4 / cold water)
  std::optional<double> outside_celsius;         // HRE: t6, bytes 10-11; Xtreme: bytes 16-17
  std::optional<double> flue_celsius;            // Xtreme only: bytes 10-11 (flue gas)
  std::optional<double> pressure_bar;            // bytes 12-13, only with Flag::pressure_sensor
  std::optional<double> setpoint_ch_celsius;     // bytes 14-15
  std::optional<std::uint16_t> fan_speed_target_rpm;  // bytes 16-17 (HRE only)
  std::optional<std::uint16_t> fan_speed_actual_rpm;  // bytes 18-19 (HRE only)
  std::optional<double> fan_pwm_ratio;                // bytes 20-21, 0.1 % units -> 0..1 (HRE only)
  std::optional<double> ionisation_current_amperes;   // bytes 22-23, 0.01 uA units
  std::uint8_t status_code = 0;                       // byte 24, display code (protocol.md 6)
  std::uint8_t rf_status = 0;                         // byte 25, undecoded (RF thermostat bits?)
  std::uint8_t heat_demand_flags = 0;                 // byte 26
  std::uint8_t burner_state_raw = 0;                  // byte 27
  std::uint8_t burner_flags = 0;                      // byte 28
  std::uint8_t fault_code_raw = kNoFault;             // byte 29
  std::uint8_t byte30 = 0, byte31 = 0;  // undecoded, kept so a reading can be re-encoded

  bool flag(Flag f) const;
  bool is_lockout() const {
    return burner_state_raw == static_cast<std::uint8_t>(BurnerState::lockout);
  }
  // The fault number while in lockout (byte 29), else nullopt. 0 is a valid fault (F00).
  std::optional<std::uint8_t> current_fault() const;
  // Byte 29 whenever it is not 0xFF: the latched last fault, also after the lockout ends.
  std::optional<std::uint8_t> last_fault() const;

  bool operator==(const StatusReading&) const;
  bool operator!=(const StatusReading& o) const { return !(*this == o); }
};

// Decodes the 32 data bytes of an S? reply (data.size must be 32). Never fails on content;
// plausibility is a separate check (plausibility.h).
StatusReading decode_status(ByteView data, Model m);

}  // namespace intergas
