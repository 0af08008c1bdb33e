// Coexistence with the collectd its owner already runs (issue 9), against a real `collectd -f`:
// * alerting the collectd way: the threshold block of collectd.conf.example, uncommented, turns a
//   lockout of the simulated boiler into a FAILURE notification naming the boiler and its end
//   into an OKAY one, printed by logfile and handed to an exec NotificationExec script;
// * stock plugins loaded beside ours (load, memory, and an exec script PUTVALing the stock GAUGE
//   type `requests`) keep their names, kinds and values, exactly as in a collectd without ours.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "collectd_process.h"
#include "sim/boiler_state.h"
#include "sim_process.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using test::CollectdOptions;
using test::CollectdProcess;
using test::eventually;
using test::Sample;
using test::SimProcess;

constexpr const char* kBoiler = "attic";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The commented threshold block of collectd.conf.example, uncommented: from "#LoadPlugin
// threshold" to the first "#</Plugin>", each line without its leading '#'. The explanations inside
// the block are written "#  # ...", so they stay comments.
std::string threshold_block_from_example() {
  std::string block;
  bool inside = false;
  for (const std::string& line : lines_of(test::read_file(INTERGAS_CONF_EXAMPLE))) {
    if (line == "#LoadPlugin threshold") inside = true;
    if (!inside) continue;
    if (line.empty() || line[0] != '#') return {};  // the block must be commented throughout
    block += line.substr(1) + "\n";
    if (line == "#</Plugin>") return block;
  }
  return {};
}

// collectd's exec plugin refuses to run a program as root (collectd-exec(5)); as root the tests
// run it as "nobody", otherwise as the current user (the only user an unprivileged collectd can
// be).
std::string exec_user() {
  if (geteuid() == 0) return "nobody";
  const passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "nobody";
}

// Every folder down to `path` must be searchable by others for "nobody" to run a script in it;
// the first one that is not, or "".
std::string unreachable_for_others(const std::string& path) {
  for (std::filesystem::path p = path; p.has_relative_path(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0) return p.string();
  }
  return {};
}

void write_script(const std::string& path, const std::string& text) {
  test::write_file(path, text);
  chmod(path.c_str(), 0755);
}

// A notification as the NotificationExec script received it: "Key: value" header lines, an empty
// line, the message (collectd-exec(5), NOTIFICATION DATA FORMAT).
struct Notification {
  std::map<std::string, std::string> header;
  std::string message;
  std::string get(const std::string& key) const {
    auto it = header.find(key);
    return it == header.end() ? std::string() : it->second;
  }
  // A numeric header ("CurrentValue: 1.000000e+00"); NAN when absent or not a number.
  double number(const std::string& key) const {
    const std::string text = get(key);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    return end == text.c_str() ? NAN : v;
  }
  double time() const {
    const double t = number("Time");
    return std::isnan(t) ? 0 : t;
  }
};

Notification parse_notification(const std::string& text) {
  Notification n;
  bool in_header = true;
  for (const std::string& line : lines_of(text)) {
    if (in_header) {
      if (line.empty()) {
        in_header = false;
        continue;
      }
      const auto colon = line.find(": ");
      if (colon != std::string::npos) n.header[line.substr(0, colon)] = line.substr(colon + 2);
    } else {
      n.message += line;
    }
  }
  return n;
}

// The notifications the handler has finished writing (files "*.done"), oldest first.
std::vector<Notification> read_notifications(const std::string& dir) {
  std::vector<Notification> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".done") == 0)
      out.push_back(parse_notification(test::read_file(entry.path().string())));
  }
  std::stable_sort(out.begin(), out.end(), [](const Notification& a, const Notification& b) {
    return a.time() < b.time();
  });
  return out;
}

std::vector<Notification> select(const std::vector<Notification>& all, const std::string& severity,
                                 const std::string& type) {
  std::vector<Notification> out;
  for (const auto& n : all) {
    if (n.get("Severity") == severity && n.get("Plugin") == "intergas" && n.get("Type") == type)
      out.push_back(n);
  }
  return out;
}

