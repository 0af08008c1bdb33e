// More boilers than select() can watch, in one collectd (issue 11): 1100 simulated boilers on
// loopback TCP, so the plugin holds more than FD_SETSIZE (1024) descriptors, while
// write_prometheus (libmicrohttpd, select()) must keep answering scrapes. Before the links moved
// above the select() range, every scrape connection got a number past 1024 and was refused
// ("... is not less than FD_SETSIZE (1024)").
//
// The boilers are read with the status command only (every other group off) and the bulkiest
// status types excluded: the test is about descriptors, and write_prometheus's cost of adding a
// new series grows with the series it holds (docs/scaling.md), which would only slow the
// warm-up here. Prints the measured numbers (scrapes, slowest scrape, collectd RSS).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/select.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "collectd_process.h"
#include "link/fd_limit.h"
#include "sim_process.h"

namespace intergas {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test::CollectdOptions;
using test::CollectdProcess;
using test::SimProcess;

constexpr std::size_t kBoilers = 1100;
static_assert(kBoilers > FD_SETSIZE, "the point is more links than select() can watch");
constexpr int kIntervalSeconds = 10;
constexpr int kRounds = 5;  // scrapes counted, one per interval
// Bounds: the whole test normally takes about 15 s of warm-up plus kRounds intervals.
constexpr seconds kWarmUpLimit{90};
constexpr seconds kRoundLimit{3 * kIntervalSeconds};

// One boiler's collectd_intergas_up sample: value and write_prometheus's timestamp (ms).
struct Up {
  double value = 0;
  long long timestamp_ms = 0;
};

// The `up` sample of every boiler in a scrape, by the `intergas` label.
std::map<std::string, Up> up_samples(const std::string& body) {
  std::map<std::string, Up> out;
  std::istringstream in(body);
  std::string line;
  const std::string prefix = "collectd_intergas_up{";
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    const auto label = line.find("intergas=\"");
    const auto close = line.find('}');
    if (label == std::string::npos || close == std::string::npos) continue;
    const auto start = label + 10;
    const auto end = line.find('"', start);
    Up up;
    std::istringstream rest(line.substr(close + 1));
    if (!(rest >> up.value >> up.timestamp_ms)) continue;
    out[line.substr(start, end - start)] = up;
  }
  return out;
}

std::size_t count_up(const std::map<std::string, Up>& ups) {
  return static_cast<std::size_t>(
      std::count_if(ups.begin(), ups.end(), [](const auto& u) { return u.second.value == 1; }));
}

