#include "protocol/model.h"

#include <gtest/gtest.h>

namespace intergas {
namespace {

TEST(ParseModel, AcceptsNamesAndAliasesCaseInsensitively) {
  EXPECT_EQ(parse_model("hre"), Model::hre);
  EXPECT_EQ(parse_model("HReco"), Model::hre);
  EXPECT_EQ(parse_model("HR"), Model::hre);
  EXPECT_EQ(parse_model("Kombi"), Model::hre);
  EXPECT_EQ(parse_model("CW6"), Model::cw6);
  EXPECT_EQ(parse_model("prestige"), Model::cw6);
  EXPECT_EQ(parse_model("XTREME"), Model::xtreme);
}

TEST(ParseModel, RejectsAnythingElse) {
  EXPECT_EQ(parse_model(""), std::nullopt);
  EXPECT_EQ(parse_model("xtend"), std::nullopt);
  EXPECT_EQ(parse_model("hre "), std::nullopt);
}

TEST(ModelName, RoundTripsThroughParseModel) {
  for (Model m : {Model::hre, Model::cw6, Model::xtreme}) {
    EXPECT_EQ(parse_model(model_name(m)), m);
  }
}

TEST(UnconnectedBelow, IsModelDependent) {
  EXPECT_EQ(unconnected_below_celsius(Model::hre), -30.0);  // plain framing: as the CW6
  EXPECT_EQ(unconnected_below_celsius(Model::xtreme), -50.0);
  EXPECT_EQ(unconnected_below_celsius(Model::cw6), -30.0);
}

}  // namespace
}  // namespace intergas