// The logfile plugin's line for a notification of the intergas plugin, up to the message.
std::string logfile_prefix(const std::string& severity, const std::string& type) {
  return "Notification: severity = " + severity +
         ", host = e2e-host, plugin = intergas, plugin_instance = " + kBoiler + ", type = " + type +
         ", message = ";
}

// Index of the first log line from `from` on containing `needle`; lines.size() if none.
std::size_t find_line(const std::vector<std::string>& lines, const std::string& needle,
                      std::size_t from = 0) {
  for (std::size_t i = from; i < lines.size(); ++i)
    if (contains(lines[i], needle)) return i;
  return lines.size();
}

double value_of(const std::vector<Sample>& samples, const std::string& name,
                const std::map<std::string, std::string>& labels) {
  const auto found = test::find_samples(samples, name, labels);
  return found.size() == 1 ? found[0].value : NAN;
}

// "/proc/meminfo" field in bytes (the file gives kB); NAN when absent.
double meminfo_bytes(const std::string& field) {
  for (const std::string& line : lines_of(test::read_file("/proc/meminfo"))) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) * 1024;
  }
  return NAN;
}

class Coexistence : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::make_temp_dir("coexist");
    ASSERT_FALSE(dir_.empty());
    // The exec plugin's programs run as another user: let them reach their scripts.
    ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
    if (geteuid() == 0) {
      ASSERT_EQ(unreachable_for_others(dir_), "")
          << "the exec plugin runs its scripts as " << exec_user()
          << ", who cannot reach this folder: set TMPDIR to a folder others can search";
    }
  }
  void TearDown() override { test::remove_temp_dir_unless_failed(dir_); }
  std::unique_ptr<SimProcess> start_sim(const std::string& profile) {
    auto sim = std::make_unique<SimProcess>(
        INTERGAS_SIM_BINARY, std::vector<std::string>{"--pty", pty_path(), "--profile", profile,
                                                      "--no-pace", "--latency-ms", "20"});
    EXPECT_TRUE(sim->ok()) << sim->log();
    return sim;
  }
  CollectdOptions options(const std::string& work_dir, const std::string& extra) const {
    CollectdOptions o;
    o.plugin_dir = INTERGAS_PLUGIN_DIR;
    o.types_db = INTERGAS_TYPES_DB;
    o.work_dir = work_dir;
    o.interval_seconds = 1;
    o.boilers_config = std::string("  <Boiler \"") + kBoiler + "\">\n    Device \"" + pty_path() +
                       "\"\n    SettleTime 0.1\n  </Boiler>\n";
    o.extra_config = extra;
    return o;
  }
  std::string pty_path() const { return dir_ + "/boiler"; }

  std::string dir_;
};

