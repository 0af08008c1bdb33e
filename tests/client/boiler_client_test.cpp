// BoilerClient and Poller against the real intergas-sim over ptys and loopback TCP: decoding,
// unplug and replug, exclusive access. Waits are for events (a report, a hang-up), never fixed.
#include "client/boiler_client.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "client/poller.h"
#include "client/sync_driver.h"
#include "link/open_link.h"
#include "sim/boiler_state.h"
#include "sim_process.h"
#include "tests/support/frames_truth.h"
#include "tests/support/sim_pair.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using test::SimProcess;

std::string temp_path(const std::string& stem) {
  return ::testing::TempDir() + "intergas-" + stem + "-" + std::to_string(::getpid());
}

ClientOptions options_for(Model m, milliseconds timeout = milliseconds(400)) {
  return test::test_client_options(m, timeout);
}

std::unique_ptr<BoilerClient> client_for(const std::string& device, const ClientOptions& o) {
  std::string error;
  auto link = make_link(device, LinkOptions{}, error);
  EXPECT_TRUE(link) << error;
  return std::make_unique<BoilerClient>(std::move(link), o);
}

// Every decoded reading carries the published values of the frame the simulator served
// (tests/frames).
void expect_matches_state(const CycleReport& r, const sim::BoilerState& s) {
  for (const ReplyDecoded& reply : r.replies) EXPECT_EQ(test::differs_from_frames(reply, s), "");
}

CycleReport cycle(BoilerClient& c, milliseconds limit = milliseconds(8000)) {
  std::vector<Notice> notices;
  auto r = run_cycle_blocking(c, limit, notices);
  EXPECT_TRUE(r.has_value()) << "the cycle did not end";
  return r ? *r : CycleReport{};
}

struct ProfileCase {
  const char* profile;
  bool tcp;
  bool paced;
};

class ReadsTheSimulatorsState : public ::testing::TestWithParam<ProfileCase> {};

TEST_P(ReadsTheSimulatorsState, EveryCommandDecodesToTheServedState) {
  const ProfileCase p = GetParam();
  std::vector<std::string> args = {"--profile", p.profile, "--latency-ms", p.paced ? "100" : "0"};
  if (!p.paced) args.push_back("--no-pace");
  if (p.tcp) {
    args.insert(args.end(), {"--tcp", "0"});
  } else {
    args.insert(args.end(), {"--pty", temp_path(std::string("read-") + p.profile)});
  }
  SimProcess sim(INTERGAS_SIM_BINARY, args);
  ASSERT_TRUE(sim.ok()) << sim.log();
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile(p.profile, state));

  auto c = client_for(sim.device(), options_for(state.model, milliseconds(p.paced ? 600 : 300)));
  std::vector<Notice> notices;
  ASSERT_FALSE(open_blocking(*c, milliseconds(3000), notices));
  const CycleReport r = cycle(*c);
  EXPECT_TRUE(r.health.up);
  EXPECT_TRUE(r.health.link_open);
  for (const auto& f : r.failures) {
    ADD_FAILURE() << command_name(f.command) << ": " << failure_name(f.reason) << "\n" << sim.log();
  }
  // Every command answers, except EN on the Xtreme, whose simulated firmware has none.
  EXPECT_GE(r.replies.size(), state.model == Model::xtreme ? 6u : 7u);
  expect_matches_state(r, state);
  if (p.paced) {
    // 9600 baud: 32 bytes take 33 ms on the wire after 100 ms of latency. No upper bound on a
    // shared machine: the exact figure is checked in virtual time (virtual_time_test.cpp).
    const auto d = r.health.counters.last_duration[command_index(Command::status)];
    ASSERT_TRUE(d);
    EXPECT_GE(*d, milliseconds(130));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, ReadsTheSimulatorsState,
    ::testing::Values(ProfileCase{"idle", false, false}, ProfileCase{"heating", false, false},
                      ProfileCase{"hot_water", true, false}, ProfileCase{"lockout", false, false},
                      ProfileCase{"cw6", true, false}, ProfileCase{"xtreme", false, false},
                      ProfileCase{"heating", false, true}, ProfileCase{"xtreme", true, true}),
    [](const ::testing::TestParamInfo<ProfileCase>& p) {
      return std::string(p.param.profile) + (p.param.tcp ? "Tcp" : "Pty") +
             (p.param.paced ? "Paced" : "Fast");
    });

