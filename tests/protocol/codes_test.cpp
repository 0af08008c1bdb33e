#include "protocol/codes.h"

#include <gtest/gtest.h>

#include <iterator>
#include <set>
#include <string>

namespace intergas {
namespace {

// protocol.md 6, with the names the issue fixes for status{type=...}.
struct StatusRow {
  int code;
  std::string_view name;
};

class StatusCodes : public ::testing::TestWithParam<StatusRow> {};

TEST_P(StatusCodes, HasTheSnakeCaseName) {
  const auto code = static_cast<std::uint8_t>(GetParam().code);
  EXPECT_EQ(status_name(code), GetParam().name);
  const StatusCodeInfo* info = find_status_code(code);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->code, code);
  EXPECT_EQ(info->name, GetParam().name);
  EXPECT_FALSE(info->description.empty());
}

constexpr StatusRow kKnownStatus[] = {
    {0, "opentherm"},    {15, "boiler_ext"},      {24, "frost"},
    {37, "ch_rf"},       {51, "dhw_int"},         {85, "sensortest"},
    {102, "ch"},         {103, "ch_wait"},        {126, "standby"},
    {127, "off"},        {153, "postrun_boiler"}, {170, "service"},
    {204, "dhw"},        {230, "starting_ch"},    {231, "postrun_ch"},
    {240, "boiler_int"}, {255, "heatup"},
};

INSTANTIATE_TEST_SUITE_P(Section6, StatusCodes, ::testing::ValuesIn(kKnownStatus));

TEST(StatusCodeTable, HoldsExactlyTheKnownCodesInAscendingOrder) {
  ASSERT_EQ(std::distance(status_codes_begin(), status_codes_end()),
            static_cast<std::ptrdiff_t>(std::size(kKnownStatus)));
  int previous = -1;
  for (const StatusCodeInfo* it = status_codes_begin(); it != status_codes_end(); ++it) {
    EXPECT_GT(it->code, previous);
    previous = it->code;
  }
}

TEST(StatusCodeTable, EveryOtherCodeIsUnknown) {
  std::set<int> known;
  for (const StatusRow& row : kKnownStatus) known.insert(row.code);
  for (int code = 0; code < 256; ++code) {
    if (known.count(code) != 0) continue;
    EXPECT_EQ(status_name(static_cast<std::uint8_t>(code)), "unknown") << code;
    EXPECT_EQ(find_status_code(static_cast<std::uint8_t>(code)), nullptr) << code;
  }
}

TEST(BurnerStates, NameTheSingleBitValues) {
  const std::pair<int, std::string_view> expected[] = {
      {0, "startup"},  {1, "interpurge"}, {2, "postpurge"}, {4, "prepurge"},  {8, "ignition"},
      {16, "waiting"}, {32, "running"},   {64, "rest"},     {128, "lockout"},
  };
  ASSERT_EQ(std::size(expected), static_cast<std::size_t>(kBurnerStateCount));
  for (int i = 0; i < kBurnerStateCount; ++i) {
    EXPECT_EQ(burner_state_value_at(i), expected[i].first);
    EXPECT_EQ(burner_state_name_at(i), expected[i].second);
    EXPECT_EQ(burner_state_name(static_cast<std::uint8_t>(expected[i].first)), expected[i].second);
  }
}

TEST(BurnerStates, OthersAreUnknown) {
  for (int raw : {3, 5, 0x81, 0xC0, 0xFF}) {
    EXPECT_EQ(burner_state_name(static_cast<std::uint8_t>(raw)), "unknown") << raw;
  }
  EXPECT_EQ(burner_state_name_at(-1), "unknown");
  EXPECT_EQ(burner_state_name_at(kBurnerStateCount), "unknown");
}

TEST(FaultFamily, IsChosenByModel) {
  EXPECT_EQ(fault_family(Model::hre), FaultFamily::hre_e);
  EXPECT_EQ(fault_family(Model::cw6), FaultFamily::hre_e);
  EXPECT_EQ(fault_family(Model::xtreme), FaultFamily::xtreme_f);
}

struct FaultRow {
  int fault;
  Model model;
  std::string_view text;
  std::string display;
};

class FaultTexts : public ::testing::TestWithParam<FaultRow> {};

TEST_P(FaultTexts, ComeFromTheModelsFamily) {
  const auto fault = static_cast<std::uint8_t>(GetParam().fault);
  EXPECT_EQ(fault_text(fault, GetParam().model), GetParam().text);
  EXPECT_EQ(fault_display(fault, GetParam().model), GetParam().display);
}

// protocol.md 7: the two families disagree on 2 and 30; 0 is a real fault in both.
INSTANTIATE_TEST_SUITE_P(
    Section7, FaultTexts,
    ::testing::Values(FaultRow{0, Model::hre, "sensor fault after self check", "E00"},
                      FaultRow{0, Model::xtreme, "sensor defect", "F00"},
                      FaultRow{2, Model::hre, "S1 and S2 interchanged", "E02"},
                      FaultRow{2, Model::xtreme, "temperature too high during hot water demand",
                               "F02"},
                      FaultRow{4, Model::cw6, "no flame signal", "E04"},
                      FaultRow{4, Model::xtreme, "no flame during start-up", "F04"},
                      FaultRow{3, Model::hre, "unknown", "E03"},
                      FaultRow{3, Model::xtreme, "flue gas temperature too high", "F03"},
                      FaultRow{22, Model::hre, "sensor fault S2", "E22"},
                      FaultRow{22, Model::xtreme, "unknown", "F22"},
                      FaultRow{30, Model::hre, "gas valve relay faulty", "E30"},
                      FaultRow{30, Model::xtreme, "sensor S3 fault", "F30"},
                      FaultRow{31, Model::xtreme, "sensor fault S1", "F31"},
                      FaultRow{99, Model::hre, "unknown", "E99"},
                      FaultRow{200, Model::xtreme, "unknown", "F200"},
                      FaultRow{255, Model::hre, "no fault", "E255"},
                      FaultRow{255, Model::xtreme, "no fault", "F255"}));

TEST(FaultTexts, NeverEmpty) {
  for (Model m : {Model::hre, Model::cw6, Model::xtreme}) {
    for (int f = 0; f < 256; ++f) {
      EXPECT_FALSE(fault_text(static_cast<std::uint8_t>(f), m).empty()) << f;
    }
  }
}

}  // namespace
}  // namespace intergas
