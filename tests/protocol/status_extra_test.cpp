#include "protocol/status_extra.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using golden::RealFrame;

// Each S2 frame of protocol.md 14 (LC's Xtreme frame, RB's built one) against its source's
// decoding; 0x7FFF fields are absent.
class PublishedStatusExtra : public ::testing::TestWithParam<RealFrame> {};

TEST_P(PublishedStatusExtra, DecodesAsItsSourceDid) {
  const RealFrame& f = GetParam();
  const Bytes data = f.data();
  const StatusExtraReading r = decode_status_extra(data, f.model);
  EXPECT_EQ(r.tap_flow_liters_per_minute, f.value("tap_flow_liters_per_minute", ""));
  EXPECT_EQ(r.pump_pwm_ratio, f.value("pwm_ratio", "pump"));
  EXPECT_EQ(r.room_override_zone1_celsius, f.value("setpoint_celsius", "room_override_zone1"));
  EXPECT_EQ(r.room_setpoint_zone1_celsius, f.value("setpoint_celsius", "room_zone1"));
  EXPECT_EQ(r.room_zone1_celsius, f.value("temperature_celsius", "room_zone1"));
  EXPECT_EQ(r.room_override_zone2_celsius, f.value("setpoint_celsius", "room_override_zone2"));
  EXPECT_EQ(r.room_setpoint_zone2_celsius, f.value("setpoint_celsius", "room_zone2"));
  EXPECT_EQ(r.room_zone2_celsius, f.value("temperature_celsius", "room_zone2"));
  EXPECT_EQ(r.outside_override_celsius, f.value("temperature_celsius", "outside_override"));
  // The bytes kept raw are the frame's own.
  EXPECT_EQ(r.pump_raw, data[2]);
  EXPECT_EQ(r.ot_master_member_id, data[3]);
  EXPECT_EQ(r.ot_therm_prod_version, data[18]);
  EXPECT_EQ(r.ot_therm_prod_type, data[19]);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(r.tail[i], data[20 + i]) << "byte " << 20 + i;
}

INSTANTIATE_TEST_SUITE_P(Section14, PublishedStatusExtra,
                         ::testing::ValuesIn(golden::frames_answering(Command::status_extra)),
                         [](const auto& p) { return std::string(p.param.name); });

// protocol.md 14.4: LC's log prints the OpenTherm ids as master 13, thermostat version 15, type 57.
TEST(DecodeStatusExtra, ReadsLcOpenThermIds) {
  const StatusExtraReading r =
      decode_status_extra(golden::real_frame(golden::kLcXtremeStatusExtra).data(), Model::xtreme);
  EXPECT_EQ(r.ot_master_member_id, 13);
  EXPECT_EQ(r.ot_therm_prod_version, 15);
  EXPECT_EQ(r.ot_therm_prod_type, 57);
}

struct PumpRow {
  std::uint8_t raw;
  std::optional<double> ratio;
};

class PumpPwm : public ::testing::TestWithParam<PumpRow> {};

TEST_P(PumpPwm, IsTwoHundredMinusByteOverTwoHundred) {
  Bytes b(32, 0);
  b[2] = GetParam().raw;
  EXPECT_EQ(decode_status_extra(b, Model::hre).pump_pwm_ratio, GetParam().ratio);
}

// PM's log: 0xC8 -> 0 %, 0x78 -> 40 %; above 200 is no duty cycle.
INSTANTIATE_TEST_SUITE_P(Pm, PumpPwm,
                         ::testing::Values(PumpRow{200, 0.0}, PumpRow{120, 0.4}, PumpRow{0, 1.0},
                                           PumpRow{201, std::nullopt}, PumpRow{255, std::nullopt}));

TEST(DecodeStatusExtra, ReadsNegativeAndPositiveHundredths) {
  Bytes b(32, 0);
  b[0] = 0x38;  // 0x0238 = 5.68 l/min (PM log)
  b[1] = 0x02;
  b[16] = 0xF3;  // 0xFDF3 = -5.25 C outside override
  b[17] = 0xFD;
  const StatusExtraReading r = decode_status_extra(b, Model::hre);
  EXPECT_EQ(r.tap_flow_liters_per_minute, 5.68);
  EXPECT_EQ(r.outside_override_celsius, -5.25);
}

TEST(DecodeStatusExtra, EqualityNoticesEveryByte) {
  Bytes base = golden::frame(golden::kLcXtremeStatusExtra);
  // Room fields at 13.28 C (0x0530) instead of 0x7FFF, so a flipped bit stays in range and known.
  for (std::size_t i = 4; i < 18; i += 2) {
    base[i] = 0x30;
    base[i + 1] = 0x05;
  }
  const StatusExtraReading a = decode_status_extra(ByteView(base).first(32), Model::xtreme);
  for (std::size_t i = 0; i < 32; ++i) {
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x01);
    EXPECT_NE(decode_status_extra(ByteView(changed).first(32), Model::xtreme), a) << "byte " << i;
  }
}

}  // namespace
}  // namespace intergas
