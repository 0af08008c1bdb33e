#include "protocol/diagnostics.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

// protocol.md 10, 14.5: RB's CRC sample 200.0 / 135.84 % / 25.125 %.
TEST(DecodeDiagnostics, ReadsRbSample) {
  const DiagnosticsReading r =
      decode_diagnostics(golden::frame(golden::kRbDiagnostics), Model::hre);
  EXPECT_EQ(r.interrupt_time_raw, 1000);
  EXPECT_EQ(r.interrupt_load_raw, 849);
  EXPECT_EQ(r.main_load_raw, 201);
  EXPECT_EQ(r.mains_frequency_raw, 40);
  EXPECT_EQ(r.reference_voltage_raw, 1024);
  // The values RB printed (and ours for frequency and voltage), to the last bit: one formula,
  // one division each (protocol.md 10).
  const golden::RealFrame& f = golden::real_frame(golden::kRbDiagnostics);
  EXPECT_EQ(std::optional<double>(r.interrupt_time), f.value("interrupt_time", ""));
  EXPECT_EQ(std::optional<double>(r.interrupt_load_ratio), f.value("load_ratio", "interrupt"));
  EXPECT_EQ(std::optional<double>(r.main_load_ratio), f.value("load_ratio", "main"));
  EXPECT_EQ(r.mains_frequency_hertz, f.value("mains_frequency_hertz", ""));
  EXPECT_EQ(std::optional<double>(r.reference_voltage_volts),
            f.value("reference_voltage_volts", ""));
  for (std::uint8_t u : r.unknown) EXPECT_EQ(u, 0);
  const std::uint8_t rom1[4] = {0x12, 0x34, 0x56, 0x78};
  const std::uint8_t rom2[4] = {0x9A, 0xBC, 0xDE, 0xF0};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.rom_checksum1[i], rom1[i]);
    EXPECT_EQ(r.rom_checksum2[i], rom2[i]);
  }
}

TEST(DecodeDiagnostics, ZeroFrequencyIsAbsent) {
  Bytes b = golden::frame(golden::kRbDiagnostics);
  b[6] = 0;
  b[7] = 0;
  EXPECT_EQ(decode_diagnostics(b, Model::hre).mains_frequency_hertz, std::nullopt);
  b[7] = 0x01;  // 256 -> 7.8125 Hz: the high byte counts (EB's zero check swaps them)
  const std::optional<double> f = decode_diagnostics(b, Model::hre).mains_frequency_hertz;
  ASSERT_TRUE(f.has_value());
  EXPECT_DOUBLE_EQ(*f, 7.8125);
}

// The derived values follow the raw counts through derive_diagnostics_values, the decoder's own
// formulas: what the simulator uses after a raw count changed.
TEST(DeriveDiagnosticsValues, AgreesWithTheDecoderForEveryRawValue) {
  Bytes b = golden::frame(golden::kRbDiagnostics);
  for (std::uint32_t raw = 0; raw <= 0xFFFF; raw += 7) {
    for (std::size_t at :
         {std::size_t{0}, std::size_t{2}, std::size_t{4}, std::size_t{6}, std::size_t{8}}) {
      b[at] = static_cast<std::uint8_t>(raw & 0xFF);
      b[at + 1] = static_cast<std::uint8_t>(raw >> 8);
    }
    const DiagnosticsReading decoded = decode_diagnostics(b, Model::hre);
    DiagnosticsReading derived = decoded;
    derived.interrupt_time = derived.interrupt_load_ratio = derived.main_load_ratio = -1;
    derived.mains_frequency_hertz = -1.0;  // raw 0 must clear it
    derived.reference_voltage_volts = -1;
    derive_diagnostics_values(derived);
    ASSERT_EQ(derived, decoded) << "raw " << raw;
  }
}

TEST(DecodeDiagnostics, EqualityNoticesEveryByte) {
  const Bytes base = golden::frame(golden::kRbDiagnostics);
  const DiagnosticsReading a = decode_diagnostics(base, Model::hre);
  for (std::size_t i = 0; i < 32; ++i) {
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x01);
    EXPECT_NE(decode_diagnostics(changed, Model::hre), a) << "byte " << i;
  }
}

}  // namespace
}  // namespace intergas