// Injected faults, stray bytes, late replies and reconnect timing are tested in virtual time,
// against the same encoder and fault injector in memory: virtual_time_test.cpp.

struct Transport {
  bool tcp;
};
class SurvivesUnplug : public ::testing::TestWithParam<Transport> {};

TEST_P(SurvivesUnplug, DetectsTheLossAndReadsAgainAfterTheReturn) {
  const bool tcp = GetParam().tcp;
  std::vector<std::string> args = {"--no-pace", "--latency-ms", "10", "--hangup-ms", "60000"};
  if (tcp) {
    args.insert(args.end(), {"--tcp", "0"});
  } else {
    args.insert(args.end(), {"--pty", temp_path("unplug")});
  }
  SimProcess sim(INTERGAS_SIM_BINARY, args);
  ASSERT_TRUE(sim.ok()) << sim.log();
  auto c = client_for(sim.device(), options_for(Model::hre));
  std::vector<Notice> notices;
  ASSERT_FALSE(open_blocking(*c, milliseconds(3000), notices));
  ASSERT_TRUE(cycle(*c).health.up);

  ASSERT_EQ(sim.control("hangup 0").rfind("ok", 0), 0u);
  // Each cycle waits for its requests (or the hang-up itself): no pause is needed between them.
  bool lost = false;
  for (int i = 0; i < 20 && !lost; ++i) {
    CycleReport r = cycle(*c);
    lost = !r.health.link_open;
    if (!lost) {
      EXPECT_FALSE(r.health.up);
    }
  }
  ASSERT_TRUE(lost) << "the hang-up was not detected\n" << sim.log();
  CycleReport down = cycle(*c);
  EXPECT_FALSE(down.health.up);
  EXPECT_FALSE(down.health.link_open);

  ASSERT_EQ(sim.control("return 0").rfind("ok", 0), 0u);
  bool back = false;
  const auto until = Clock::now() + milliseconds(5000);
  while (!back && Clock::now() < until) {
    step(*c, Clock::now() + milliseconds(50));
    if (c->poll_events() == POLLIN) back = cycle(*c).health.up;
  }
  EXPECT_TRUE(back) << sim.log();
  EXPECT_EQ(c->reconnects(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Links, SurvivesUnplug,
                         ::testing::Values(Transport{false}, Transport{true}),
                         [](const ::testing::TestParamInfo<Transport>& p) {
                           return p.param.tcp ? "Tcp" : "Pty";
                         });

TEST(BoilerClientCycles, AReadDuringARunningCycleKeepsThatCyclesReplies) {
  SimProcess sim(INTERGAS_SIM_BINARY,
                 {"--pty", temp_path("overlap"), "--no-pace", "--latency-ms", "20"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  auto c = client_for(sim.device(), options_for(Model::hre));
  std::vector<Notice> notices;
  ASSERT_FALSE(open_blocking(*c, milliseconds(3000), notices));
  c->begin_cycle(Clock::now());
  step(*c, Clock::now() + milliseconds(100));
  c->begin_cycle(Clock::now());  // the next read arrives while the first cycle runs
  std::vector<CycleReport> reports;
  const auto until = Clock::now() + milliseconds(8000);
  while (reports.size() < 2 && Clock::now() < until) {
    step(*c, Clock::now() + milliseconds(50));
    while (auto r = c->take_report()) reports.push_back(std::move(*r));
  }
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].replies.size(), 7u) << "every group of the first cycle is reported";
  EXPECT_EQ(reports[1].replies.size(), 7u);
  EXPECT_TRUE(reports[0].failures.empty());
}

// collectd's first read comes as it starts, before the poll loop has opened the link: the
// cycle opens it and reads, instead of reporting a link never tried as down.
TEST(BoilerClientCycles, TheFirstReadOpensTheLinkItFinds) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("first"), "--no-pace"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  auto c = client_for(sim.device(), options_for(Model::hre));
  const CycleReport r = cycle(*c);  // begins the cycle: no tick, no open before it
  EXPECT_TRUE(r.health.link_open);
  EXPECT_TRUE(r.health.up) << sim.log();
}

TEST(BoilerClientTcp, ReadsABridgeGivenByHostName) {
  SimProcess sim(INTERGAS_SIM_BINARY, {"--tcp", "0", "--no-pace", "--latency-ms", "10"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  std::string device = sim.device();  // tcp://127.0.0.1:PORT
  device.replace(device.find("127.0.0.1"), 9, "localhost");
  auto c = client_for(device, options_for(Model::hre));
  std::vector<Notice> notices;
  ASSERT_FALSE(open_blocking(*c, milliseconds(5000), notices));
  const CycleReport r = cycle(*c);
  EXPECT_TRUE(r.health.up) << sim.log();
  EXPECT_TRUE(r.failures.empty());
}

TEST(BoilerClientExclusive, ASecondReaderOnOneSerialDeviceIsRefused) {
  SimProcess sim(INTERGAS_SIM_BINARY,
                 {"--pty", temp_path("excl"), "--no-pace", "--latency-ms", "0"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  auto first = client_for(sim.device(), options_for(Model::hre));
  auto second = client_for(sim.device(), options_for(Model::hre));
  std::vector<Notice> notices;
  ASSERT_FALSE(open_blocking(*first, milliseconds(3000), notices));
  auto refused = open_blocking(*second, milliseconds(3000), notices);
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->find("busy"), std::string::npos) << *refused;
  EXPECT_TRUE(cycle(*first).health.up) << "the first reader is undisturbed";
}

TEST(PollerTest, DrivesManyBoilersFromOneThread) {
  constexpr int kBoilers = 6;
  SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", temp_path("poller"), "--count",
                                       std::to_string(kBoilers), "--latency-ms", "100"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  std::mutex m;
  std::condition_variable reported;
  std::map<std::size_t, CycleReport> reports;
  std::size_t report_count = 0;
  Poller poller(
      [&](std::size_t i, CycleReport&& r) {
        std::lock_guard<std::mutex> lock(m);
        reports[i] = std::move(r);
        ++report_count;
        reported.notify_all();
      },
      [](std::size_t, Notice&&) {});
  for (int i = 0; i < kBoilers; ++i) {
    poller.add(client_for(sim.device(static_cast<std::size_t>(i)),
                          options_for(Model::hre, milliseconds(600))));
  }
  std::string why = "not returned";
  std::thread loop([&] { why = poller.run(); });
  // The first request may find a link still opening: each boiler whose latest report was not up
  // (or that has none yet) is asked again whenever a report comes, or 2 s passed without one.
  auto is_up = [](const CycleReport& r) { return r.health.up && r.replies.size() >= 7; };
  auto all_up = [&] {
    if (reports.size() != kBoilers) return false;
    for (const auto& entry : reports) {
      if (!is_up(entry.second)) return false;
    }
    return true;
  };
  const auto until = Clock::now() + milliseconds(15000);
  std::unique_lock<std::mutex> lock(m);
  while (!all_up() && Clock::now() < until) {
    std::vector<std::size_t> again;
    for (std::size_t i = 0; i < kBoilers; ++i) {
      const auto it = reports.find(i);
      if (it == reports.end() || !is_up(it->second)) again.push_back(i);
    }
    const std::size_t seen = report_count;
    lock.unlock();
    for (std::size_t i : again) poller.request_cycle(i);
    lock.lock();
    reported.wait_until(lock, std::min(until, Clock::now() + milliseconds(2000)),
                        [&] { return report_count != seen; });
  }
  const bool every_boiler_up = all_up();
  lock.unlock();
  poller.stop();
  loop.join();  // returns after stop() (ctest's timeout would catch a loop that does not)
  EXPECT_TRUE(every_boiler_up) << sim.log();
  EXPECT_EQ(why, "") << "stopped, not died";
}

}  // namespace
}  // namespace intergas
