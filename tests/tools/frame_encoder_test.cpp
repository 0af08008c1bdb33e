// The encoder against the frames of protocol.md 14 (tests/frames): each frame, read by the core's
// decoder and encoded again, must give back the published bytes, and each profile must answer
// with the frames it is built from.
#include "sim/frame_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/reading.h"
#include "sim/boiler_state.h"
#include "tests/frames/golden_frames.h"

namespace intergas::sim {
namespace {

using golden::RealFrame;

// A state answering `f.command` with what the decoder reads in `f`.
BoilerState state_of(const RealFrame& f) {
  BoilerState s;
  s.model = f.model;
  const Bytes data = f.data();
  switch (f.command) {
    case Command::status:
      s.status = decode_status(data, f.model);
      // Xtreme bytes 18-21 have no field (protocol.md 5.6): the state keeps them raw.
      std::copy(data.begin() + 18, data.begin() + 22, s.status_xtreme_bytes_18_21.begin());
      break;
    case Command::status_extra:
      s.status_extra = decode_status_extra(data, f.model);
      break;
    case Command::diagnostics:
      s.diagnostics = decode_diagnostics(data, f.model);
      break;
    case Command::counters:
      s.counters = decode_counters(data, f.model);
      break;
    case Command::parameters:
      s.parameters = decode_parameters(data, f.model);
      break;
    case Command::version:
      s.version = decode_version(data, f.model);
      break;
    case Command::fault_stats:
      s.fault_stats = decode_fault_stats(data, f.model);
      break;
    case Command::status_extra2:
      s.status_extra2 = decode_status_extra2(data, f.model);
      break;
  }
  return s;
}

class PublishedFrame : public ::testing::TestWithParam<RealFrame> {};

// Decoder and encoder agree on every byte of every layout, the XOR byte included.
TEST_P(PublishedFrame, DecodedAndEncodedAgainIsTheSameFrame) {
  const RealFrame& f = GetParam();
  const BoilerState s = state_of(f);
  EXPECT_EQ(to_hex(encode_data(s, f.command)), to_hex(f.data()));
  EXPECT_EQ(to_hex(encode_reply(s, f.command)), to_hex(f.bytes()));
}

INSTANTIATE_TEST_SUITE_P(Section14, PublishedFrame, ::testing::ValuesIn(golden::real_frames()),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(EncodeStatus, XtremeChecksumIsLcsByte) {
  const RealFrame& f = golden::real_frame(golden::kLcXtremeStatus);
  const Bytes reply = encode_reply(state_of(f), Command::status);
  ASSERT_EQ(reply.size(), 33u);
  EXPECT_EQ(reply.back(), 0x89);  // protocol.md 14.4: "XOR 0x89"
  const RealFrame& x = golden::real_frame(golden::kLcXtremeStatusExtra);
  EXPECT_EQ(encode_reply(state_of(x), Command::status_extra).back(), 0x0E);
}

TEST(EncodeVersion, IsNeverChecksummed) {
  // REV is never checksummed, not even on the Xtreme (protocol.md 3).
  BoilerState s = state_of(golden::real_frame(golden::kMwVersion));
  s.model = Model::xtreme;
  EXPECT_EQ(encode_reply(s, Command::version).size(), 32u);
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

// MW's standby frame (protocol.md 14.1) as a reading to change.
StatusReading mw_status() {
  return decode_status(golden::real_frame(golden::kMwStatus).data(), Model::hre);
}

TEST(EncodeStatus, AbsentTemperatureIsTheModelsSentinel) {
  StatusReading s = mw_status();
  s.supply_celsius.reset();
  s.outside_celsius.reset();
  const Bytes hre = encode_status(s, Model::hre);
  EXPECT_EQ(hre[2], 0x14);
  EXPECT_EQ(hre[3], 0xEC);  // -51.00
  const Bytes cw6 = encode_status(s, Model::cw6);
  EXPECT_EQ(cw6[2], 0x97);
  EXPECT_EQ(cw6[3], 0xF3);  // -31.77
  EXPECT_EQ(cw6[10], 0x96);
  EXPECT_EQ(cw6[11], 0xF3);  // -31.78 at t6, as in KH's frame (protocol.md 14.3)
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

// Which frame of the table each profile answers each command with (protocol.md 14): the
// profiles start from the table; hot_water and lockout change the status frame only.
struct ProfileFrames {
  const char* profile;
  // In Command order; nullptr: a changed frame (or, for status_extra2, none: only the Xtreme
  // answers D2).
  std::vector<const char*> frames;
};

class EncodeProfile : public ::testing::TestWithParam<ProfileFrames> {};

TEST_P(EncodeProfile, AnswersWithTheFramesItIsBuiltFrom) {
  BoilerState s;
  ASSERT_TRUE(make_profile(GetParam().profile, s));
  ASSERT_EQ(GetParam().frames.size(), static_cast<std::size_t>(kCommandCount));
  for (Command c : kAllCommands) {
    const char* hex = GetParam().frames[static_cast<std::size_t>(command_index(c))];
    const Bytes data = encode_data(s, c);
    const RealFrame* found = golden::find_frame(c, data);
    if (hex == nullptr) {
      EXPECT_EQ(found, nullptr) << command_name(c) << " is a changed frame";
      continue;
    }
    ASSERT_NE(found, nullptr) << command_name(c) << ": " << to_hex(data);
    EXPECT_EQ(found->name, golden::real_frame(hex).name) << command_name(c);
  }
}

const std::vector<const char*> kHreRest = {golden::kRbStatusExtra,
                                           golden::kRbDiagnostics,
                                           golden::kRbCounters,
                                           golden::kRbParameters,
                                           golden::kMwVersion,
                                           golden::kSyntheticFaultStats,
                                           nullptr};

std::vector<const char*> with(std::vector<const char*> first, std::vector<const char*> rest) {
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, EncodeProfile,
    ::testing::Values(ProfileFrames{"idle", with({golden::kMwStatus}, kHreRest)},
                      ProfileFrames{"heating", with({golden::kRbStatus}, kHreRest)},
                      ProfileFrames{"cw6", with({golden::kKhCw6Status}, kHreRest)},
                      ProfileFrames{
                          "xtreme",
                          with({golden::kLcXtremeStatus, golden::kLcXtremeStatusExtra},
                               {golden::kRbDiagnostics, golden::kRbCounters, golden::kRbParameters,
                                golden::kMwVersion, golden::kSyntheticFaultStats,
                                golden::kSyntheticXtremeStatusExtra2})},
                      ProfileFrames{"hot_water", with({nullptr, nullptr},
                                                      {golden::kRbDiagnostics, golden::kRbCounters,
                                                       golden::kRbParameters, golden::kMwVersion,
                                                       golden::kSyntheticFaultStats, nullptr})},
                      ProfileFrames{"lockout", with({nullptr, golden::kRbStatusExtra},
                                                    {golden::kRbDiagnostics, golden::kRbCounters,
                                                     golden::kRbParameters, golden::kMwVersion,
                                                     nullptr, nullptr})}),
    [](const auto& p) { return std::string(p.param.profile); });

}  // namespace
}  // namespace intergas::sim
