// End to end: intergas-sim -> a real `collectd -f` with intergas.so -> write_prometheus scraped
// over HTTP (and the csv writer), checked against the simulator's state and with promtool.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <sstream>
#include <thread>

#include "client/metrics.h"
#include "collectd_process.h"
#include "collectd_test.h"
#include "sim/boiler_state.h"
#include "sim/frame_encoder.h"
#include "sim_process.h"
#include "tests/frames/expected_metrics.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using test::CollectdOptions;
using test::CollectdProcess;
using test::eventually;
using test::Sample;
using test::SimProcess;

constexpr const char* kBoiler = "kitchen";

std::string prometheus_name(const Metric& m) {
  return "collectd_intergas_" + m.type + (m.kind == DsKind::derive ? "_total" : "");
}

std::map<std::string, std::string> labels_of(const Metric& m, const std::string& boiler) {
  std::map<std::string, std::string> l = {{"intergas", boiler}, {"instance", "e2e-host"}};
  if (!m.type_instance.empty()) l["type"] = m.type_instance;
  return l;
}

// What the plugin must export for a boiler in `state` (every group read once): for each command,
// the source's own decoding of the published frame the simulator answers it with
// (tests/frames), never the output of the mapping under test.
std::vector<Metric> expected_metrics(const sim::BoilerState& s) {
  std::vector<Metric> out;
  for (Command c : kAllCommands) {
    if (!is_asked_of(c, s.model)) continue;  // D2: the Xtreme's alone
    const golden::RealFrame* f = golden::find_frame(c, sim::encode_data(s, c));
    if (f == nullptr) {
      ADD_FAILURE() << command_name(c) << ": the profile's frame is not in tests/frames";
      continue;
    }
    for (Metric& m : golden::expected_metrics(*f)) out.push_back(std::move(m));
  }
  return out;
}

// Every expected series is present with the simulator's value; no boiler-data series is extra.
// Returns a description of the first mismatch, or "".
std::string compare(const std::vector<Sample>& samples, const std::vector<Metric>& expected,
                    const std::string& boiler) {
  std::map<std::pair<std::string, std::string>, bool> wanted;
  for (const Metric& m : expected) {
    const auto found = test::find_samples(samples, prometheus_name(m), labels_of(m, boiler));
    if (found.size() != 1)
      return "missing " + prometheus_name(m) + "{type=" + m.type_instance + "}";
    if (!golden::same_value(found[0].value, m.value())) {
      return prometheus_name(m) + "{type=" + m.type_instance +
             "} = " + std::to_string(found[0].value) + ", simulator has " +
             std::to_string(m.value());
    }
    wanted[{prometheus_name(m), m.type_instance}] = true;
  }
  // The health series (docs/metrics.md's second table), as the metric contract lists them.
  static const std::vector<std::string> health = [] {
    std::vector<std::string> names;
    for (const MetricType& t : kMetricTypes) {
      if (t.group != MetricGroup::health) continue;
      Metric m;
      m.type = std::string(t.name);
      m.kind = t.kind;
      names.push_back(prometheus_name(m));
    }
    return names;
  }();
  for (const Sample& s : samples) {
    if (s.name.rfind("collectd_intergas_", 0) != 0) continue;
    auto it = s.labels.find("intergas");
    if (it == s.labels.end() || it->second != boiler) continue;
    bool is_health = false;
    for (const auto& h : health) is_health = is_health || s.name == h;
    const auto t = s.labels.count("type") ? s.labels.at("type") : std::string();
    if (!is_health && !wanted.count({s.name, t}))
      return "unexpected series " + s.name + "{type=" + t + "}";
  }
  return "";
}

double value_of(const std::vector<Sample>& samples, const std::string& name,
                std::map<std::string, std::string> labels = {}) {
  labels["intergas"] = kBoiler;
  auto found = test::find_samples(samples, name, labels);
  return found.size() == 1 ? found[0].value : NAN;
}

