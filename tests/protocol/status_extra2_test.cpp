#include "protocol/status_extra2.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/command.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using golden::RealFrame;

// Each D2 row of the frames table against the values written there by hand from LC's layout
// (protocol.md 12.4; no capture exists, 14.8).
class TableStatusExtra2 : public ::testing::TestWithParam<RealFrame> {};

TEST_P(TableStatusExtra2, DecodesAsTheTableSays) {
  const RealFrame& f = GetParam();
  const Bytes data = f.data();
  const StatusExtra2Reading r = decode_status_extra2(data, f.model);
  EXPECT_EQ(r.fan_speed_target_rpm, f.value("fan_speed_rpm", "target"));
  EXPECT_EQ(r.fan_speed_actual_rpm, f.value("fan_speed_rpm", "actual"));
  EXPECT_EQ(r.pump_speed_target_rpm, f.value("pump_speed_rpm", "target"));
  EXPECT_EQ(r.pump_speed_actual_rpm, f.value("pump_speed_rpm", "actual"));
  EXPECT_EQ(r.valve_position_target_steps, f.value("valve_position_steps", "target"));
  EXPECT_EQ(r.valve_position_actual_steps, f.value("valve_position_steps", "actual"));
  // The undecoded bytes are the frame's own.
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(r.fan_raw[i], data[4 + i]) << "byte " << 4 + i;
  for (std::size_t i = 0; i < 14; ++i) {
    EXPECT_EQ(r.middle_raw[i], data[14 + i]) << "byte " << 14 + i;
  }
}

INSTANTIATE_TEST_SUITE_P(Section14, TableStatusExtra2,
                         ::testing::ValuesIn(golden::frames_answering(Command::status_extra2)),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(DecodeStatusExtra2, TheTableHasARow) {
  EXPECT_FALSE(golden::frames_answering(Command::status_extra2).empty());
}

// Worked by hand: LC reads the stepper positions as int16, so FF FF is -1 and 00 80 is -32768;
// the speeds are unsigned like the S? fan (protocol.md 4.3): FF FF is 65535 rpm.
TEST(DecodeStatusExtra2, SpeedsUnsignedPositionsSigned) {
  Bytes b(32, 0x00);
  b[0] = 0xFF;
  b[1] = 0xFF;
  b[12] = 0x10;
  b[13] = 0x27;  // 0x2710 = 10000
  b[28] = 0xFF;
  b[29] = 0xFF;
  b[30] = 0x00;
  b[31] = 0x80;
  const StatusExtra2Reading r = decode_status_extra2(b, Model::xtreme);
  EXPECT_EQ(r.fan_speed_target_rpm, 65535);
  EXPECT_EQ(r.fan_speed_actual_rpm, 0);
  EXPECT_EQ(r.pump_speed_actual_rpm, 10000);
  EXPECT_EQ(r.valve_position_target_steps, -1);
  EXPECT_EQ(r.valve_position_actual_steps, -32768);
}

// Every byte is either decoded or kept: changing any one changes the reading.
TEST(DecodeStatusExtra2, EveryByteCounts) {
  const Bytes base = golden::real_frame(golden::kSyntheticXtremeStatusExtra2).data();
  const StatusExtra2Reading a = decode_status_extra2(base, Model::xtreme);
  for (std::size_t i = 0; i < 32; ++i) {
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x01);
    EXPECT_NE(decode_status_extra2(changed, Model::xtreme), a) << "byte " << i;
  }
}

TEST(DecodeStatusExtra2, ShortViewGivesAnEmptyReading) {
  const Bytes b(31, 0xAB);
  EXPECT_EQ(decode_status_extra2(b, Model::xtreme), StatusExtra2Reading{});
}

}  // namespace
}  // namespace intergas
