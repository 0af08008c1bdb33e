// Profiles and the "key = value" text form of the simulator's state.
#include "sim/boiler_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <variant>

#include "protocol/reading.h"
#include "sim/frame_encoder.h"
#include "tests/frames/golden_frames.h"

namespace intergas::sim {
namespace {

TEST(SimState, EveryProfileRoundTripsThroughItsText) {
  for (std::string_view name : profile_names()) {
    BoilerState s;
    ASSERT_TRUE(make_profile(name, s)) << name;
    BoilerState copy;  // default state: every line must bring it to the profile
    for (const std::string& line : state_lines(s)) {
      const auto eq = line.find(" = ");
      ASSERT_NE(eq, std::string::npos) << line;
      std::string error;
      EXPECT_TRUE(set_field(copy, line.substr(0, eq), line.substr(eq + 3), error))
          << name << ": " << line << ": " << error;
    }
    EXPECT_EQ(state_lines(copy), state_lines(s)) << name;
  }
}

TEST(SimState, ProfilesHaveTheirDocumentedShape) {
  BoilerState s;
  ASSERT_TRUE(make_profile("heating", s));
  EXPECT_EQ(s.status.burner_state_raw, 32);
  EXPECT_EQ(s.status.fan_speed_actual_rpm, 1340);
  EXPECT_EQ(s.status.burner_flags, 0x25);
  // RB's counters (protocol.md 14.5); the high bytes of HN 28-31 are the encoder's and the
  // decoder's unit tests' (EncodeCounters.HighBytesGoToTheEnd, CounterHighByte).
  EXPECT_EQ(s.counters, decode_counters(golden::frame(golden::kRbCounters), Model::hre));
  EXPECT_EQ(s.parameters.values[13], -7);
  ASSERT_TRUE(make_profile("lockout", s));
  EXPECT_EQ(s.status.burner_state_raw, 128);
  EXPECT_EQ(s.status.fault_code_raw, 4);
  ASSERT_TRUE(make_profile("cw6", s));
  EXPECT_EQ(s.model, Model::cw6);
  EXPECT_FALSE(s.status.pressure_bar.has_value());
  EXPECT_FALSE(s.status.boiler_celsius.has_value());
  ASSERT_TRUE(make_profile("xtreme", s));
  EXPECT_EQ(s.model, Model::xtreme);
  EXPECT_FALSE(s.status.return_celsius.has_value());
  EXPECT_FALSE(s.status.fan_speed_actual_rpm.has_value());
  EXPECT_FALSE(make_profile("nope", s));
}

TEST(SimState, SetFieldParsesAndValidates) {
  BoilerState s;
  ASSERT_TRUE(make_profile("idle", s));
  std::string error;
  EXPECT_TRUE(set_field(s, "status.supply_celsius", "55.25", error));
  EXPECT_EQ(s.status.supply_celsius, 55.25);
  EXPECT_TRUE(set_field(s, "status.pressure_bar", "none", error));
  EXPECT_FALSE(s.status.pressure_bar.has_value());
  EXPECT_TRUE(set_field(s, "status.burner_flags", "0x25", error));
  EXPECT_EQ(s.status.burner_flags, 0x25);
  EXPECT_TRUE(set_field(s, "counters.burner_starts", "70000", error));
  EXPECT_EQ(s.counters.burner_starts, 70000u);
  EXPECT_TRUE(set_field(s, "parameters.values.13", "-7", error));
  EXPECT_EQ(s.parameters.values[13], -7);
  EXPECT_TRUE(set_field(s, "status_extra.pump_raw", "100", error));
  EXPECT_EQ(s.status_extra.pump_pwm_ratio, 0.5);  // derived by the core's formula
  EXPECT_TRUE(set_field(s, "diagnostics.interrupt_load_raw", "900", error));
  EXPECT_EQ(s.diagnostics.interrupt_load_ratio, 900 / 625.0);  // raw / 6.25 %, one division
  EXPECT_TRUE(set_field(s, "diagnostics.mains_frequency_raw", "0", error));
  EXPECT_EQ(s.diagnostics.mains_frequency_hertz, std::nullopt);
  EXPECT_TRUE(set_field(s, "version.rom_checksum1", "01020304", error));
  EXPECT_EQ(s.version.rom_checksum1[3], 4);

  EXPECT_FALSE(set_field(s, "status.status_code", "256", error));
  EXPECT_FALSE(set_field(s, "status.supply_celsius", "warm", error));
  EXPECT_FALSE(set_field(s, "version.rom_checksum1", "0102", error));
  EXPECT_FALSE(set_field(s, "model", "vaillant", error));
  EXPECT_FALSE(set_field(s, "status.nope", "1", error));
  EXPECT_EQ(error, "unknown key");
  EXPECT_EQ(s.status.status_code, 126);  // a failed set leaves the state alone
}

// What a reader decodes from the state's replies: a value between two steps of the wire format
// reads as the step, and every derived value comes from the core's decoder.
TEST(SimState, ReadingOfIsWhatTheDecoderReadsInTheReply) {
  for (std::string_view name : profile_names()) {
    BoilerState s;
    ASSERT_TRUE(make_profile(name, s)) << name;
    for (Command c : kAllCommands) {
      EXPECT_TRUE(reading_of(s, c) == decode_data(c, s.model, encode_data(s, c)))
          << name << " " << command_name(c);
    }
    EXPECT_TRUE(reading_of(s, Command::status) == Reading(s.status)) << name;
    EXPECT_TRUE(reading_of(s, Command::diagnostics) == Reading(s.diagnostics)) << name;
    EXPECT_TRUE(reading_of(s, Command::status_extra) == Reading(s.status_extra)) << name;
  }
  BoilerState s;
  ASSERT_TRUE(make_profile("idle", s));
  s.status.supply_celsius = 55.257;
  EXPECT_EQ(std::get<StatusReading>(reading_of(s, Command::status)).supply_celsius, 55.26);
}

TEST(SimState, StateFileErrorsNameLineAndKey) {
  char path[] = "/tmp/intergas-sim-state-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "# comment\n\nstatus.supply_celsius = 55.25\ncounters.burner_starts = lots\n";
  }
  BoilerState s;
  ASSERT_TRUE(make_profile("idle", s));
  std::string error;
  EXPECT_FALSE(load_state_file(path, s, error));
  EXPECT_NE(error.find(":4:"), std::string::npos) << error;
  EXPECT_NE(error.find("counters.burner_starts"), std::string::npos) << error;
  {
    std::ofstream out(path);
    out << "status.supply_celsius = 55.25\n  counters.burner_starts=70000  \n";
  }
  EXPECT_TRUE(load_state_file(path, s, error)) << error;
  EXPECT_EQ(s.status.supply_celsius, 55.25);
  EXPECT_EQ(s.counters.burner_starts, 70000u);
  std::remove(path);
}

}  // namespace
}  // namespace intergas::sim