class CollectdE2E : public test::CollectdTest {
 protected:
  static std::string boiler_block(const std::string& device, const std::string& extra = "",
                                  const std::string& reply_timeout = "0.5") {
    return std::string("  <Boiler \"") + kBoiler + "\">\n    Device \"" + device +
           "\"\n    ReplyTimeout " + reply_timeout + "\n    SettleTime 0.1\n" + extra +
           "  </Boiler>\n";
  }
  std::string pty_path() const { return dir_ + "/boiler"; }
  // Reads a boiler with every kind of fault for `seconds`, checking every scrape; with
  // `every_reason`, each failure reason must have been counted (a long run's property: a short
  // one sees a handful of failures).
  void soak(int seconds, bool every_reason);
};

TEST_F(CollectdE2E, EverySeriesEqualsTheSimulatorStateAndPassesPromtool) {
  auto sim = start_sim({"--pty", pty_path(), "--profile", "heating", "--latency-ms", "100"});
  auto collectd = start_collectd(boiler_block(pty_path()));
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile("heating", state));
  const auto expected = expected_metrics(state);

  std::string mismatch = "no scrape yet";
  eventually([&] { return (mismatch = compare(collectd->samples(), expected, kBoiler)).empty(); },
             milliseconds(20000));
  ASSERT_EQ(mismatch, "") << collectd->log() << sim->log();

  const std::string scrape = collectd->scrape();
  const auto samples = test::parse_exposition(scrape);
  EXPECT_EQ(value_of(samples, "collectd_intergas_up"), 1);
  EXPECT_EQ(value_of(samples, "collectd_intergas_link_open"), 1);
  EXPECT_GE(value_of(samples, "collectd_intergas_requests_sent_total", {{"type", "status"}}), 1);
  EXPECT_EQ(value_of(samples, "collectd_intergas_request_failures_total", {{"type", "timeout"}}),
            0);
  const double duration =
      value_of(samples, "collectd_intergas_request_duration_seconds", {{"type", "status"}});
  EXPECT_GT(duration, 0.13) << "100 ms latency plus 33 ms of 9600-baud wire time";
  EXPECT_LT(duration, 0.5) << "a reply within its ReplyTimeout (0.5 s): none timed out";

  test::write_file(dir_ + "/scrape.txt", scrape);
  const auto promtool = test::run_command(
      {"/bin/sh", "-c", "promtool check metrics < '" + dir_ + "/scrape.txt'"}, milliseconds(30000));
  EXPECT_EQ(promtool.exit_code, 0) << promtool.output;

  // The csv writer gets the same values:
  // <DataDir>/<host>/intergas-<boiler>/<type>-<instance>-<date>.
  char date[16];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::localtime(&now));
  const std::string csv = test::read_file(collectd->csv_dir() + "/e2e-host/intergas-" + kBoiler +
                                          "/temperature_celsius-supply-" + date);
  ASSERT_FALSE(csv.empty()) << "no csv file";
  const std::string last = csv.substr(csv.rfind('\n', csv.size() - 2) + 1);
  EXPECT_DOUBLE_EQ(std::stod(last.substr(last.find(',') + 1)), *state.status.supply_celsius) << csv;
  const std::string gas = test::read_file(collectd->csv_dir() + "/e2e-host/intergas-" + kBoiler +
                                          "/gas_liters-ch-" + date);
  ASSERT_FALSE(gas.empty());
  const std::string gas_last = gas.substr(gas.rfind('\n', gas.size() - 2) + 1);
  EXPECT_EQ(std::stoll(gas_last.substr(gas_last.find(',') + 1)),
            state.counters.gas_ch_decilitres / 10);
}

TEST_F(CollectdE2E, ReadsAPacedXtremeOverTcp) {
  auto sim = start_sim({"--tcp", "0", "--profile", "xtreme", "--latency-ms", "100"});
  auto collectd = start_collectd(boiler_block(sim->device(), "    Model \"xtreme\"\n"));
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile("xtreme", state));
  std::string mismatch;
  eventually(
      [&] {
        return (mismatch = compare(collectd->samples(), expected_metrics(state), kBoiler)).empty();
      },
      milliseconds(20000));
  EXPECT_EQ(mismatch, "") << collectd->log() << sim->log();
  EXPECT_EQ(value_of(collectd->samples(), "collectd_intergas_request_failures_total",
                     {{"type", "checksum"}}),
            0);
}

