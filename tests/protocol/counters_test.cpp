#include "protocol/counters.h"

#include <gtest/gtest.h>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

// protocol.md 14.5: the HN frame reconstructed from RB's decoded values, against those values
// (the table holds them as dispatched: hours in seconds, 0.1 L units in whole litres).
TEST(DecodeCounters, ReadsEveryFieldOfRbFrame) {
  const golden::RealFrame& f = golden::real_frame(golden::kRbCounters);
  const CountersReading r = decode_counters(f.data(), Model::hre);
  auto want = [&f](std::string_view type, std::string_view instance) {
    return f.value(type, instance).value_or(-1);
  };
  EXPECT_EQ(r.powered_hours * 3600.0, want("operation_seconds", "powered"));
  EXPECT_EQ(r.ch_hours * 3600.0, want("operation_seconds", "ch"));
  EXPECT_EQ(r.dhw_hours * 3600.0, want("operation_seconds", "dhw"));
  EXPECT_EQ(r.power_losses, want("events", "power_loss"));
  EXPECT_EQ(r.burner_starts, want("burner_starts", "all"));
  EXPECT_EQ(r.ignition_failures, want("events", "ignition_failure"));
  EXPECT_EQ(r.flame_losses, want("events", "flame_loss"));
  EXPECT_EQ(r.resets, want("events", "reset"));
  EXPECT_EQ(r.gas_ch_decilitres / 10, want("gas_liters", "ch"));    // 5383.3816 m3
  EXPECT_EQ(r.gas_ch_decilitres % 10, 6u);                          // its last digit
  EXPECT_EQ(r.gas_dhw_decilitres / 10, want("gas_liters", "dhw"));  // 519.1142 m3
  EXPECT_EQ(r.gas_dhw_decilitres % 10, 2u);
  EXPECT_EQ(r.dhw_water_decilitres / 10, want("dhw_water_liters", ""));  // 77.9017 m3
  EXPECT_EQ(r.dhw_water_decilitres % 10, 7u);                            // 0xE309 + 0x0B << 16
  EXPECT_EQ(r.dhw_burner_starts, want("burner_starts", "dhw"));
}

// Each split counter takes its high byte from the end of the frame (protocol.md 9); EB/HT
// wrap at 65535 without it.
struct HighByteRow {
  std::size_t high_offset;
  std::uint32_t CountersReading::*field;
  std::uint32_t expected;
};

class CounterHighByte : public ::testing::TestWithParam<HighByteRow> {};

TEST_P(CounterHighByte, ExtendsTheCounterPast65535) {
  Bytes b = golden::frame(golden::kRbCounters);
  b[GetParam().high_offset] = 0x02;
  const CountersReading r = decode_counters(b, Model::hre);
  EXPECT_EQ(r.*(GetParam().field), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Rb, CounterHighByte,
    ::testing::Values(HighByteRow{30, &CountersReading::powered_hours, 18491u + 0x20000u},
                      HighByteRow{31, &CountersReading::burner_starts, 52436u + 0x20000u},
                      HighByteRow{28, &CountersReading::dhw_water_decilitres, 58121u + 0x20000u},
                      HighByteRow{29, &CountersReading::dhw_burner_starts, 14324u + 0x20000u}));

TEST(DecodeCounters, ReadsFullWidthMeters) {
  Bytes b(32, 0xFF);
  const CountersReading r = decode_counters(b, Model::xtreme);
  EXPECT_EQ(r.powered_hours, 0xFFFFFFu);
  EXPECT_EQ(r.burner_starts, 0xFFFFFFu);
  EXPECT_EQ(r.gas_ch_decilitres, 0xFFFFFFFFu);
  EXPECT_EQ(r.gas_dhw_decilitres, 0xFFFFFFFFu);
  EXPECT_EQ(r.dhw_water_decilitres, 0xFFFFFFu);
  EXPECT_EQ(r.dhw_burner_starts, 0xFFFFFFu);
  EXPECT_EQ(r.resets, 0xFFFF);
}

TEST(DecodeCounters, EqualityNoticesEveryByte) {
  const Bytes base = golden::frame(golden::kRbCounters);
  const CountersReading a = decode_counters(base, Model::hre);
  for (std::size_t i = 0; i < 32; ++i) {
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x01);
    EXPECT_NE(decode_counters(changed, Model::hre), a) << "byte " << i;
  }
}

}  // namespace
}  // namespace intergas
