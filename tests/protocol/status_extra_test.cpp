#include "protocol/status_extra.h"

#include <gtest/gtest.h>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

// protocol.md 14.4 (LC issue #3, Xtreme 36).
TEST(DecodeStatusExtra, ReadsEveryFieldOfLcXtremeFrame) {
  const Bytes b = golden::frame(golden::kLcXtremeStatusExtra);
  ASSERT_EQ(b.size(), 33u);
  const StatusExtraReading r = decode_status_extra(ByteView(b).first(32), Model::xtreme);
  EXPECT_EQ(r.tap_flow_liters_per_minute, 0.0);
  EXPECT_EQ(r.pump_raw, 0x00);
  EXPECT_EQ(r.pump_pwm_ratio, 1.0);
  EXPECT_EQ(r.ot_master_member_id, 13);
  EXPECT_EQ(r.room_override_zone1_celsius, 0.0);
  EXPECT_EQ(r.room_setpoint_zone1_celsius, 19.00);
  EXPECT_EQ(r.room_zone1_celsius, 19.33);
  EXPECT_EQ(r.room_override_zone2_celsius, 0.0);
  EXPECT_EQ(r.room_setpoint_zone2_celsius, std::nullopt);  // 0x7FFF
  EXPECT_EQ(r.room_zone2_celsius, std::nullopt);
  EXPECT_EQ(r.outside_override_celsius, std::nullopt);
  EXPECT_EQ(r.ot_therm_prod_version, 15);
  EXPECT_EQ(r.ot_therm_prod_type, 57);
  const std::uint8_t tail[12] = {0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0x82,
                                 0x57, 0x57, 0x61, 0xF8, 0x9C, 0xD3};
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(r.tail[i], tail[i]) << "byte " << 20 + i;
}

// protocol.md 14.5: RB's pump_pwm 15.0 % from byte 170, tap flow 0.
TEST(DecodeStatusExtra, ReadsRbPumpAsInvertedPwm) {
  const StatusExtraReading r =
      decode_status_extra(golden::frame(golden::kRbStatusExtra), Model::hre);
  EXPECT_EQ(r.pump_raw, 170);
  EXPECT_EQ(r.pump_pwm_ratio, 0.15);
  EXPECT_EQ(r.tap_flow_liters_per_minute, 0.0);
  EXPECT_EQ(r.room_override_zone1_celsius, std::nullopt);
  EXPECT_EQ(r.room_setpoint_zone1_celsius, std::nullopt);
  EXPECT_EQ(r.room_zone1_celsius, std::nullopt);
  EXPECT_EQ(r.room_override_zone2_celsius, std::nullopt);
  EXPECT_EQ(r.room_setpoint_zone2_celsius, std::nullopt);
  EXPECT_EQ(r.room_zone2_celsius, std::nullopt);
  EXPECT_EQ(r.outside_override_celsius, std::nullopt);
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
  const Bytes base = golden::frame(golden::kLcXtremeStatusExtra);
  const StatusExtraReading a = decode_status_extra(ByteView(base).first(32), Model::xtreme);
  for (std::size_t i = 0; i < 32; ++i) {
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x01);
    EXPECT_NE(decode_status_extra(ByteView(changed).first(32), Model::xtreme), a) << "byte " << i;
  }
}

}  // namespace
}  // namespace intergas
