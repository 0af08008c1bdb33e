#include "protocol/frame.h"

#include <gtest/gtest.h>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

TEST(CheckFrame, ReturnsTheThirtyTwoDataBytes) {
  const Bytes mw = golden::frame(golden::kMwStatus);
  const Result<ByteView> r = check_frame(Command::status, Model::hre, mw);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 32u);
  EXPECT_EQ(r->data, mw.data());
}

TEST(CheckFrame, ShortFrameBelowTheReplySize) {
  const Bytes mw = golden::frame(golden::kMwStatus);
  const Result<ByteView> r = check_frame(Command::status, Model::hre, ByteView(mw).first(31));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure(), Failure::short_frame);
  // 32 bytes are one short on the Xtreme, which appends its XOR byte.
  const Bytes lc = golden::frame(golden::kLcXtremeStatus);
  const Result<ByteView> x = check_frame(Command::status, Model::xtreme, ByteView(lc).first(32));
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.failure(), Failure::short_frame);
  const Result<ByteView> empty = check_frame(Command::version, Model::xtreme, ByteView{});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.failure(), Failure::short_frame);
}

TEST(CheckFrame, VerifiesTheXtremeXorByte) {
  for (const char* hex : {golden::kLcXtremeStatus, golden::kLcXtremeStatusExtra}) {
    Bytes lc = golden::frame(hex);
    ASSERT_EQ(lc.size(), 33u);
    const Command c = hex == golden::kLcXtremeStatus ? Command::status : Command::status_extra;
    const Result<ByteView> good = check_frame(c, Model::xtreme, lc);
    ASSERT_TRUE(good.ok()) << hex;
    EXPECT_EQ(good->size, 32u);
    lc[32] = static_cast<std::uint8_t>(lc[32] ^ 0x01);
    const Result<ByteView> bad = check_frame(c, Model::xtreme, lc);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.failure(), Failure::checksum);
  }
}

TEST(CheckFrame, CorruptedDataByteFailsTheXorCheck) {
  Bytes lc = golden::frame(golden::kLcXtremeStatus);
  lc[5] = static_cast<std::uint8_t>(lc[5] + 1);
  const Result<ByteView> r = check_frame(Command::status, Model::xtreme, lc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure(), Failure::checksum);
}

TEST(CheckFrame, XtremeVersionHasNoXorByte) {
  const Bytes mw_rev = golden::frame(golden::kMwVersion);
  const Result<ByteView> r = check_frame(Command::version, Model::xtreme, mw_rev);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 32u);
}

TEST(CheckFrame, HreIgnoresTrailingBytes) {
  Bytes mw = golden::frame(golden::kMwStatus);
  mw.push_back(0x00);  // MW's published 33rd value: no checksum on HRE (protocol.md 13)
  const Result<ByteView> r = check_frame(Command::status, Model::hre, mw);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 32u);
}

}  // namespace
}  // namespace intergas
