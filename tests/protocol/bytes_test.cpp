#include "protocol/bytes.h"

#include <gtest/gtest.h>

namespace intergas {
namespace {

TEST(ReadLittleEndian, ReadsUnsignedAndSignedSixteenBits) {
  const Bytes b = {0xF3, 0xFD, 0xBC, 0x0F};
  EXPECT_EQ(read_u16le(b, 0), 0xFDF3);
  EXPECT_EQ(read_i16le(b, 0), -525);  // protocol.md 4.1: two's complement, -5.25 C
  EXPECT_EQ(read_i16le(b, 2), 4028);  // MW t1: 40.28 C, not "msb*265" 41.63
}

TEST(ReadLittleEndian, ReadsThirtyTwoBits) {
  const Bytes b = {0x58, 0x70, 0x35, 0x03};
  EXPECT_EQ(read_u32le(b, 0), 53833816u);
}

TEST(XorOf, MatchesTheXtremeCommandByte) {
  const Bytes status = {'S', '?', '\r'};
  EXPECT_EQ(xor_of(status), 0x61);
  EXPECT_EQ(xor_of(ByteView{}), 0x00);
}

TEST(ByteView, FirstClampsToSize) {
  const Bytes b = {1, 2, 3};
  EXPECT_EQ(ByteView(b).first(2).size, 2u);
  EXPECT_EQ(ByteView(b).first(9).size, 3u);
}

TEST(ToHex, WritesUpperCaseWithSingleSpaces) {
  const Bytes b = {0xBC, 0x0F, 0x00};
  EXPECT_EQ(to_hex(b), "BC 0F 00");
  EXPECT_EQ(to_hex(Bytes{}), "");
}

TEST(ParseHex, AcceptsPublishedSeparators) {
  Bytes out;
  ASSERT_TRUE(parse_hex("BB.11 92:0e,FF", out));
  EXPECT_EQ(out, (Bytes{0xBB, 0x11, 0x92, 0x0E, 0xFF}));
}

TEST(ParseHex, RejectsOddCountAndBadDigitsWithoutTouchingOutput) {
  Bytes out = {7};
  EXPECT_FALSE(parse_hex("ABC", out));
  EXPECT_FALSE(parse_hex("GG", out));
  EXPECT_FALSE(parse_hex("0x12", out));
  EXPECT_EQ(out, (Bytes{7}));
}

TEST(ParseHex, RoundTripsToHex) {
  Bytes out;
  ASSERT_TRUE(parse_hex("00 7F 80 FF", out));
  EXPECT_EQ(to_hex(out), "00 7F 80 FF");
}

}  // namespace
}  // namespace intergas