TEST_F(Coexistence, ThresholdExampleNotifiesALockoutAndItsEndNamingTheBoiler) {
  const std::string threshold = threshold_block_from_example();
  ASSERT_NE(threshold, "") << "no commented threshold block in " << INTERGAS_CONF_EXAMPLE;
  ASSERT_TRUE(contains(threshold, "<Type \"fault_active\">")) << threshold;

  // The simulator's profiles, independently of the plugin: lockout has an active fault, idle none.
  sim::BoilerState lockout, idle;
  ASSERT_TRUE(sim::make_profile("lockout", lockout));
  ASSERT_TRUE(sim::make_profile("idle", idle));
  ASSERT_TRUE(lockout.status.current_fault().has_value());
  ASSERT_FALSE(idle.status.current_fault().has_value());

  // NotificationExec: one file per notification (several handlers may run at once), renamed to
  // *.done once complete so that a half-written one is never read.
  const std::string notes = dir_ + "/notifications";
  ASSERT_EQ(mkdir(notes.c_str(), 0755), 0);
  ASSERT_EQ(chmod(notes.c_str(), 0777), 0);  // written by the exec user
  const std::string handler = dir_ + "/notify.sh";
  write_script(handler,
               "#!/bin/sh\n"
               "t=$(mktemp '" +
                   notes +
                   "/n.XXXXXX') || exit 1\n"
                   "cat > \"$t\" && mv \"$t\" \"$t.done\"\n");
  const std::string extra = threshold + "LoadPlugin exec\n<Plugin exec>\n  NotificationExec \"" +
                            exec_user() + "\" \"" + handler + "\"\n</Plugin>\n";

  auto sim = start_sim("heating");
  CollectdProcess collectd(options(dir_, extra));
  ASSERT_TRUE(collectd.start()) << collectd.log();
  const std::map<std::string, std::string> boiler = {{"intergas", kBoiler}};
  ASSERT_TRUE(eventually(
      [&] {
        const auto s = collectd.samples();
        return value_of(s, "collectd_intergas_up", boiler) == 1 &&
               value_of(s, "collectd_intergas_fault_active", boiler) == 0;
      },
      milliseconds(15000)))
      << collectd.log();
  EXPECT_TRUE(select(read_notifications(notes), "FAILURE", "fault_active").empty());

  // Lockout: one FAILURE for fault_active, naming the boiler, through logfile and exec alike.
  ASSERT_EQ(sim->control("profile lockout"), "ok profile lockout all");
  std::vector<Notification> failures;
  ASSERT_TRUE(eventually(
      [&] {
        return !(failures = select(read_notifications(notes), "FAILURE", "fault_active")).empty();
      },
      milliseconds(15000)))
      << collectd.log();
  const Notification failure = failures.front();
  EXPECT_EQ(failure.get("Host"), "e2e-host");
  EXPECT_EQ(failure.get("PluginInstance"), kBoiler);
  EXPECT_DOUBLE_EQ(failure.number("CurrentValue"), 1);
  EXPECT_DOUBLE_EQ(failure.number("FailureMax"), 0.5);  // the example's threshold
  EXPECT_TRUE(
      contains(failure.message, std::string("(instance ") + kBoiler + ") type fault_active"))
      << failure.message;
  EXPECT_TRUE(contains(failure.message, "above the failure threshold")) << failure.message;
  EXPECT_EQ(value_of(collectd.samples(), "collectd_intergas_fault_active", boiler), 1);

  std::vector<std::string> log;
  const std::string failure_line = logfile_prefix("FAILURE", "fault_active");
  ASSERT_TRUE(eventually(
      [&] { return find_line(log = lines_of(collectd.log()), failure_line) < log.size(); },
      milliseconds(5000)))
      << collectd.log();

  // Back to normal: an OKAY for fault_active, after the FAILURE.
  ASSERT_EQ(sim->control("profile idle"), "ok profile idle all");
  std::vector<Notification> okays;
  ASSERT_TRUE(eventually(
      [&] {
        okays.clear();
        for (const auto& n : select(read_notifications(notes), "OKAY", "fault_active"))
          if (n.time() > failure.time()) okays.push_back(n);
        return !okays.empty();
      },
      milliseconds(15000)))
      << collectd.log();
  EXPECT_EQ(okays.front().get("PluginInstance"), kBoiler);
  EXPECT_DOUBLE_EQ(okays.front().number("CurrentValue"), 0);
  EXPECT_TRUE(contains(okays.front().message, std::string("(instance ") + kBoiler +
                                                  ") type fault_active: All data sources are "
                                                  "within range again"))
      << okays.front().message;

  const std::string okay_line = logfile_prefix("OKAY", "fault_active");
  ASSERT_TRUE(eventually(
      [&] {
        log = lines_of(collectd.log());
        return find_line(log, okay_line, find_line(log, failure_line)) < log.size();
      },
      milliseconds(5000)))
      << collectd.log();
  const std::size_t at_failure = find_line(log, failure_line);
  const std::size_t at_okay = find_line(log, okay_line, at_failure);
  std::printf("%s\n%s\n", log[at_failure].c_str(), log[at_okay].c_str());
  EXPECT_TRUE(contains(log[at_failure], std::string("(instance ") + kBoiler + ")"));

  // Persist is off: one notification per change of state, not one per read.
  EXPECT_EQ(select(read_notifications(notes), "FAILURE", "fault_active").size(), 1u);
  // The boiler answered throughout: the "up" threshold stayed quiet.
  EXPECT_TRUE(select(read_notifications(notes), "FAILURE", "up").empty()) << collectd.log();
}