TEST_F(CollectdE2E, LockoutShowsTheActiveFaultAndItsCode) {
  auto sim =
      start_sim({"--pty", pty_path(), "--profile", "lockout", "--no-pace", "--latency-ms", "20"});
  auto collectd = start_collectd(boiler_block(pty_path()));
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile("lockout", state));
  ASSERT_TRUE(state.status.current_fault().has_value());
  ASSERT_TRUE(eventually(
      [&] { return value_of(collectd->samples(), "collectd_intergas_fault_active") == 1; },
      milliseconds(15000)))
      << collectd->log();
  const auto s = collectd->samples();
  EXPECT_EQ(value_of(s, "collectd_intergas_fault_code", {{"type", "current"}}),
            *state.status.current_fault());
  EXPECT_EQ(value_of(s, "collectd_intergas_burner_state", {{"type", "lockout"}}), 1);
}

TEST_F(CollectdE2E, UnplugTakesUpToZeroAndReplugBackWithoutRestartingCollectd) {
  auto sim = start_sim({"--pty", pty_path(), "--no-pace", "--latency-ms", "20"});
  auto collectd = start_collectd(boiler_block(pty_path()));
  const pid_t collectd_pid = collectd->process().pid();
  ASSERT_TRUE(eventually([&] { return value_of(collectd->samples(), "collectd_intergas_up") == 1; },
                         milliseconds(15000)))
      << collectd->log();

  ASSERT_TRUE(sim->process().stop(SIGTERM, milliseconds(5000)).has_value());  // unplugged
  ASSERT_TRUE(eventually(
      [&] {
        const auto s = collectd->samples();
        return value_of(s, "collectd_intergas_up") == 0 &&
               value_of(s, "collectd_intergas_link_open") == 0;
      },
      milliseconds(10000)))
      << collectd->log();

  sim = start_sim({"--pty", pty_path(), "--no-pace", "--latency-ms", "20"});  // plugged back in
  // Back-off is capped at the 1 s interval, so within two intervals plus a cycle.
  ASSERT_TRUE(eventually([&] { return value_of(collectd->samples(), "collectd_intergas_up") == 1; },
                         milliseconds(5000)))
      << collectd->log();
  EXPECT_GE(value_of(collectd->samples(), "collectd_intergas_reconnects_total"), 1);
  EXPECT_EQ(collectd->process().pid(), collectd_pid);
  EXPECT_TRUE(collectd->process().running());
  const std::string log = collectd->log();
  EXPECT_NE(log.find("Boiler \"kitchen\": lost"), std::string::npos) << log;
  EXPECT_NE(log.find("Boiler \"kitchen\": reopened"), std::string::npos) << log;
}

TEST_F(CollectdE2E, StopsWithoutWaitingForAnOutstandingRequest) {
  auto sim = start_sim({"--pty", pty_path(), "--no-pace", "--fault-rate", "silence=1"});
  // The longest reply timeout there is: a shutdown must not wait for it.
  auto collectd = start_collectd(boiler_block(pty_path(), "    Interval 20\n", "9.5"));
  // The simulator got the status request and will never answer it: outstanding for 9.5 s.
  ASSERT_TRUE(
      eventually([&] { return sim->log().find("fault silence on status") != std::string::npos; },
                 milliseconds(10000)))
      << collectd->log() << sim->log();
  // Gone before that request's timeout could have ended: a shutdown that waited for it would
  // take 9.5 s at least (no guess at how fast a stop is).
  const auto status = collectd->process().stop(SIGTERM, milliseconds(9000));
  EXPECT_TRUE(status.has_value()) << collectd->log();
}

struct ConfigError {
  const char* name;
  const char* boilers;
  const char* message;
};

class CollectdConfigErrors : public CollectdE2E,
                             public ::testing::WithParamInterface<ConfigError> {};

