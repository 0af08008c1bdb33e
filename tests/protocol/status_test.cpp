#include "protocol/status.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "protocol/codes.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

// Writes fields into a 32-byte S? frame at the offsets of protocol.md 5.1.
class FrameBuilder {
 public:
  FrameBuilder& i16(std::size_t at, int v) {
    const auto u = static_cast<std::uint16_t>(v);
    b_[at] = static_cast<std::uint8_t>(u & 0xFF);
    b_[at + 1] = static_cast<std::uint8_t>(u >> 8);
    return *this;
  }
  FrameBuilder& u8(std::size_t at, std::uint8_t v) {
    b_[at] = v;
    return *this;
  }
  const Bytes& bytes() const { return b_; }

 private:
  Bytes b_ = Bytes(32, 0);
};

StatusReading decode_golden(const char* hex, Model m) {
  const Bytes b = golden::frame(hex);
  EXPECT_GE(b.size(), 32u) << hex;
  return decode_status(ByteView(b).first(32), m);
}

using golden::RealFrame;

template <typename T>
std::optional<double> as_double(const std::optional<T>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

// The member of a state set the source's decoding names is the one at 1.
void expect_member(const RealFrame& f, std::string_view set, std::string_view name) {
  ASSERT_TRUE(f.lists(set, name)) << set << " has no member " << name;
  EXPECT_EQ(f.value(set, name), 1.0) << set << "/" << name;
}

// Each S? frame of protocol.md 14 (MW, KH, LC, RB) against its source's own decoding: every
// field, every flag (LSB first, protocol.md 5.3), the status and burner state, the faults.
class PublishedStatus : public ::testing::TestWithParam<RealFrame> {};

TEST_P(PublishedStatus, DecodesAsItsSourceDid) {
  const RealFrame& f = GetParam();
  const Bytes data = f.data();
  const StatusReading r = decode_status(data, f.model);
  EXPECT_EQ(r.heat_exchanger_celsius, f.value("temperature_celsius", "heat_exchanger"));
  EXPECT_EQ(r.supply_celsius, f.value("temperature_celsius", "supply"));
  EXPECT_EQ(r.return_celsius, f.value("temperature_celsius", "return"));
  EXPECT_EQ(r.dhw_celsius, f.value("temperature_celsius", "dhw"));
  EXPECT_EQ(r.boiler_celsius, f.value("temperature_celsius", "boiler"));
  EXPECT_EQ(r.outside_celsius, f.value("temperature_celsius", "outside"));
  EXPECT_EQ(r.flue_celsius, f.value("temperature_celsius", "flue"));
  EXPECT_EQ(r.pressure_bar, f.value("pressure_bar", ""));
  EXPECT_EQ(r.setpoint_ch_celsius, f.value("setpoint_celsius", "ch"));
  EXPECT_EQ(as_double(r.fan_speed_target_rpm), f.value("fan_speed_rpm", "target"));
  EXPECT_EQ(as_double(r.fan_speed_actual_rpm), f.value("fan_speed_rpm", "actual"));
  EXPECT_EQ(r.fan_pwm_ratio, f.value("pwm_ratio", "fan"));
  EXPECT_EQ(std::optional<double>(r.ionisation_current_amperes),
            f.value("ionisation_current_amperes", ""));
  EXPECT_EQ(std::optional<double>(r.status_code), f.value("status_code", ""));
  for (int i = 0; i < kFlagCount; ++i) {
    const Flag flag = static_cast<Flag>(i);
    EXPECT_EQ(std::optional<double>(r.flag(flag) ? 1.0 : 0.0), f.value("flag", flag_name(flag)))
        << flag_name(flag);
  }
  expect_member(f, "status", status_name(r.status_code));
  expect_member(f, "burner_state", burner_state_name(r.burner_state_raw));
  EXPECT_EQ(std::optional<double>(r.is_lockout() ? 1.0 : 0.0), f.value("fault_active", ""));
  EXPECT_EQ(as_double(r.current_fault()), f.value("fault_code", "current"));
  EXPECT_EQ(as_double(r.last_fault()), f.value("fault_code", "last"));
  // The bytes kept raw are the frame's own.
  EXPECT_EQ(r.rf_status, data[25]);
  EXPECT_EQ(r.heat_demand_flags, data[26]);
  EXPECT_EQ(r.burner_state_raw, data[27]);
  EXPECT_EQ(r.burner_flags, data[28]);
  EXPECT_EQ(r.fault_code_raw, data[29]);
  EXPECT_EQ(r.byte30, data[30]);
  EXPECT_EQ(r.byte31, data[31]);
}

INSTANTIATE_TEST_SUITE_P(Section14, PublishedStatus,
                         ::testing::ValuesIn(golden::frames_answering(Command::status)),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(DecodeStatus, Cw6FrameReadAsHreHidesItsOpenSensorsToo) {
  // The plain framing does not tell a CW6 from an HRE: its open-sensor value (-31.77, KH's frame,
  // protocol.md 4.2) is unknown whichever plain-framing Model is set.
  for (Model m : {Model::hre, Model::cw6}) {
    const StatusReading r = decode_golden(golden::kKhCw6Status, m);
    EXPECT_FALSE(r.boiler_celsius.has_value()) << model_name(m);
    EXPECT_FALSE(r.outside_celsius.has_value()) << model_name(m);
  }
  // The Xtreme's bound stays at -50 C: its frames carry the XOR and the other layout.
  EXPECT_EQ(decode_golden(golden::kKhCw6Status, Model::xtreme).boiler_celsius, -31.77);
}

TEST(DecodeStatus, XtremeLayoutIgnoresBytes18To21) {
  Bytes a = golden::frame(golden::kLcXtremeStatus);
  Bytes b = a;
  for (std::size_t i = 18; i < 22; ++i) b[i] = 0x01;  // 257 rpm, 25.7 %: in range on an HRE
  EXPECT_EQ(decode_status(ByteView(a).first(32), Model::xtreme),
            decode_status(ByteView(b).first(32), Model::xtreme));
  EXPECT_NE(decode_status(ByteView(a).first(32), Model::hre),
            decode_status(ByteView(b).first(32), Model::hre));
}

// protocol.md 14.5: RB's burning sample, built from the documented layout.
FrameBuilder rb_status_frame() {
  FrameBuilder f;
  f.i16(0, 6997).i16(2, 4759).i16(4, 3657).i16(6, 2667).i16(8, -5100).i16(10, -5100);
  f.i16(12, 170).i16(14, 5000).i16(16, 1340).i16(18, 1340).i16(20, 82).i16(22, 733);
  f.u8(24, 0).u8(25, 0).u8(26, 0x98).u8(27, 0x20).u8(28, 0x25).u8(29, 0xFF).u8(30, 0).u8(31, 0xFF);
  return f;
}

TEST(DecodeStatus, RbBuiltFrameMatchesTheGoldenHex) {
  EXPECT_EQ(to_hex(rb_status_frame().bytes()), to_hex(golden::frame(golden::kRbStatus)));
}

// One set bit at a time: flag i is bit i of byte 26 for i < 8, bit i-8 of byte 28 after.
class SingleFlag : public ::testing::TestWithParam<int> {};

TEST_P(SingleFlag, MapsToItsBitAndNoOther) {
  const int index = GetParam();
  FrameBuilder f;
  f.u8(index < 8 ? 26 : 28, static_cast<std::uint8_t>(1u << (index % 8)));
  const StatusReading r = decode_status(f.bytes(), Model::hre);
  for (int i = 0; i < kFlagCount; ++i) {
    EXPECT_EQ(r.flag(static_cast<Flag>(i)), i == index) << flag_name(static_cast<Flag>(i));
  }
}

INSTANTIATE_TEST_SUITE_P(AllFlags, SingleFlag, ::testing::Range(0, kFlagCount));

TEST(FlagName, UsesTheMetricLabels) {
  EXPECT_EQ(flag_name(Flag::gp_switch), "gp_switch");
  EXPECT_EQ(flag_name(Flag::opentherm), "opentherm");
  EXPECT_EQ(flag_name(Flag::gasvalve), "gasvalve");
  EXPECT_EQ(flag_name(Flag::low_water_pressure), "low_water_pressure");
  EXPECT_EQ(flag_name(Flag::grad_flag), "grad_flag");
}

TEST(DecodeStatus, ReadsNegativeTemperatures) {
  FrameBuilder f;
  f.u8(0, 0xF3).u8(1, 0xFD);  // 0xFDF3 = -525
  f.i16(2, -4999);            // just above the Xtreme's open-sensor threshold
  f.i16(4, -5000);            // at the threshold: open
  const StatusReading r = decode_status(f.bytes(), Model::xtreme);
  EXPECT_EQ(r.heat_exchanger_celsius, -5.25);
  EXPECT_EQ(r.supply_celsius, -49.99);
  EXPECT_EQ(r.return_celsius, std::nullopt);
  // Plain framing: the CW6's -30 C bound on every model (protocol.md 4.2).
  EXPECT_EQ(decode_status(f.bytes(), Model::hre).heat_exchanger_celsius, -5.25);
  EXPECT_EQ(decode_status(f.bytes(), Model::hre).supply_celsius, std::nullopt);
}

TEST(DecodeStatus, Cw6ThresholdIsMinusThirty) {
  FrameBuilder f;
  f.i16(0, -2999).i16(2, -3000);
  const StatusReading r = decode_status(f.bytes(), Model::cw6);
  EXPECT_EQ(r.heat_exchanger_celsius, -29.99);
  EXPECT_EQ(r.supply_celsius, std::nullopt);
}

TEST(DecodeStatus, NotAvailableSentinelIsAbsent) {
  FrameBuilder f;
  f.i16(0, 0x7FFF).i16(6, 0x7FFF).i16(12, 0x7FFF).u8(28, 0x20).i16(2, 0x7FFE);
  const StatusReading r = decode_status(f.bytes(), Model::hre);
  EXPECT_EQ(r.heat_exchanger_celsius, std::nullopt);
  EXPECT_EQ(r.dhw_celsius, std::nullopt);
  EXPECT_EQ(r.pressure_bar, std::nullopt);
  EXPECT_EQ(r.supply_celsius, std::nullopt);  // 327.66 C: outside -55..130 C, unknown
}

TEST(DecodeStatus, PressureNeedsTheSensorFlag) {
  FrameBuilder f;
  f.i16(12, 149);
  EXPECT_EQ(decode_status(f.bytes(), Model::hre).pressure_bar, std::nullopt);
  f.u8(28, 0x20);
  EXPECT_EQ(decode_status(f.bytes(), Model::hre).pressure_bar, 1.49);
  f.u8(28, 0xDF);  // every other burner flag, not the sensor
  EXPECT_EQ(decode_status(f.bytes(), Model::hre).pressure_bar, std::nullopt);
}

TEST(DecodeStatus, ReadsFullRangeFanFields) {
  FrameBuilder f;
  f.u8(16, 0xFF).u8(17, 0xFF).i16(18, 4899).i16(20, 337);
  const StatusReading r = decode_status(f.bytes(), Model::hre);
  EXPECT_EQ(r.fan_speed_target_rpm, std::nullopt);  // 65535 (unsigned): above 10000 rpm, unknown
  EXPECT_EQ(r.fan_speed_actual_rpm, 4899);
  EXPECT_EQ(r.fan_pwm_ratio, 0.337);
}

TEST(DecodeStatus, LockoutReportsTheFaultOfByte29) {
  FrameBuilder f;
  f.u8(27, 128).u8(29, 4);
  StatusReading r = decode_status(f.bytes(), Model::hre);
  EXPECT_TRUE(r.is_lockout());
  EXPECT_EQ(r.current_fault(), 4);
  EXPECT_EQ(r.last_fault(), 4);

  f.u8(29, 0);  // F00 is a fault, not "no fault" (protocol.md 5.5, IC PR #32)
  r = decode_status(f.bytes(), Model::hre);
  EXPECT_EQ(r.current_fault(), 0);
  EXPECT_EQ(r.last_fault(), 0);

  f.u8(27, 64);  // lockout over: the fault stays latched as the last one
  r = decode_status(f.bytes(), Model::hre);
  EXPECT_FALSE(r.is_lockout());
  EXPECT_EQ(r.current_fault(), std::nullopt);
  EXPECT_EQ(r.last_fault(), 0);

  f.u8(27, 128).u8(29, 0xFF);  // lockout without a fault number
  r = decode_status(f.bytes(), Model::hre);
  EXPECT_TRUE(r.is_lockout());
  EXPECT_EQ(r.current_fault(), std::nullopt);
  EXPECT_EQ(r.last_fault(), std::nullopt);
}

TEST(DecodeStatus, OnlyBurnerState128IsLockout) {
  FrameBuilder f;
  f.u8(27, 0x81).u8(29, 3);
  EXPECT_FALSE(decode_status(f.bytes(), Model::hre).is_lockout());
}

TEST(DecodeStatus, EqualityNoticesEveryByte) {
  const Bytes base = golden::frame(golden::kRbStatus);
  const StatusReading a = decode_status(base, Model::hre);
  for (std::size_t i = 0; i < 32; ++i) {
    if (i >= 8 && i < 12) continue;  // t5/t6 are open (-51.00): a change there stays "absent"
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x01);
    EXPECT_NE(decode_status(changed, Model::hre), a) << "byte " << i;
  }
  EXPECT_EQ(decode_status(base, Model::hre), a);
}

TEST(DecodeStatus, ShortViewGivesAnEmptyReadingWithoutReading) {
  const Bytes b(31, 0x11);
  EXPECT_EQ(decode_status(b, Model::hre), StatusReading{});
}

}  // namespace
}  // namespace intergas
