#include "protocol/parameters.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

// protocol.md 11: RB's sample, one row per offset, in offset order (the table's row for V?).
class RbParameters : public ::testing::TestWithParam<int> {};

TEST_P(RbParameters, HasNameAndSignedValue) {
  const golden::RealFrame& f = golden::real_frame(golden::kRbParameters);
  const ParametersReading r = decode_parameters(f.data(), Model::hre);
  const auto i = static_cast<std::size_t>(GetParam());
  ASSERT_EQ(f.expected.size(), static_cast<std::size_t>(kParameterCount));
  const golden::Expected& want = f.expected[i];
  EXPECT_EQ(want.type, "parameter");
  EXPECT_EQ(parameter_name(GetParam()), want.instance);
  EXPECT_EQ(std::optional<double>(r.values[i]), want.value) << want.instance;
}

INSTANTIATE_TEST_SUITE_P(Rb, RbParameters, ::testing::Range(0, kParameterCount));

TEST(ParameterName, NamesAreUniqueAndOutOfRangeIsUnknown) {
  std::set<std::string> names;
  for (int i = 0; i < kParameterCount; ++i) names.insert(std::string(parameter_name(i)));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kParameterCount));
  EXPECT_EQ(parameter_name(-1), "unknown");
  EXPECT_EQ(parameter_name(kParameterCount), "unknown");
}

TEST(DecodeParameters, ReadsBytesAsSignedAndKeepsByte31) {
  Bytes b(32, 0);
  b[0] = 0x80;
  b[1] = 0x7F;
  b[2] = 0xFF;
  b[31] = 0xAB;
  const ParametersReading r = decode_parameters(b, Model::hre);
  EXPECT_EQ(r.values[0], -128);
  EXPECT_EQ(r.values[1], 127);
  EXPECT_EQ(r.values[2], -1);
  EXPECT_EQ(r.unused, 0xAB);
  EXPECT_NE(r, decode_parameters(Bytes(32, 0), Model::hre));
}

}  // namespace
}  // namespace intergas