TEST_P(CollectdConfigErrors, StopCollectdWithAMessageNamingBoilerAndOption) {
  CollectdOptions o;
  o.plugin_dir = INTERGAS_PLUGIN_DIR;
  o.types_db = INTERGAS_TYPES_DB;
  o.work_dir = dir_;
  o.boilers_config = GetParam().boilers;
  const std::string conf = dir_ + "/bad.conf";
  test::write_file(conf,
                   CollectdProcess::config_text(o, test::free_tcp_port(), dir_ + "/csv", "stderr"));
  const auto r = test::run_command({"/usr/sbin/collectd", "-f", "-C", conf}, milliseconds(15000));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.exit_code, -1) << "collectd did not exit: " << r.output;
  EXPECT_NE(r.output.find(GetParam().message), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, CollectdConfigErrors,
    ::testing::Values(
        ConfigError{"UnknownOption",
                    "<Boiler \"kitchen\">\n Device \"/dev/ttyUSB0\"\n Baud 9600\n</Boiler>\n",
                    "intergas plugin: Boiler \"kitchen\": Baud: unknown option"},
        ConfigError{"MissingDevice", "<Boiler \"kitchen\">\n Model \"hre\"\n</Boiler>\n",
                    "intergas plugin: Boiler \"kitchen\": Device: missing (required)"},
        ConfigError{"DuplicateName",
                    "<Boiler \"kitchen\">\n Device \"/dev/ttyUSB0\"\n</Boiler>\n"
                    "<Boiler \"kitchen\">\n Device \"/dev/ttyUSB1\"\n</Boiler>\n",
                    "intergas plugin: Boiler \"kitchen\": defined twice"},
        ConfigError{"IntervalOutOfRange",
                    "<Boiler \"attic\">\n Device \"/dev/ttyUSB0\"\n Interval 0\n</Boiler>\n",
                    "intergas plugin: Boiler \"attic\": Interval: expects"},
        ConfigError{"BadModel",
                    "<Boiler \"attic\">\n Device \"/dev/ttyUSB0\"\n Model \"combi\"\n</Boiler>\n",
                    "intergas plugin: Boiler \"attic\": Model: expects"},
        ConfigError{"BadDevice", "<Boiler \"attic\">\n Device \"tcp://boiler\"\n</Boiler>\n",
                    "intergas plugin: Boiler \"attic\": Device: "}),
    [](const ::testing::TestParamInfo<ConfigError>& p) { return std::string(p.param.name); });

// A host with collectd's global Interval 1 adds a boiler block with nothing but a Device: collectd
// starts, the boiler is read, and neither the plugin nor collectd on its behalf logs a warning
// (no ReplyTimeout that does not fit, no "Replacing DS", no StalenessDelta notice from
// write_prometheus about a group read too rarely).
TEST_F(CollectdE2E, GlobalIntervalOneWithADefaultBlockStartsWithoutAWarning) {
  auto sim = start_sim({"--pty", pty_path(), "--profile", "heating", "--latency-ms", "100"});
  auto collectd = start_collectd("  <Boiler \"" + std::string(kBoiler) + "\">\n    Device \"" +
                                     pty_path() + "\"\n  </Boiler>\n",
                                 /*interval=*/1);
  // Every group has been read (version last) and a few status cycles have passed since.
  ASSERT_TRUE(eventually(
      [&] {
        const auto samples = collectd->samples();
        return value_of(samples, "collectd_intergas_requests_sent_total", {{"type", "version"}}) >=
                   1 &&
               value_of(samples, "collectd_intergas_requests_sent_total", {{"type", "status"}}) >=
                   5 &&
               value_of(samples, "collectd_intergas_up") == 1;
      },
      milliseconds(30000)))
      << collectd->log() << sim->log();
  const auto samples = collectd->samples();
  EXPECT_EQ(
      value_of(samples, "collectd_intergas_firmware_info", {{"type", "ic3mk1 P190517 V2.53"}}), 1)
      << "the version group is served";
  const std::string log = collectd->log();
  // Every warning, error or notice line but the one write_prometheus prints about its own HTTP
  // library with any configuration.
  std::string unexpected;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const bool loud = line.find("[warning]") != std::string::npos ||
                      line.find("[error]") != std::string::npos ||
                      line.find("[notice]") != std::string::npos;
    if (loud && line.find("MHD_OPTION_EXTERNAL_LOGGER") == std::string::npos)
      unexpected += line + "\n";
  }
  EXPECT_EQ(unexpected, "") << log;
  EXPECT_EQ(log.find("StalenessDelta"), std::string::npos) << log;
  EXPECT_EQ(log.find("Replacing DS"), std::string::npos) << log;
  EXPECT_NE(log.find("intergas plugin: Boiler \"kitchen\": ReplyTimeout 425 ms, fitted to the "
                     "read interval (1000 ms)"),
            std::string::npos)
      << log;
}

