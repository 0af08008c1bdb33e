// intergas-read meets real boilers (issue 8), against the real intergas-sim: without --model it
// finds the framing and says what it found; when nothing answers it says what it tried and what
// to check; --probe shows which commands a boiler answers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "process.h"
#include "sim_process.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using test::run_command;
using test::SimProcess;

std::string temp_path(const std::string& stem) {
  return ::testing::TempDir() + "intergas-detect-" + stem + "-" + std::to_string(::getpid());
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// protocol.md 3: the Xtreme ignores a plain S?; found with its XOR byte on the second try.
TEST(ReadDetect, FindsAnXtremeWithoutModel) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("xtreme"), "--profile", "xtreme"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto r = run_command({INTERGAS_READ_BINARY, "-c", "status,version", sim.device()},
                             milliseconds(20000));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output,
                  "intergas-read: found checksummed framing (Xtreme), firmware ic3mk1 "
                  "P190517 V2.53"))
      << r.output;
  EXPECT_TRUE(has(r.output, "status (S?)")) << "the table follows";
}

TEST(ReadDetect, APlainBoilerIsFoundAtOnce) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("plain"), "--profile", "heating"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto started = std::chrono::steady_clock::now();
  const auto r =
      run_command({INTERGAS_READ_BINARY, "-c", "status", sim.device()}, milliseconds(20000));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output, "intergas-read: found plain framing")) << r.output;
  // Printed, not asserted: one exchange (100 ms latency, 33 ms on the wire) plus the settle time.
  std::printf("intergas-read -c status: %.3f s\n", std::chrono::duration<double>(took).count());
}

TEST(ReadDetect, NothingAnsweringSaysWhatWasTriedAndWhatToCheck) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("mute"), "--ignore", "all"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto r =
      run_command({INTERGAS_READ_BINARY, "-c", "status", "--timeout", "0.3", sim.device()},
                  milliseconds(20000));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(has(r.output,
                  "did not answer the status request (tried the plain and the "
                  "checksummed (Xtreme) framing): check that " +
                      sim.device() +
                      " is the boiler's adapter or bridge, the wiring (adapter TX to "
                      "boiler RX, RX to TX, GND) and that the boiler is powered"))
      << r.output;
  const auto xtreme = run_command(
      {INTERGAS_READ_BINARY, "-c", "status", "--timeout", "0.3", "--model", "xtreme", sim.device()},
      milliseconds(20000));
  EXPECT_EQ(xtreme.exit_code, 1);
  EXPECT_TRUE(has(xtreme.output,
                  "(tried Model xtreme only; without --model every framing is "
                  "tried)"))
      << xtreme.output;
}

// ESP's HRE 36/30 (ic2kknl01 P080925 v2.71), here answering neither S2 nor HN.
TEST(ReadDetect, ProbeShowsWhichCommandsAnOlderFirmwareAnswers) {
  const std::string state = temp_path("ic2.state");
  {
    FILE* f = std::fopen(state.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(
        "version.hardware = ic2kknl01\nversion.date_code = P080925\n"
        "version.software = v2.71\n",
        f);
    std::fclose(f);
  }
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("old"), "--state", state, "--ignore",
                                       "status_extra,counters"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto r = run_command({INTERGAS_READ_BINARY, "--probe", "--timeout", "0.3", sim.device()},
                             milliseconds(20000));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output, "status_extra  53 32 0D      no reply (timeout)")) << r.output;
  EXPECT_TRUE(has(r.output, "counters      48 4E 0D      no reply (timeout)")) << r.output;
  EXPECT_TRUE(has(r.output, "status        53 3F 0D      answered in ")) << r.output;
  EXPECT_TRUE(has(r.output, "fault_stats   45 4E 0D      answered in ")) << r.output;
  EXPECT_TRUE(has(r.output, "firmware ic2kknl01 P080925 v2.71")) << r.output;
  std::remove(state.c_str());
}

}  // namespace
}  // namespace intergas
