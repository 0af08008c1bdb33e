#include "protocol/command.h"

#include <gtest/gtest.h>

#include <tuple>

namespace intergas {
namespace {

// protocol.md 3: bytes sent, with the Xtreme XOR byte where the model checks the command.
struct RequestRow {
  Command command;
  Model model;
  Bytes bytes;
};

class RequestBytes : public ::testing::TestWithParam<RequestRow> {};

TEST_P(RequestBytes, MatchesTheCommandCatalogue) {
  const RequestRow& row = GetParam();
  EXPECT_EQ(request_bytes(row.command, row.model), row.bytes);
  EXPECT_EQ(uses_checksum(row.command, row.model), row.bytes.size() == 4);
  EXPECT_EQ(reply_size(row.command, row.model), row.bytes.size() == 4 ? 33u : 32u);
  EXPECT_EQ(command_from_request(row.bytes, row.model), row.command);
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, RequestBytes,
    ::testing::Values(RequestRow{Command::status, Model::hre, {0x53, 0x3F, 0x0D}},
                      RequestRow{Command::status_extra, Model::hre, {0x53, 0x32, 0x0D}},
                      RequestRow{Command::diagnostics, Model::hre, {0x43, 0x52, 0x43}},
                      RequestRow{Command::counters, Model::hre, {0x48, 0x4E, 0x0D}},
                      RequestRow{Command::parameters, Model::hre, {0x56, 0x3F, 0x0D}},
                      RequestRow{Command::version, Model::hre, {0x52, 0x45, 0x56}},
                      RequestRow{Command::fault_stats, Model::hre, {0x45, 0x4E, 0x0D}},
                      RequestRow{Command::status, Model::cw6, {0x53, 0x3F, 0x0D}},
                      RequestRow{Command::counters, Model::cw6, {0x48, 0x4E, 0x0D}},
                      RequestRow{Command::status, Model::xtreme, {0x53, 0x3F, 0x0D, 0x61}},
                      RequestRow{Command::status_extra, Model::xtreme, {0x53, 0x32, 0x0D, 0x6C}},
                      RequestRow{Command::diagnostics, Model::xtreme, {0x43, 0x52, 0x43, 0x52}},
                      RequestRow{Command::counters, Model::xtreme, {0x48, 0x30, 0x0D, 0x75}},
                      RequestRow{Command::parameters, Model::xtreme, {0x56, 0x3F, 0x0D, 0x64}},
                      RequestRow{Command::version, Model::xtreme, {0x52, 0x45, 0x56}},
                      // protocol.md 3, 12.4: "D2\r" 44 32 0D, XOR 44^32^0D = 7B.
                      RequestRow{Command::status_extra2, Model::xtreme, {0x44, 0x32, 0x0D, 0x7B}}));

TEST(CommandText, NamesTheCountersCommandPerModel) {
  EXPECT_EQ(command_text(Command::counters, Model::hre), "HN\r");
  EXPECT_EQ(command_text(Command::counters, Model::xtreme), "H0\r");
  EXPECT_EQ(command_text(Command::diagnostics, Model::hre), "CRC");
}

TEST(CommandName, RoundTripsThroughParseCommandName) {
  for (Command c : kAllCommands) {
    EXPECT_EQ(parse_command_name(command_name(c)), c) << command_name(c);
  }
  EXPECT_EQ(parse_command_name("S?"), std::nullopt);
  EXPECT_EQ(parse_command_name(""), std::nullopt);
  EXPECT_EQ(command_name(Command::status_extra), "status_extra");
}

TEST(CommandFromRequest, XtremeNeedsAValidXorByte) {
  EXPECT_EQ(command_from_request(Bytes{0x53, 0x3F, 0x0D}, Model::xtreme), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{0x53, 0x3F, 0x0D, 0x62}, Model::xtreme), std::nullopt);
  // REV only ever plain (protocol.md 13: LC sends it without XOR).
  EXPECT_EQ(command_from_request(Bytes{0x52, 0x45, 0x56, 0x01}, Model::xtreme), std::nullopt);
}

// protocol.md 12.4: D2 is the Xtreme's; a plain-framing boiler is never asked it and, in the
// simulator, does not recognise it.
TEST(IsAskedOf, StatusExtra2OnlyOfTheXtreme) {
  EXPECT_TRUE(is_asked_of(Command::status_extra2, Model::xtreme));
  EXPECT_FALSE(is_asked_of(Command::status_extra2, Model::hre));
  EXPECT_FALSE(is_asked_of(Command::status_extra2, Model::cw6));
  for (Command c : kAllCommands) {
    if (c == Command::status_extra2) continue;
    for (Model m : {Model::hre, Model::cw6, Model::xtreme}) {
      EXPECT_TRUE(is_asked_of(c, m)) << command_name(c) << " " << model_name(m);
    }
  }
  EXPECT_EQ(command_from_request(Bytes{0x44, 0x32, 0x0D}, Model::hre), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{0x44, 0x32, 0x0D}, Model::cw6), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{0x44, 0x32, 0x0D}, Model::xtreme), std::nullopt);
  EXPECT_EQ(command_name(Command::status_extra2), "status_extra2");
}

TEST(CommandFromRequest, HreAnswersOnlyItsOwnCommands) {
  // protocol.md 3: an HRE 36/30 does not support H0 (ESP).
  EXPECT_EQ(command_from_request(Bytes{0x48, 0x30, 0x0D}, Model::hre), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{0x53, 0x3F, 0x0D, 0x61}, Model::hre), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{0x53, 0x3F, 0x0A}, Model::hre), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{}, Model::hre), std::nullopt);
  EXPECT_EQ(command_from_request(Bytes{0x48, 0x4E, 0x0D}, Model::xtreme), std::nullopt);
}

}  // namespace
}  // namespace intergas