// HealthInterval 4 at Interval 1: up is written on every read, the link accounting every fourth
// (the csv writer keeps one row per dispatch, after its header line).
TEST_F(CollectdE2E, HealthIntervalThinsOnlyTheLinkAccounting) {
  auto sim = start_sim({"--pty", pty_path(), "--profile", "idle", "--no-pace"});
  auto collectd = start_collectd(boiler_block(pty_path(), "    HealthInterval 4\n"));
  char date[16];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::localtime(&now));
  const std::string dir = collectd->csv_dir() + "/e2e-host/intergas-" + kBoiler + "/";
  auto rows = [&](const std::string& file) {
    const std::string text = test::read_file(dir + file + "-" + date);
    const long lines = std::count(text.begin(), text.end(), '\n');
    return lines > 0 ? lines - 1 : 0;  // the header
  };
  ASSERT_TRUE(eventually([&] { return rows("up") >= 13; }, milliseconds(30000))) << collectd->log();
  const long up = rows("up");
  const long accounting = rows("requests_sent-status");
  EXPECT_GE(accounting, up / 4 - 1) << "every fourth read";
  EXPECT_LE(accounting, up / 4 + 2);
  EXPECT_GE(accounting, 2);
}

// Without intergas.types.db in TypesDB, init refuses to run (a value of an unknown type would be
// dropped with only an info line), says how to fix it, and `collectd -T` fails.
TEST_F(CollectdE2E, MissingTypesDbIsRefusedAtInit) {
  CollectdOptions o;
  o.plugin_dir = INTERGAS_PLUGIN_DIR;
  o.types_db = INTERGAS_TYPES_DB;
  o.work_dir = dir_;
  o.boilers_config = boiler_block(pty_path());
  std::string conf =
      CollectdProcess::config_text(o, test::free_tcp_port(), dir_ + "/csv", "stderr");
  const std::string both =
      "\"/usr/share/collectd/types.db\" \"" + std::string(INTERGAS_TYPES_DB) + "\"";
  const auto at = conf.find(both);
  ASSERT_NE(at, std::string::npos);
  conf.replace(at, both.size(), "\"/usr/share/collectd/types.db\"");
  test::write_file(dir_ + "/missing.conf", conf);
  const auto r = test::run_command({"/usr/sbin/collectd", "-T", "-C", dir_ + "/missing.conf"},
                                   milliseconds(15000));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("intergas plugin: type \"temperature_celsius\" is unknown: add "
                          "intergas.types.db to TypesDB"),
            std::string::npos)
      << r.output;
}

// A counter that goes back on the line is held, and taken as the new baseline only once the boiler
// keeps sending it (three reads), with one line in the log (docs/metrics.md, "Counters never go
// back").
TEST_F(CollectdE2E, ACounterThatGoesBackIsHeldThenTakenOnceItStays) {
  auto sim = start_sim({"--pty", pty_path(), "--profile", "heating", "--latency-ms", "20"});
  auto collectd = start_collectd(boiler_block(pty_path(), "    Schedule \"counters\" 1\n"));
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile("heating", state));
  const std::int64_t before = state.counters.gas_ch_decilitres / 10;
  auto gas = [&] {
    return value_of(collectd->samples(), "collectd_intergas_gas_liters_total", {{"type", "ch"}});
  };
  ASSERT_TRUE(eventually([&] { return gas() == static_cast<double>(before); }, milliseconds(15000)))
      << collectd->log();
  // A replaced controller: 5.0 L.
  ASSERT_EQ(sim->control("set counters.gas_ch_decilitres 50").rfind("ok", 0), 0u);
  ASSERT_TRUE(eventually([&] { return gas() == 5; }, milliseconds(15000))) << collectd->log();
  const std::string log = collectd->log();
  EXPECT_NE(log.find("Boiler \"" + std::string(kBoiler) +
                     "\": gas_liters/ch: 5 not dispatched: " + "below " + std::to_string(before)),
            std::string::npos)
      << log;
  const std::string rebaseline = "gas_liters/ch: 3 reads agree on 5 (" + std::to_string(before) +
                                 " dispatched before): taken as the new baseline";
  const auto at = log.find(rebaseline);
  EXPECT_NE(at, std::string::npos) << log;
  EXPECT_EQ(log.find(rebaseline, at + 1), std::string::npos) << "said once\n" << log;
}

