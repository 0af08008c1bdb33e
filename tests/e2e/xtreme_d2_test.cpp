// Issue 17, against a real `collectd -f` scraped over HTTP: an Xtreme configured with a Device
// line alone exports its fan, pump and valve set points and actual values from D2, equal to the
// frames-table row the simulator served; a plain-framing boiler beside it is never sent D2.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "collectd_process.h"
#include "collectd_test.h"
#include "sim_process.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;
using test::CollectdProcess;
using test::eventually;
using test::Sample;

std::string block(const std::string& name, const std::string& device) {
  return "  <Boiler \"" + name + "\">\n    Device \"" + device + "\"\n  </Boiler>\n";
}

// The samples of `name` for `boiler` with these labels (one, or none when not exported).
std::vector<Sample> samples_of(const std::vector<Sample>& all, const std::string& name,
                               const std::string& boiler,
                               std::map<std::string, std::string> labels = {}) {
  labels["intergas"] = boiler;
  return test::find_samples(all, name, labels);
}

class XtremeD2 : public test::CollectdTest {
 protected:
  XtremeD2() : CollectdTest("xtreme_d2") {}
  double requests(CollectdProcess& c, const std::string& boiler, const std::string& command) {
    const auto s = samples_of(c.samples(), "collectd_intergas_requests_sent_total", boiler,
                              {{"type", command}});
    return s.size() == 1 ? s[0].value : -1;
  }
};

// The plain boiler's identification line, whole.
std::string hre_found_line(const std::string& log) {
  const auto at = log.find("Boiler \"hre\": found ");
  if (at == std::string::npos) return "";
  return log.substr(at, log.find('\n', at) - at);
}

TEST_F(XtremeD2, AnXtremeExportsD2AndAPlainBoilerIsNeverSentIt) {
  // The simulator's xtreme profile answers D2 with the table's row (protocol.md 14.8); -v logs
  // every request, and a request its model does not answer.
  auto xtreme = start_sim({"--pty", dir_ + "/xtreme", "--profile", "xtreme", "-v"});
  auto hre = start_sim({"--pty", dir_ + "/hre", "--profile", "heating", "-v"});
  auto collectd = start_collectd(block("xtreme", xtreme->device()) + block("hre", hre->device()));

  ASSERT_TRUE(eventually(
      [&] {
        const std::string log = collectd->log();
        return log.find(
                   "Boiler \"xtreme\": found ic3mk1 P190517 V2.53 (IC3 board), checksummed "
                   "framing (Xtreme); answers status, status_extra, diagnostics, counters, "
                   "parameters, version, status_extra2") != std::string::npos &&
               hre_found_line(log).find(
                   "Boiler \"hre\": found ic3mk1 P190517 V2.53 (IC3 board), plain framing "
                   "(Kombi Kompakt HR/HRE/HReco or Prestige CW6 layout); set Model \"cw6\" "
                   "for a CW6; answers status, status_extra, diagnostics, counters, "
                   "parameters, version") != std::string::npos;
      },
      milliseconds(30000)))
      << collectd->log() << collectd->scrape();
  EXPECT_EQ(hre_found_line(collectd->log()).find("status_extra2"), std::string::npos)
      << "a plain boiler is not asked D2";

  // A few reads on from there, with the accounting (dispatched once a minute) in the scrape.
  ASSERT_TRUE(eventually([&] { return requests(*collectd, "xtreme", "status_extra2") >= 3; },
                         milliseconds(30000)))
      << collectd->scrape();
  ASSERT_TRUE(
      eventually([&] { return requests(*collectd, "hre", "status") >= 3; }, milliseconds(30000)));
  const auto samples = collectd->samples();

  // Each D2 value as the table's row says it (written there by hand from LC's layout).
  const golden::RealFrame& row = golden::real_frame(golden::kSyntheticXtremeStatusExtra2);
  int checked = 0;
  for (const golden::Expected& e : row.expected) {
    ASSERT_TRUE(e.value.has_value());
    const std::string name = "collectd_intergas_" + std::string(e.type);
    const auto found = samples_of(samples, name, "xtreme", {{"type", std::string(e.instance)}});
    ASSERT_EQ(found.size(), 1u) << name << "{" << e.instance << "}\n" << collectd->scrape();
    EXPECT_EQ(found[0].value, *e.value) << name << "{" << e.instance << "}";
    ++checked;
  }
  EXPECT_EQ(checked, 6);
  EXPECT_EQ(samples_of(samples, "collectd_intergas_command_supported", "xtreme",
                       {{"type", "status_extra2"}})
                .at(0)
                .value,
            1);

  // The plain boiler: no D2 series at all, and the simulator never saw a D2 request.
  for (const char* name :
       {"collectd_intergas_requests_sent_total", "collectd_intergas_requests_deferred_total",
        "collectd_intergas_request_duration_seconds", "collectd_intergas_command_supported"}) {
    EXPECT_TRUE(samples_of(samples, name, "hre", {{"type", "status_extra2"}}).empty()) << name;
  }
  for (const char* name :
       {"collectd_intergas_pump_speed_rpm", "collectd_intergas_valve_position_steps"}) {
    EXPECT_TRUE(samples_of(samples, name, "hre").empty()) << name;
  }
  const std::string hre_log = hre->log();
  EXPECT_NE(hre_log.find("request status_extra"), std::string::npos) << "-v logs requests";
  EXPECT_EQ(hre_log.find("request status_extra2"), std::string::npos) << hre_log;
  EXPECT_EQ(hre_log.find("44 32 0D"), std::string::npos) << hre_log;
  EXPECT_EQ(hre_log.find("not answered by"), std::string::npos) << hre_log;
  EXPECT_NE(xtreme->log().find("request status_extra2"), std::string::npos);
}

}  // namespace
}  // namespace intergas
