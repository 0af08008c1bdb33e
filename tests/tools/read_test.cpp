// intergas-read's contract, against the real intergas-sim: --json reproduces the simulator's
// state exactly and, for the published frames the profiles serve, their sources' decodings;
// --raw is a capture the simulator replays; exit codes and messages; and, without --model, the
// framing found on the line (what was tried when nothing answers, --probe).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "client/metric_types.h"
#include "client/metrics.h"
#include "process.h"
#include "sim/boiler_state.h"
#include "sim/frame_encoder.h"
#include "sim_process.h"
#include "tests/frames/expected_metrics.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using test::run_command;
using test::SimProcess;

std::string temp_path(const std::string& stem) {
  return ::testing::TempDir() + "intergas-read-" + stem + "-" + std::to_string(::getpid());
}

// The metrics of an intergas-read --json text ({"type": .., "type_instance": .., "value": ..}
// per line), with the data-source kind the contract gives each type.
std::vector<Metric> parse_json(const std::string& text) {
  // The text between `key` and the next `end`, after `from`; npos-safe.
  auto field = [](const std::string& line, const std::string& key, char end) {
    const auto at = line.find(key);
    if (at == std::string::npos) return std::string();
    const auto from = at + key.size();
    return line.substr(from, line.find(end, from) - from);
  };
  std::vector<Metric> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("{\"type\": \"") == std::string::npos) continue;
    Metric m;
    m.type = field(line, "{\"type\": \"", '"');
    m.type_instance = field(line, "\"type_instance\": \"", '"');
    const std::string value = field(line, "\"value\": ", '}');
    const MetricType* t = find_metric_type(m.type);
    EXPECT_NE(t, nullptr) << m.type;
    m.kind = t != nullptr ? t->kind : DsKind::gauge;
    if (m.kind == DsKind::derive) {
      m.derive = std::stoll(value);
    } else {
      m.gauge = std::stod(value);
    }
    out.push_back(std::move(m));
  }
  return out;
}

class ReadJson : public ::testing::TestWithParam<const char*> {};

TEST_P(ReadJson, ReproducesTheSimulatorsStateExactly) {
  const std::string profile = GetParam();
  const auto expected =
      run_command({INTERGAS_SIM_BINARY, "--print-json", "--profile", profile}, milliseconds(10000));
  ASSERT_EQ(expected.exit_code, 0) << expected.output;
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path(profile), "--profile", profile});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const std::string model = profile == "xtreme" ? "xtreme" : profile == "cw6" ? "cw6" : "hre";
  // EN is not in the JSON (the contract has no metric for it), so ask for the rest; D2 is asked
  // of the Xtreme only.
  const auto got = run_command(
      {INTERGAS_READ_BINARY, "--json", "--model", model, "--commands",
       "status,status_extra,diagnostics,counters,parameters,version,status_extra2", sim.device()},
      milliseconds(20000));
  EXPECT_EQ(got.exit_code, 0) << got.output;
  EXPECT_EQ(got.output, expected.output);
  EXPECT_NE(got.output.find("\"type\": \"temperature_celsius\""), std::string::npos);

  // Not only the plumbing: for every command the profile answers with a frame of protocol.md 14,
  // the series are that frame's source's own decoding (tests/frames), not our mapping's output.
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile(profile, state));
  std::vector<Metric> want;
  bool every_command = true;
  for (Command c : kAllCommands) {
    if (c == Command::fault_stats || !is_asked_of(c, state.model)) continue;
    const golden::RealFrame* f = golden::find_frame(c, sim::encode_data(state, c));
    if (f == nullptr) {
      every_command = false;  // hot_water, lockout: a changed status frame
      continue;
    }
    for (Metric& m : golden::expected_metrics(*f)) want.push_back(std::move(m));
  }
  ASSERT_FALSE(want.empty());
  const std::vector<Metric> read = parse_json(got.output);
  if (every_command) {
    EXPECT_EQ(golden::first_difference(read, want), "") << got.output;
  } else {
    for (const Metric& w : want) {
      std::vector<Metric> same;
      for (const Metric& r : read) {
        if (r.type == w.type && r.type_instance == w.type_instance) same.push_back(r);
      }
      EXPECT_EQ(golden::first_difference(same, {w}), "") << got.output;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, ReadJson,
                         ::testing::Values("idle", "heating", "hot_water", "lockout", "cw6",
                                           "xtreme"));

TEST(ReadRaw, PrintsACaptureTheSimulatorReplays) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("raw"), "--profile", "heating",
                                       "--no-pace", "--latency-ms", "10"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto raw = run_command({INTERGAS_READ_BINARY, "--raw", sim.device()}, milliseconds(20000));
  ASSERT_EQ(raw.exit_code, 0) << raw.output;
  EXPECT_EQ(raw.output.rfind("status ", 0), 0u) << raw.output;
  const std::string capture = temp_path("capture.txt");
  // The capture is what --raw prints on stdout; run_command also collects stderr, whose lines
  // ("intergas-read: found ...") a `> capture.txt` would not hold.
  std::string stdout_lines;
  std::istringstream lines(raw.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("intergas-read: ", 0) != 0) stdout_lines += line + "\n";
  }
  FILE* f = std::fopen(capture.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(stdout_lines.c_str(), f);
  std::fclose(f);

  const auto direct =
      run_command({INTERGAS_READ_BINARY, "--json", sim.device()}, milliseconds(20000));
  SimProcess replay(INTERGAS_SIM_BINARY, {"--pty", temp_path("replay"), "--replay", capture,
                                          "--no-pace", "--latency-ms", "10"});
  ASSERT_TRUE(replay.ok()) << replay.log();
  const auto replayed =
      run_command({INTERGAS_READ_BINARY, "--json", replay.device()}, milliseconds(20000));
  EXPECT_EQ(replayed.exit_code, 0) << replayed.output;
  EXPECT_EQ(replayed.output, direct.output) << "a replayed capture reads the same";
}

