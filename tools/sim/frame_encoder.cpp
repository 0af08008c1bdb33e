#include "sim/frame_encoder.h"

#include <cmath>
#include <string>

#include "protocol/command.h"

namespace intergas::sim {
namespace {

constexpr std::uint16_t kOpenSensor = 0xEC14;  // -51.00 C, HRE and Xtreme (protocol.md 4.2)
// KH/K3's CW6 frame (14.3) reads -31.77 on its open t5 and -31.78 on its open t6.
constexpr std::uint16_t kOpenSensorCw6 = 0xF397;
constexpr std::uint16_t kOpenSensorCw6T6 = 0xF396;
constexpr std::uint16_t kNotAvailable = 0x7FFF;    // 327.67, S2 room/outside fields (8)
constexpr std::uint8_t kPressureSensorBit = 0x20;  // S? byte 28 bit 5 (5.3, 5.4)

void put_u16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v & 0xFF);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// A value in units of 1/scale as a two's complement int16, rounded and clamped.
std::uint16_t scaled_i16(double v, double scale) {
  long raw = std::lround(v * scale);
  if (raw > 32767) raw = 32767;
  if (raw < -32768) raw = -32768;
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(raw));
}

std::uint16_t scaled_u16(double v, double scale) {
  long raw = std::lround(v * scale);
  if (raw > 65535) raw = 65535;
  if (raw < 0) raw = 0;
  return static_cast<std::uint16_t>(raw);
}

std::uint16_t temperature(const std::optional<double>& t, Model m,
                          std::uint16_t cw6_open = kOpenSensorCw6) {
  if (!t) return m == Model::cw6 ? cw6_open : kOpenSensor;
  return scaled_i16(*t, 100);
}

std::uint16_t room_value(const std::optional<double>& t) {
  return t ? scaled_i16(*t, 100) : kNotAvailable;
}

void put_text(Bytes& b, std::size_t at, std::size_t width, const std::string& text) {
  for (std::size_t i = 0; i < width; ++i) {
    b[at + i] = static_cast<std::uint8_t>(i < text.size() ? text[i] : ' ');
  }
}

}  // namespace

Bytes encode_status(const StatusReading& s, Model m,
                    const std::array<std::uint8_t, 4>& xtreme_bytes_18_21) {
  Bytes b(kFrameSize, 0);
  put_u16(b, 0, temperature(s.heat_exchanger_celsius, m));
  put_u16(b, 2, temperature(s.supply_celsius, m));
  put_u16(b, 4, temperature(s.return_celsius, m));
  put_u16(b, 6, temperature(s.dhw_celsius, m));
  put_u16(b, 8, temperature(s.boiler_celsius, m));
  // Without a pressure sensor the boiler still sends a value; the CW6 frame (14.3) shows 6.00.
  const std::uint16_t absent_pressure = m == Model::cw6 ? 600 : 0;
  put_u16(b, 12, s.pressure_bar ? scaled_i16(*s.pressure_bar, 100) : absent_pressure);
  put_u16(b, 14, temperature(s.setpoint_ch_celsius, m));
  if (m == Model::xtreme) {
    // protocol.md 5.6: flue gas at 10-11, outside at 16-17; fans live in D2 instead.
    put_u16(b, 10, temperature(s.flue_celsius, m));
    put_u16(b, 16, temperature(s.outside_celsius, m));
    for (std::size_t i = 0; i < 4; ++i) b[18 + i] = xtreme_bytes_18_21[i];
  } else {
    put_u16(b, 10, temperature(s.outside_celsius, m, kOpenSensorCw6T6));
    put_u16(b, 16, s.fan_speed_target_rpm.value_or(0));
    put_u16(b, 18, s.fan_speed_actual_rpm.value_or(0));
    put_u16(b, 20, s.fan_pwm_ratio ? scaled_u16(*s.fan_pwm_ratio, 1000) : 0);  // 0.1 % units
  }
  put_u16(b, 22, scaled_i16(s.ionisation_current_amperes.value_or(0.0), 1e8));  // 0.01 uA units
  b[24] = s.status_code;
  b[25] = s.rf_status;
  b[26] = s.heat_demand_flags;
  b[27] = s.burner_state_raw;
  // The reading keeps byte 28 raw; the frame must agree with pressure_bar (5.4).
  b[28] = s.pressure_bar ? static_cast<std::uint8_t>(s.burner_flags | kPressureSensorBit)
                         : static_cast<std::uint8_t>(s.burner_flags & ~kPressureSensorBit);
  b[29] = s.fault_code_raw;
  b[30] = s.byte30;
  b[31] = s.byte31;
  return b;
}

Bytes encode_status_extra(const StatusExtraReading& s, Model) {
  Bytes b(kFrameSize, 0);
  put_u16(b, 0, room_value(s.tap_flow_liters_per_minute));
  b[2] = s.pump_raw;
  b[3] = s.ot_master_member_id;
  put_u16(b, 4, room_value(s.room_override_zone1_celsius));
  put_u16(b, 6, room_value(s.room_setpoint_zone1_celsius));
  put_u16(b, 8, room_value(s.room_zone1_celsius));
  put_u16(b, 10, room_value(s.room_override_zone2_celsius));
  put_u16(b, 12, room_value(s.room_setpoint_zone2_celsius));
  put_u16(b, 14, room_value(s.room_zone2_celsius));
  put_u16(b, 16, room_value(s.outside_override_celsius));
  b[18] = s.ot_therm_prod_version;
  b[19] = s.ot_therm_prod_type;
  for (std::size_t i = 0; i < 12; ++i) b[20 + i] = s.tail[i];
  return b;
}

