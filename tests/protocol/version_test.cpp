#include "protocol/version.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

Bytes ascii_frame(const char* text32) {
  Bytes b(32, 0);
  std::memcpy(b.data(), text32, std::min<std::size_t>(32, std::strlen(text32)));
  return b;
}

// protocol.md 14.2 (MW, HRE IC3).
TEST(DecodeVersion, ReadsEveryFieldOfMwFrame) {
  const VersionReading r = decode_version(golden::frame(golden::kMwVersion), Model::hre);
  EXPECT_EQ(r.hardware, "ic3mk1");
  EXPECT_EQ(r.date_code, "P190517");
  EXPECT_EQ(r.software, "V2.53");
  EXPECT_EQ(r.separator, '-');
  const std::uint8_t rom1[4] = {0x49, 0x6B, 0xB6, 0x94};
  const std::uint8_t rom2[4] = {0xD2, 0x5F, 0x2D, 0xA0};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.rom_checksum1[i], rom1[i]);
    EXPECT_EQ(r.rom_checksum2[i], rom2[i]);
  }
  // The label dispatched as firmware_info is the one the table's row expects.
  const golden::RealFrame& f = golden::real_frame(golden::kMwVersion);
  ASSERT_EQ(f.expected.size(), 1u);
  EXPECT_EQ(f.expected[0].type, "firmware_info");
  EXPECT_EQ(r.label(), f.expected[0].instance);
}

// protocol.md 12.1: ESP's HRE 36/30 "ic2kknl01*P080925*" "v2.71"; DS's Xtend "hbcumk1  *".
TEST(DecodeVersion, ReadsOtherPublishedStrings) {
  const VersionReading esp =
      decode_version(ascii_frame("ic2kknl01*P080925*v2.71-ABCDEFGH"), Model::hre);
  EXPECT_EQ(esp.label(), "ic2kknl01 P080925 v2.71");
  const VersionReading ds =
      decode_version(ascii_frame("hbcumk1  *P240516*V0.60-ABCDEFGH"), Model::xtreme);
  EXPECT_EQ(ds.hardware, "hbcumk1");
  EXPECT_EQ(ds.label(), "hbcumk1 P240516 V0.60");
}

TEST(VersionLabel, ReplacesNonPrintableBytes) {
  Bytes b = golden::frame(golden::kMwVersion);
  b[0] = 0x01;
  b[20] = 0xB6;
  EXPECT_EQ(decode_version(b, Model::hre).label(), "?c3mk1 P190517 V2?53");
}

TEST(VersionLabel, SkipsEmptyParts) {
  const VersionReading r = decode_version(ascii_frame("          ********V1.00-"), Model::hre);
  EXPECT_EQ(r.hardware, "");
  EXPECT_EQ(r.date_code, "");
  EXPECT_EQ(r.label(), "V1.00");
}

TEST(DecodeVersion, EqualityNoticesEveryByte) {
  const Bytes base = golden::frame(golden::kMwVersion);
  const VersionReading a = decode_version(base, Model::hre);
  for (std::size_t i = 0; i < 32; ++i) {
    Bytes changed = base;
    changed[i] = static_cast<std::uint8_t>(changed[i] ^ 0x40);
    EXPECT_NE(decode_version(changed, Model::hre), a) << "byte " << i;
  }
}

}  // namespace
}  // namespace intergas