TEST(ReadExit, MissingDeviceIsExitOneWithAClearMessage) {
  const auto r =
      run_command({INTERGAS_READ_BINARY, "/dev/intergas-no-such-adapter"}, milliseconds(10000));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot open /dev/intergas-no-such-adapter"), std::string::npos)
      << r.output;
}

TEST(ReadExit, ASilentBoilerIsExitOne) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("silent"), "--fault-rate", "silence=1"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto r =
      run_command({INTERGAS_READ_BINARY, "--timeout", "0.3", sim.device()}, milliseconds(10000));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("did not answer the status request"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("status: timeout"), std::string::npos) << r.output;
}

TEST(ReadExit, ClosedTcpPortIsExitOne) {
  const int port = test::free_tcp_port();
  const auto r = run_command({INTERGAS_READ_BINARY, "tcp://127.0.0.1:" + std::to_string(port)},
                             milliseconds(10000));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot open"), std::string::npos) << r.output;
}

TEST(ReadExit, UsageErrorsAreExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{INTERGAS_READ_BINARY},
        std::vector<std::string>{INTERGAS_READ_BINARY, "--model", "combi", "/dev/ttyUSB0"},
        std::vector<std::string>{INTERGAS_READ_BINARY, "--commands", "gas", "/dev/ttyUSB0"},
        std::vector<std::string>{INTERGAS_READ_BINARY, "tcp://nohost"}}) {
    const auto r = run_command(args, milliseconds(10000));
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.output;
  }
}

TEST(ReadPorts, ListsAdaptersOrSaysThereAreNone) {
  const auto r = run_command({INTERGAS_READ_BINARY, "--list-ports"}, milliseconds(10000));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(r.output.empty());
}

// --- Meeting real boilers (issue 8): without --model the framing is found and said; when nothing
// answers, what was tried and what to check; --probe shows which commands a boiler answers. ---

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

// At once: the plain framing is tried first, so a plain boiler gets no other status request
// than the first and the read that confirms its unchecksummed reply (protocol.md 19): two (the
// simulator logs each request it recognises).
TEST(ReadDetect, APlainBoilerIsFoundAtOnce) {
  SimProcess sim(INTERGAS_SIM_BINARY,
                 {"--pty", temp_path("plain"), "--profile", "heating", "--verbose"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  const auto r =
      run_command({INTERGAS_READ_BINARY, "-c", "status", sim.device()}, milliseconds(20000));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output, "intergas-read: found plain framing")) << r.output;
  const std::string log = sim.log();
  std::size_t requests = 0;
  for (auto at = log.find("request status\n"); at != std::string::npos;
       at = log.find("request status\n", at + 1)) {
    ++requests;
  }
  EXPECT_EQ(requests, 2u) << log;
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
  // --probe asks D2 of any boiler; a plain one does not answer it (protocol.md 12.4).
  EXPECT_TRUE(has(r.output, "status_extra2 44 32 0D      no reply (timeout)")) << r.output;
  EXPECT_TRUE(has(r.output, "firmware ic2kknl01 P080925 v2.71")) << r.output;
  std::remove(state.c_str());
}

}  // namespace
}  // namespace intergas