Bytes encode_diagnostics(const DiagnosticsReading& d, Model) {
  Bytes b(kFrameSize, 0);
  put_u16(b, 0, d.interrupt_time_raw);
  put_u16(b, 2, d.interrupt_load_raw);
  put_u16(b, 4, d.main_load_raw);
  put_u16(b, 6, d.mains_frequency_raw);
  put_u16(b, 8, d.reference_voltage_raw);
  for (std::size_t i = 0; i < 14; ++i) b[10 + i] = d.unknown[i];
  for (std::size_t i = 0; i < 4; ++i) {
    b[24 + i] = d.rom_checksum1[i];
    b[28 + i] = d.rom_checksum2[i];
  }
  return b;
}

Bytes encode_counters(const CountersReading& c, Model) {
  Bytes b(kFrameSize, 0);
  auto low16 = [](std::uint32_t v) { return static_cast<std::uint16_t>(v & 0xFFFF); };
  auto high8 = [](std::uint32_t v) { return static_cast<std::uint8_t>((v >> 16) & 0xFF); };
  put_u16(b, 0, low16(c.powered_hours));
  put_u16(b, 2, c.power_losses);
  put_u16(b, 4, c.ch_hours);
  put_u16(b, 6, c.dhw_hours);
  put_u16(b, 8, low16(c.burner_starts));
  put_u16(b, 10, c.ignition_failures);
  put_u16(b, 12, c.flame_losses);
  put_u16(b, 14, c.resets);
  put_u32(b, 16, c.gas_ch_decilitres);
  put_u32(b, 20, c.gas_dhw_decilitres);
  put_u16(b, 24, low16(c.dhw_water_decilitres));
  put_u16(b, 26, low16(c.dhw_burner_starts));
  // protocol.md 9: the high bytes of the 24-bit values sit at the end of the frame.
  b[28] = high8(c.dhw_water_decilitres);
  b[29] = high8(c.dhw_burner_starts);
  b[30] = high8(c.powered_hours);
  b[31] = high8(c.burner_starts);
  return b;
}

Bytes encode_parameters(const ParametersReading& p, Model) {
  Bytes b(kFrameSize, 0);
  for (std::size_t i = 0; i < static_cast<std::size_t>(kParameterCount); ++i) {
    b[i] = static_cast<std::uint8_t>(p.values[i]);  // int8 two's complement (protocol.md 11)
  }
  b[31] = p.unused;
  return b;
}

Bytes encode_version(const VersionReading& v, Model) {
  Bytes b(kFrameSize, 0);
  // MW's frame (14.2) has "ic3mk1   *P190517*": the name fills bytes 0-8 and byte 9 is '*';
  // a 10-character name would take byte 9 itself.
  if (v.hardware.size() >= 10) {
    put_text(b, 0, 10, v.hardware);
  } else {
    put_text(b, 0, 9, v.hardware);
    b[9] = '*';
  }
  if (v.date_code.size() >= 8) {
    put_text(b, 10, 8, v.date_code);
  } else {
    put_text(b, 10, 7, v.date_code);
    b[17] = '*';
  }
  put_text(b, 18, 5, v.software);
  b[23] = v.separator;
  for (std::size_t i = 0; i < 4; ++i) {
    b[24 + i] = v.rom_checksum1[i];
    b[28 + i] = v.rom_checksum2[i];
  }
  return b;
}

Bytes encode_fault_stats(const FaultStatsReading& f, Model) {
  return Bytes(f.raw.begin(), f.raw.end());
}

Bytes encode_status_extra2(const StatusExtra2Reading& r, Model) {
  Bytes b(kFrameSize, 0);
  put_u16(b, 0, r.fan_speed_target_rpm);
  put_u16(b, 2, r.fan_speed_actual_rpm);
  for (std::size_t i = 0; i < 6; ++i) b[4 + i] = r.fan_raw[i];
  put_u16(b, 10, r.pump_speed_target_rpm);
  put_u16(b, 12, r.pump_speed_actual_rpm);
  for (std::size_t i = 0; i < 14; ++i) b[14 + i] = r.middle_raw[i];
  put_u16(b, 28, static_cast<std::uint16_t>(r.valve_position_target_steps));  // int16 LE
  put_u16(b, 30, static_cast<std::uint16_t>(r.valve_position_actual_steps));
  return b;
}

Bytes encode_data(const BoilerState& s, Command c) {
  switch (c) {
    case Command::status:
      return encode_status(s.status, s.model, s.status_xtreme_bytes_18_21);
    case Command::status_extra:
      return encode_status_extra(s.status_extra, s.model);
    case Command::diagnostics:
      return encode_diagnostics(s.diagnostics, s.model);
    case Command::counters:
      return encode_counters(s.counters, s.model);
    case Command::parameters:
      return encode_parameters(s.parameters, s.model);
    case Command::version:
      return encode_version(s.version, s.model);
    case Command::fault_stats:
      return encode_fault_stats(s.fault_stats, s.model);
    case Command::status_extra2:
      return encode_status_extra2(s.status_extra2, s.model);
  }
  return Bytes(kFrameSize, 0);
}

Bytes with_checksum(Bytes data, Command c, Model m) {
  if (uses_checksum(c, m)) data.push_back(xor_of(data));
  return data;
}

Bytes encode_reply(const BoilerState& s, Command c) {
  return with_checksum(encode_data(s, c), c, s.model);
}

}  // namespace intergas::sim