long rss_kib(pid_t pid) {
  const std::string status = test::read_file("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::stol(status.substr(at + 6));
}

void pause_for(milliseconds ms) {
  timespec ts{static_cast<time_t>(ms.count() / 1000),
              static_cast<long>((ms.count() % 1000) * 1000 * 1000)};
  nanosleep(&ts, nullptr);
}

std::string boiler_blocks(const SimProcess& sim) {
  std::ostringstream c;
  for (std::size_t i = 0; i < sim.count(); ++i) {
    c << "  <Boiler \"b" << i << "\">\n"
      << "    Device \"" << sim.device(i) << "\"\n";
    for (const char* group :
         {"status_extra", "counters", "diagnostics", "parameters", "version", "fault_stats"}) {
      c << "    Schedule \"" << group << "\" \"off\"\n";
    }
    // The status types with many instances per boiler (18, 16 and 10 series): 23 series remain.
    c << "    Exclude \"status\" \"flag\" \"burner_state\"\n";
    c << "  </Boiler>\n";
  }
  return c.str();
}

TEST(ScaleE2e, LongMoreBoilersThanFdSetsizeInOneCollectdEveryScrapeAnswered) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  const std::uint64_t need = std::max<std::uint64_t>(fd_need(kBoilers), 2 * kBoilers + 64);
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < need) {
    GTEST_SKIP() << "the hard RLIMIT_NOFILE (" << limit.rlim_max << ") is below the " << need
                 << " descriptors " << kBoilers << " boilers need";
  }

  SimProcess sim(INTERGAS_SIM_BINARY,
                 {"--tcp", "0", "--count", std::to_string(kBoilers), "--no-pace"});
  ASSERT_TRUE(sim.ok()) << sim.log();
  ASSERT_EQ(sim.count(), kBoilers);

  CollectdOptions o;
  o.plugin_dir = INTERGAS_PLUGIN_DIR;
  o.types_db = INTERGAS_TYPES_DB;
  o.work_dir = test::make_temp_dir("scale");
  o.interval_seconds = kIntervalSeconds;
  o.csv = false;
  o.boilers_config = boiler_blocks(sim);
  CollectdProcess collectd(o);
  ASSERT_TRUE(collectd.start()) << collectd.log();

  int scrapes = 0, refused = 0;
  long long slowest_ms = 0;
  // One scrape, timed; nullopt when refused or failed. Also drains the simulator's stderr.
  auto scrape = [&]() -> std::optional<std::map<std::string, Up>> {
    sim.log();
    const auto t0 = Clock::now();
    const auto body = test::http_get(collectd.port(), "/metrics", milliseconds(20000));
    const long long ms = std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
    ++scrapes;
    slowest_ms = std::max(slowest_ms, ms);
    if (!body) {
      ++refused;
      return std::nullopt;
    }
    return up_samples(*body);
  };

  // Warm-up: every link opened and every boiler answered once (every scrape answered, too).
  const auto warm_start = Clock::now();
  std::map<std::string, Up> ups;
  for (const auto until = warm_start + kWarmUpLimit; Clock::now() < until;) {
    auto got = scrape();
    ASSERT_TRUE(got) << "scrape " << scrapes << " refused during warm-up\n"
                     << collectd.log().substr(0, 4000);
    ups = std::move(*got);
    if (ups.size() == kBoilers && count_up(ups) == kBoilers) break;
    pause_for(milliseconds(1000));
  }
  const auto warm_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - warm_start).count();
  ASSERT_EQ(ups.size(), kBoilers) << "up series after " << warm_ms << " ms";
  ASSERT_EQ(count_up(ups), kBoilers) << "boilers up after " << warm_ms << " ms";
  const int warm_scrapes = scrapes;

  // kRounds intervals: poll until boiler b0's `up` is from a newer read, then count that scrape.
  // Every scrape, counted or not, must be answered and carry every boiler's `up`.
  const std::string probe = "b0";
  long long last_ts = ups.at(probe).timestamp_ms;
  std::size_t min_up = kBoilers;
  for (int round = 1; round <= kRounds; ++round) {
    bool advanced = false;
    for (const auto until = Clock::now() + kRoundLimit; !advanced && Clock::now() < until;) {
      pause_for(milliseconds(2000));
      auto got = scrape();
      ASSERT_TRUE(got) << "scrape " << scrapes << " (round " << round << ") refused";
      ASSERT_EQ(got->size(), kBoilers) << "scrape " << scrapes << " lacks boilers' up series";
      if (got->at(probe).timestamp_ms > last_ts) {
        advanced = true;
        last_ts = got->at(probe).timestamp_ms;
        min_up = std::min(min_up, count_up(*got));
      }
    }
    ASSERT_TRUE(advanced) << "round " << round << ": no newer read of " << probe << " within "
                          << kRoundLimit.count() << " s";
  }

  const long rss = rss_kib(collectd.process().pid());
  std::printf(
      "scale e2e: %zu boilers (loopback TCP), Interval %d s: all up after %lld ms (%d scrapes); "
      "then %d rounds, %d scrapes, all answered with every boiler's up (fewest up=1 in a round: "
      "%zu); slowest scrape %lld ms; collectd RSS %ld KiB\n",
      kBoilers, kIntervalSeconds, static_cast<long long>(warm_ms), warm_scrapes, kRounds,
      scrapes - warm_scrapes, min_up, slowest_ms, rss);
  EXPECT_EQ(refused, 0);
  // Nothing injects a fault: every boiler answers every read of every counted round.
  EXPECT_EQ(min_up, kBoilers);

  const std::string log = collectd.log();
  EXPECT_EQ(log.find("not less than FD_SETSIZE"), std::string::npos) << log.substr(0, 4000);
  // The plugin said what it did with the descriptor limit, once.
  std::size_t said = 0;
  for (auto at = log.find("descriptor limit"); at != std::string::npos;
       at = log.find("descriptor limit", at + 1)) {
    ++said;
  }
  EXPECT_EQ(said, 1u) << log.substr(0, 4000);
}

}  // namespace
}  // namespace intergas
