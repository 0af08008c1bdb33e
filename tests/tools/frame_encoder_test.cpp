// Golden frames of protocol.md 14, built from readings by hand and encoded: the bytes must be
// exactly the published ones. No decoder is involved.
#include "sim/frame_encoder.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/bytes.h"
#include "sim/boiler_state.h"

namespace intergas::sim {
namespace {

Bytes hex(const std::string& text) {
  Bytes b;
  EXPECT_TRUE(parse_hex(text, b)) << text;
  return b;
}

// MW's HRE standby frame (protocol.md 14.1).
const char* const kMwStatus =
    "BC 0F CD 0F D4 0F 4E 0D 14 EC 14 EC 95 00 00 00 00 00 00 00 00 00 00 00 7E 00 80 40 20 FF 00 "
    "FF";
// MW's REV (14.2).
const char* const kMwVersion =
    "69 63 33 6D 6B 31 20 20 20 2A 50 31 39 30 35 31 37 2A 56 32 2E 35 33 2D 49 6B B6 94 D2 5F 2D "
    "A0";
// LC's Xtreme S? and S2 with their XOR bytes (14.4).
const char* const kLcStatus =
    "BB.11.92.0E.14.EC.8B.0E.14.EC.41.0C.79.00.00.00.34.08.14.EC.81.3E.00.00.7E.00.90.40.20.04.00."
    "FF.89";
const char* const kLcStatusExtra =
    "00.00.00.0D.00.00.6C.07.8D.07.00.00.FF.7F.FF.7F.FF.7F.0F.39.FF.00.FF.FF.FF.82.57.57.61.F8.9C."
    "D3.0E";
// RB's reconstructed HN (14.5).
const char* const kRbCounters =
    "3B 48 16 04 09 0F F6 00 D4 CC 04 00 01 00 03 00 58 70 35 03 E6 35 4F 00 09 E3 F4 37 0B 00 00 "
    "00";
// KH/K3's CW6 idle frame (14.3).
const char* const kKhCw6Status =
    "65 0C 50 0C 46 0C 77 0A 97 F3 96 F3 58 02 00 00 00 00 00 00 00 00 00 00 7E 00 41 40 00 FF 00 "
    "FF";

StatusReading mw_status() {
  StatusReading s;
  s.heat_exchanger_celsius = 40.28;
  s.supply_celsius = 40.45;
  s.return_celsius = 40.52;
  s.dhw_celsius = 34.06;
  s.pressure_bar = 1.49;
  s.setpoint_ch_celsius = 0.0;
  s.fan_speed_target_rpm = 0;
  s.fan_speed_actual_rpm = 0;
  s.fan_pwm_ratio = 0.0;
  s.status_code = 126;
  s.heat_demand_flags = 0x80;
  s.burner_state_raw = 0x40;
  s.burner_flags = 0x20;
  s.fault_code_raw = 0xFF;
  s.byte30 = 0x00;
  s.byte31 = 0xFF;
  return s;
}

TEST(EncodeStatus, MwHreStandbyFrame) {
  EXPECT_EQ(encode_status(mw_status(), Model::hre), hex(kMwStatus));
}

TEST(EncodeStatus, LcXtremeFrameWithChecksum) {
  StatusReading s;
  s.heat_exchanger_celsius = 45.39;
  s.supply_celsius = 37.30;
  s.dhw_celsius = 37.23;
  s.flue_celsius = 31.37;
  s.pressure_bar = 1.21;
  s.setpoint_ch_celsius = 0.0;
  s.outside_celsius = 21.00;
  s.status_code = 126;
  s.heat_demand_flags = 0x90;
  s.burner_state_raw = 0x40;
  s.burner_flags = 0x20;
  s.fault_code_raw = 0x04;
  s.byte31 = 0xFF;
  const Bytes data = encode_status(s, Model::xtreme, {0x14, 0xEC, 0x81, 0x3E});
  const Bytes reply = with_checksum(data, Command::status, Model::xtreme);
  ASSERT_EQ(reply.size(), 33u);
  EXPECT_EQ(reply.back(), 0x89);
  EXPECT_EQ(reply, hex(kLcStatus));
}

TEST(EncodeStatusExtra, LcXtremeFrameWithChecksum) {
  StatusExtraReading s;
  s.tap_flow_liters_per_minute = 0.0;
  s.pump_raw = 0;
  s.ot_master_member_id = 13;
  s.room_override_zone1_celsius = 0.0;
  s.room_setpoint_zone1_celsius = 19.00;
  s.room_zone1_celsius = 19.33;
  s.room_override_zone2_celsius = 0.0;
  s.ot_therm_prod_version = 15;
  s.ot_therm_prod_type = 0x39;
  const std::uint8_t tail[12] = {0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0x82,
                                 0x57, 0x57, 0x61, 0xF8, 0x9C, 0xD3};
  for (int i = 0; i < 12; ++i) s.tail[i] = tail[i];
  const Bytes reply =
      with_checksum(encode_status_extra(s, Model::xtreme), Command::status_extra, Model::xtreme);
  ASSERT_EQ(reply.size(), 33u);
  EXPECT_EQ(reply.back(), 0x0E);
  EXPECT_EQ(reply, hex(kLcStatusExtra));
}

TEST(EncodeVersion, MwRevFrame) {
  VersionReading v;
  v.hardware = "ic3mk1";
  v.date_code = "P190517";
  v.software = "V2.53";
  v.separator = '-';
  const std::uint8_t rom1[4] = {0x49, 0x6B, 0xB6, 0x94}, rom2[4] = {0xD2, 0x5F, 0x2D, 0xA0};
  for (int i = 0; i < 4; ++i) {
    v.rom_checksum1[i] = rom1[i];
    v.rom_checksum2[i] = rom2[i];
  }
  EXPECT_EQ(encode_version(v, Model::hre), hex(kMwVersion));
  // REV is never checksummed, not even on the Xtreme (protocol.md 3).
  EXPECT_EQ(with_checksum(encode_version(v, Model::xtreme), Command::version, Model::xtreme).size(),
            32u);
}

TEST(EncodeCounters, RbReconstructedFrame) {
  CountersReading c;
  c.powered_hours = 18491;
  c.power_losses = 1046;
  c.ch_hours = 3849;
  c.dhw_hours = 246;
  c.burner_starts = 52436;
  c.ignition_failures = 4;
  c.flame_losses = 1;
  c.resets = 3;
  c.gas_ch_decilitres = 53833816;   // 5383.3816 m3
  c.gas_dhw_decilitres = 5191142;   // 519.1142 m3
  c.dhw_water_decilitres = 779017;  // 77.9017 m3
  c.dhw_burner_starts = 14324;
  EXPECT_EQ(encode_counters(c, Model::hre), hex(kRbCounters));
}

TEST(EncodeCounters, HighBytesGoToTheEnd) {
  CountersReading c;
  c.powered_hours = 0x01ABCD;
  c.burner_starts = 0x02BEEF;
  c.dhw_water_decilitres = 0x030102;
  c.dhw_burner_starts = 0x040304;
  const Bytes b = encode_counters(c, Model::hre);
  EXPECT_EQ(b[0], 0xCD);
  EXPECT_EQ(b[1], 0xAB);
  EXPECT_EQ(b[30], 0x01);
  EXPECT_EQ(b[8], 0xEF);
  EXPECT_EQ(b[9], 0xBE);
  EXPECT_EQ(b[31], 0x02);
  EXPECT_EQ(b[24], 0x02);
  EXPECT_EQ(b[25], 0x01);
  EXPECT_EQ(b[28], 0x03);
  EXPECT_EQ(b[26], 0x04);
  EXPECT_EQ(b[27], 0x03);
  EXPECT_EQ(b[29], 0x04);
}

TEST(EncodeParameters, SignedBytes) {
  ParametersReading p;
  p.values[13] = -7;  // RB's param 6 (protocol.md 11)
  p.values[2] = 50;
  p.unused = 0xAA;
  const Bytes b = encode_parameters(p, Model::hre);
  EXPECT_EQ(b[13], 0xF9);
  EXPECT_EQ(b[2], 50);
  EXPECT_EQ(b[31], 0xAA);
}

TEST(EncodeStatus, AbsentTemperatureIsTheModelsSentinel) {
  StatusReading s = mw_status();
  s.supply_celsius.reset();
  const Bytes hre = encode_status(s, Model::hre);
  EXPECT_EQ(hre[2], 0x14);
  EXPECT_EQ(hre[3], 0xEC);  // -51.00
  const Bytes cw6 = encode_status(s, Model::cw6);
  EXPECT_EQ(cw6[2], 0x97);
  EXPECT_EQ(cw6[3], 0xF3);  // -31.77
}

TEST(EncodeStatus, PressureFlagAgreesWithPressure) {
  StatusReading s = mw_status();
  s.burner_flags = 0x01;  // flag clear in the raw byte, but a pressure is known
  EXPECT_EQ(encode_status(s, Model::hre)[28], 0x21);
  s.pressure_bar.reset();
  s.burner_flags = 0x25;  // flag set in the raw byte, but no pressure
  const Bytes b = encode_status(s, Model::hre);
  EXPECT_EQ(b[28], 0x05);
}

TEST(EncodeStatus, RoundsAndWritesNegativesAsTwosComplement) {
  StatusReading s = mw_status();
  s.dhw_celsius = -0.01;
  s.ionisation_current_amperes = 7.33e-6;
  s.fan_pwm_ratio = 0.082;
  s.fan_speed_target_rpm = 1340;
  const Bytes b = encode_status(s, Model::hre);
  EXPECT_EQ(b[6], 0xFF);
  EXPECT_EQ(b[7], 0xFF);
  EXPECT_EQ(read_u16le(b, 22), 733);
  EXPECT_EQ(read_u16le(b, 20), 82);
  EXPECT_EQ(read_u16le(b, 16), 1340);
}

TEST(EncodeStatus, XtremeLeavesFanFieldsOut) {
  StatusReading s = mw_status();
  s.fan_speed_target_rpm = 1340;
  s.fan_speed_actual_rpm = 1340;
  s.fan_pwm_ratio = 0.5;
  s.return_celsius.reset();
  const Bytes b = encode_status(s, Model::xtreme);
  EXPECT_EQ(read_u16le(b, 4), 0xEC14);  // no return sensor
  for (std::size_t i = 18; i < 22; ++i) EXPECT_EQ(b[i], 0) << i;
}

TEST(EncodeStatusExtra, AbsentValuesAre7FFF) {
  StatusExtraReading s;
  const Bytes b = encode_status_extra(s, Model::hre);
  for (std::size_t at = 4; at < 18; at += 2) EXPECT_EQ(read_u16le(b, at), 0x7FFF) << at;
}

TEST(EncodeReply, ChecksumOnlyWhereTheModelChecks) {
  BoilerState hre, xtreme;
  ASSERT_TRUE(make_profile("idle", hre));
  ASSERT_TRUE(make_profile("xtreme", xtreme));
  for (Command c : kAllCommands) {
    EXPECT_EQ(encode_reply(hre, c).size(), 32u) << command_name(c);
    const Bytes r = encode_reply(xtreme, c);
    EXPECT_EQ(r.size(), c == Command::version ? 32u : 33u) << command_name(c);
    if (r.size() == 33) {
      EXPECT_EQ(r[32], xor_of(ByteView(r.data(), 32))) << command_name(c);
    }
  }
}

TEST(EncodeProfile, ProfilesReproduceThePublishedFrames) {
  BoilerState s;
  ASSERT_TRUE(make_profile("idle", s));
  EXPECT_EQ(encode_reply(s, Command::status), hex(kMwStatus));
  EXPECT_EQ(encode_reply(s, Command::version), hex(kMwVersion));
  ASSERT_TRUE(make_profile("xtreme", s));
  EXPECT_EQ(encode_reply(s, Command::status), hex(kLcStatus));
  EXPECT_EQ(encode_reply(s, Command::status_extra), hex(kLcStatusExtra));
  ASSERT_TRUE(make_profile("cw6", s));
  Bytes kh = hex(kKhCw6Status);
  kh[10] = 0x97;  // KH's t6 is F396 (-31.78); the encoder's one CW6 sentinel is F397
  EXPECT_EQ(encode_reply(s, Command::status), kh);
}

}  // namespace
}  // namespace intergas::sim
