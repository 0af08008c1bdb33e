#include "protocol/parameters.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

// protocol.md 11: RB's sample, one row per offset.
struct ParameterRow {
  int index;
  std::string_view name;
  int value;
};

class RbParameters : public ::testing::TestWithParam<ParameterRow> {};

TEST_P(RbParameters, HasNameAndSignedValue) {
  const ParametersReading r = decode_parameters(golden::frame(golden::kRbParameters), Model::hre);
  EXPECT_EQ(parameter_name(GetParam().index), GetParam().name);
  EXPECT_EQ(r.values[static_cast<std::size_t>(GetParam().index)], GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Rb, RbParameters,
    ::testing::Values(ParameterRow{0, "heater_on", 1}, ParameterRow{1, "comfort_mode", 0},
                      ParameterRow{2, "ch_set_max", 50}, ParameterRow{3, "dhw_set", 50},
                      ParameterRow{4, "eco_days", 3}, ParameterRow{5, "comfort_set", 0},
                      ParameterRow{6, "dhw_at_night", 0}, ParameterRow{7, "ch_at_night", 0},
                      ParameterRow{8, "param_1", 0}, ParameterRow{9, "param_2", 0},
                      ParameterRow{10, "param_3", 65}, ParameterRow{11, "param_4", 75},
                      ParameterRow{12, "param_5", 25}, ParameterRow{13, "param_6", -7},
                      ParameterRow{14, "param_7", 25}, ParameterRow{15, "param_8", 5},
                      ParameterRow{16, "param_9", 1}, ParameterRow{17, "param_A", 0},
                      ParameterRow{18, "param_b", 0}, ParameterRow{19, "param_C", 1},
                      ParameterRow{20, "param_c", 20}, ParameterRow{21, "param_d", 20},
                      ParameterRow{22, "param_E", 25}, ParameterRow{23, "param_E.", 1},
                      ParameterRow{24, "param_F", 35}, ParameterRow{25, "param_H", 67},
                      ParameterRow{26, "param_n", 60}, ParameterRow{27, "param_o", 0},
                      ParameterRow{28, "param_P", 10}, ParameterRow{29, "param_r", 0},
                      ParameterRow{30, "param_F.", 40}));

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