// What write_prometheus shows of the stock plugins: every HELP/TYPE line and every series
// (name and labels, not values) of the families that are not the intergas plugin's.
struct StockView {
  std::set<std::string> meta;    // "# HELP ..." and "# TYPE ..." lines
  std::set<std::string> series;  // name{label="value",...}
};

StockView stock_view(const std::string& scrape) {
  StockView v;
  for (const std::string& line : lines_of(scrape)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      if (line.compare(7, 18, "collectd_intergas_") != 0) v.meta.insert(line);
    }
  }
  for (const Sample& s : test::parse_exposition(scrape)) {
    if (s.name.rfind("collectd_intergas_", 0) == 0) continue;
    std::string id = s.name + "{";
    for (const auto& [k, value] : s.labels) id += k + "=\"" + value + "\",";
    v.series.insert(id + "}");
  }
  return v;
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& line : s) out += "  " + line + "\n";
  return out;
}

TEST_F(Coexistence, StockPluginsKeepTheirNamesKindsAndValuesBesideIntergas) {
  // An exec script as its owner might already run: the stock type `requests` (GAUGE in
  // types.db), which intergas 0.1.0 redefined as a DERIVE.
  const std::string putval = dir_ + "/putval.sh";
  write_script(putval,
               "#!/bin/sh\n"
               "while :; do\n"
               "  echo \"PUTVAL \\\"$COLLECTD_HOSTNAME/exec-coexist/requests-x\\\" interval=1 "
               "N:42\" || exit 0\n"
               "  sleep 1\n"
               "done\n");
  const std::string stock =
      "LoadPlugin load\nLoadPlugin memory\nLoadPlugin exec\n<Plugin exec>\n"
      "  Exec \"" +
      exec_user() + "\" \"" + putval + "\"\n</Plugin>\n";
  const std::map<std::string, std::string> requests = {
      {"exec", "coexist"}, {"type", "x"}, {"instance", "e2e-host"}};
  const char* const load_names[] = {"collectd_load_shortterm", "collectd_load_midterm",
                                    "collectd_load_longterm"};
  auto stock_values_present = [&](const std::vector<Sample>& s) {
    // exec's value under either name: which one is for the assertions below to say.
    bool ok = (!test::find_samples(s, "collectd_exec_requests", requests).empty() ||
               !test::find_samples(s, "collectd_exec_requests_total", requests).empty()) &&
              !test::find_samples(s, "collectd_memory", {{"memory", "free"}}).empty();
    for (const char* name : load_names) ok = ok && !test::find_samples(s, name).empty();
    return ok;
  };

  // 1. Beside the intergas plugin.
  auto sim = start_sim("heating");
  std::string with_scrape;
  {
    CollectdProcess collectd(options(dir_, stock));
    ASSERT_TRUE(collectd.start()) << collectd.log();
    ASSERT_TRUE(eventually(
        [&] {
          const auto s = collectd.samples();
          return stock_values_present(s) &&
                 value_of(s, "collectd_intergas_up", {{"intergas", kBoiler}}) == 1;
        },
        milliseconds(15000)))
        << collectd.scrape() << collectd.log();
    with_scrape = collectd.scrape();
    const double mem_total = meminfo_bytes("MemTotal"), mem_free = meminfo_bytes("MemFree");
    std::istringstream loadavg(test::read_file("/proc/loadavg"));
    double proc_load[3] = {NAN, NAN, NAN};
    loadavg >> proc_load[0] >> proc_load[1] >> proc_load[2];
    const auto samples = test::parse_exposition(with_scrape);

    // exec's `requests`: the stock GAUGE, no _total, the value as sent.
    EXPECT_TRUE(contains(with_scrape, "\n# TYPE collectd_exec_requests gauge\n")) << with_scrape;
    EXPECT_FALSE(contains(with_scrape, "collectd_exec_requests_total")) << with_scrape;
    EXPECT_EQ(value_of(samples, "collectd_exec_requests", requests), 42);

    // load: three gauges, near /proc/loadavg read just now (the 15-minute one barely moves).
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(contains(with_scrape, std::string("\n# TYPE ") + load_names[i] + " gauge\n"))
          << with_scrape;
      const double v = value_of(samples, load_names[i], {{"instance", "e2e-host"}});
      const double tolerance = i == 2 ? 0.5 : 1.0 + 0.5 * proc_load[i];
      EXPECT_NEAR(v, proc_load[i], tolerance) << load_names[i];
    }

    // memory: one gauge family; its parts add up to MemTotal (collectd computes "used" as the
    // rest), and "free" is near MemFree read just now.
    EXPECT_TRUE(contains(with_scrape, "\n# TYPE collectd_memory gauge\n")) << with_scrape;
    double sum = 0;
    for (const Sample& s : test::find_samples(samples, "collectd_memory")) {
      EXPECT_GE(s.value, 0) << s.labels.at("memory");
      sum += s.value;
    }
    EXPECT_NEAR(sum, mem_total, 0.01 * mem_total);
    EXPECT_NEAR(value_of(samples, "collectd_memory", {{"memory", "free"}}), mem_free,
                0.1 * mem_total);

    // The intergas plugin made collectd neither replace a type nor complain, up to its shutdown.
    EXPECT_TRUE(collectd.process().stop(SIGTERM, milliseconds(10000)).has_value());
    for (const std::string& line : lines_of(collectd.log())) {
      EXPECT_FALSE(contains(line, "Replacing DS")) << line;
      if (contains(line, "intergas")) {
        EXPECT_FALSE(contains(line, "[warning]") || contains(line, "[error]")) << line;
      }
    }
    EXPECT_TRUE(contains(collectd.log(), "[info] plugin_load: plugin \"intergas\" successfully"))
        << "the log is expected with PrintSeverity: " << collectd.log();
  }

  // 2. The same stock plugins in a collectd without ours (and without its types).
  const std::string stock_dir = dir_ + "/stock";
  ASSERT_EQ(mkdir(stock_dir.c_str(), 0755), 0);
  CollectdOptions o = options(stock_dir, stock);
  o.load_intergas = false;
  CollectdProcess plain(o);
  ASSERT_TRUE(plain.start()) << plain.log();
  ASSERT_TRUE(
      eventually([&] { return stock_values_present(plain.samples()); }, milliseconds(15000)))
      << plain.scrape() << plain.log();
  const std::string plain_scrape = plain.scrape();
  EXPECT_FALSE(contains(plain_scrape, "collectd_intergas_")) << plain_scrape;
  EXPECT_TRUE(contains(plain_scrape, "\n# TYPE collectd_exec_requests gauge\n")) << plain_scrape;

  const StockView with = stock_view(with_scrape), without = stock_view(plain_scrape);
  EXPECT_EQ(joined(with.meta), joined(without.meta));
  EXPECT_EQ(joined(with.series), joined(without.series));
  EXPECT_GE(with.series.size(), 5u) << joined(with.series);
  EXPECT_TRUE(plain.process().stop(SIGTERM, milliseconds(10000)).has_value());
}

}  // namespace
}  // namespace intergas