// A soak: every kind of fault at a few percent of replies; not one exported value may differ
// from the published values of the frames the simulator serves, and each failure is counted. The
// logic is soaked in virtual time over thousands of cycles and many seeds (virtual_time_test.cpp);
// these runs check that it holds with real processes.
void CollectdE2E::soak(int seconds, bool every_reason) {
  auto sim = start_sim({"--pty", pty_path(), "--profile", "heating", "--latency-ms", "100",
                        "--seed", "7", "--late-ms", "700", "--fault-rate",
                        "silence=0.03,short=0.03,late=0.03,stray=0.03,garbage=0.03"});
  auto collectd = start_collectd(boiler_block(pty_path(),
                                              "    Schedule \"counters\" 2\n"
                                              "    Schedule \"diagnostics\" 2\n"
                                              "    Schedule \"parameters\" 3\n"
                                              "    Schedule \"version\" 5\n"));
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile("heating", state));
  std::map<std::pair<std::string, std::string>, double> truth;
  for (const Metric& m : expected_metrics(state))
    truth[{prometheus_name(m), m.type_instance}] = m.value();

  // The status requests sent so far (0 before the first read's accounting).
  auto sent = [&](const std::vector<Sample>& samples) {
    const double n =
        value_of(samples, "collectd_intergas_requests_sent_total", {{"type", "status"}});
    return std::isnan(n) ? 0.0 : n;
  };
  int scrapes = 0, checked = 0, up_scrapes = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  // From the first read on, one scrape per read.
  ASSERT_TRUE(eventually([&] { return sent(collectd->samples()) > 0; }, milliseconds(15000)))
      << collectd->log();
  while (std::chrono::steady_clock::now() < until) {
    const auto samples = collectd->samples();
    ++scrapes;
    for (const Sample& s : samples) {
      if (s.name.rfind("collectd_intergas_", 0) != 0) continue;
      const std::string t = s.labels.count("type") ? s.labels.at("type") : "";
      auto it = truth.find({s.name, t});
      if (it == truth.end()) continue;  // health series
      ++checked;
      ASSERT_TRUE(golden::same_value(s.value, it->second))
          << s.name << "{type=" << t << "} = " << s.value << ", simulator has " << it->second
          << "\n"
          << sim->log();
    }
    if (value_of(samples, "collectd_intergas_up") == 1) ++up_scrapes;
    // The next read: a scrape per read, not per fixed pause.
    const double before = sent(samples);
    eventually([&] { return sent(collectd->samples()) > before; }, milliseconds(5000));
  }
  const auto samples = collectd->samples();
  double failures = 0;
  for (const char* reason : {"timeout", "short_frame", "implausible"}) {
    const double n =
        value_of(samples, "collectd_intergas_request_failures_total", {{"type", reason}});
    if (every_reason) {
      EXPECT_GT(n, 0) << reason << " never counted";
    }
    failures += n;
  }
  const double requests =
      value_of(samples, "collectd_intergas_requests_sent_total", {{"type", "status"}});
  std::printf(
      "soak: %d s, %d scrapes, %d values checked, %.0f status requests, %.0f failures, up in %d%% "
      "of scrapes\n",
      seconds, scrapes, checked, requests, failures, scrapes ? up_scrapes * 100 / scrapes : 0);
  // About 60 boiler series a read and a read a second (Interval 1), most of them up.
  EXPECT_GT(checked, 30 * seconds);
  EXPECT_GT(up_scrapes * 100, scrapes * 60) << "the boiler should be up most of the time";
  EXPECT_TRUE(collectd->process().running());
}

// The quick set's smoke run.
TEST_F(CollectdE2E, ASoakWithInjectedFaultsExportsOnlyTheTruth) { soak(15, false); }

// The full set: INTERGAS_SOAK_SECONDS (default 40).
TEST_F(CollectdE2E, LongSoakWithInjectedFaultsExportsOnlyTheTruth) {
  soak(std::getenv("INTERGAS_SOAK_SECONDS") ? std::atoi(std::getenv("INTERGAS_SOAK_SECONDS")) : 40,
       true);
}

}  // namespace
}  // namespace intergas
