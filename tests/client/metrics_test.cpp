// Readings -> METRICS.md identifiers: names, units, what is left out, the state sets.
#include "client/metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "client/metric_types.h"
#include "protocol/reading.h"
#include "tests/frames/expected_metrics.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using Key = std::pair<std::string, std::string>;

std::map<Key, Metric> by_key(const std::vector<Metric>& v) {
  std::map<Key, Metric> m;
  for (const auto& x : v) {
    EXPECT_TRUE(m.emplace(Key{x.type, x.type_instance}, x).second)
        << "duplicate " << x.type << "/" << x.type_instance;
  }
  return m;
}

using golden::RealFrame;

// MW's standby frame (protocol.md 14.1) as the decoder reads it.
StatusReading idle_status() {
  return decode_status(golden::real_frame(golden::kMwStatus).data(), Model::hre);
}

// Every frame of protocol.md 14, decoded and mapped: exactly the series its source's decoding
// gives, with the source's values, and nothing else (the frames table is the oracle).
class PublishedFrame : public ::testing::TestWithParam<RealFrame> {};

TEST_P(PublishedFrame, MapsToTheSourcesDecoding) {
  const RealFrame& f = GetParam();
  const Result<Reading> r = decode_reply(f.command, f.model, f.bytes());
  ASSERT_TRUE(r.ok()) << failure_name(r.failure());
  std::vector<Metric> out;
  append_reading_metrics(*r, out);
  EXPECT_EQ(golden::first_difference(out, golden::expected_metrics(f)), "");
  if (f.command == Command::fault_stats) {
    EXPECT_TRUE(out.empty()) << "the contract has none";
  }
}

INSTANTIATE_TEST_SUITE_P(Section14, PublishedFrame, ::testing::ValuesIn(golden::real_frames()),
                         [](const auto& p) { return std::string(p.param.name); });

// The comparison itself notices a wrong value, a missing series and an extra one.
TEST(PublishedFrame, ComparisonNoticesEveryDifference) {
  const RealFrame& f = golden::real_frame(golden::kMwStatus);
  const std::vector<Metric> want = golden::expected_metrics(f);
  std::vector<Metric> changed = want;
  changed[1].gauge += 0.01;
  EXPECT_NE(golden::first_difference(changed, want), "");
  changed = want;
  changed.pop_back();
  EXPECT_NE(golden::first_difference(changed, want), "");
  changed = want;
  changed.push_back(want.front());
  changed.back().type_instance = "boiler";  // an open sensor must not be dispatched
  EXPECT_NE(golden::first_difference(changed, want), "");
  changed = want;
  changed[0].kind = DsKind::derive;
  EXPECT_NE(golden::first_difference(changed, want), "");
  EXPECT_EQ(golden::first_difference(want, want), "");
}

TEST(StatusMetrics, NamesUnitsAndLeftOutValues) {
  const RealFrame& f = golden::real_frame(golden::kMwStatus);
  std::vector<Metric> out;
  append_reading_metrics(idle_status(), out);
  auto m = by_key(out);
  EXPECT_EQ(m.at({"temperature_celsius", "supply"}).gauge,
            f.value("temperature_celsius", "supply"));
  EXPECT_EQ(m.at({"temperature_celsius", "heat_exchanger"}).gauge,
            f.value("temperature_celsius", "heat_exchanger"));
  EXPECT_EQ(m.count({"temperature_celsius", "boiler"}), 0u) << "unconnected sensor: not dispatched";
  EXPECT_EQ(m.count({"temperature_celsius", "outside"}), 0u);
  EXPECT_EQ(m.at({"pressure_bar", ""}).gauge, f.value("pressure_bar", ""));
  EXPECT_DOUBLE_EQ(m.at({"status_code", ""}).gauge, 126);
  EXPECT_DOUBLE_EQ(m.at({"flag", "opentherm"}).gauge, 1);
  EXPECT_DOUBLE_EQ(m.at({"flag", "pressure_sensor"}).gauge, 1);
  EXPECT_DOUBLE_EQ(m.at({"flag", "gp_switch"}).gauge, 0);
  EXPECT_DOUBLE_EQ(m.at({"fault_active", ""}).gauge, 0);
  EXPECT_EQ(m.count({"fault_code", "current"}), 0u);
  EXPECT_EQ(m.count({"fault_code", "last"}), 0u) << "0xFF: no fault ever latched";
  int flags = 0;
  for (const auto& x : out) flags += x.type == "flag";
  EXPECT_EQ(flags, 16);
}

TEST(StatusMetrics, StateSetsHaveExactlyOneTrueMember) {
  for (int code : {0, 126, 204, 99}) {
    StatusReading r = idle_status();
    r.status_code = static_cast<std::uint8_t>(code);
    r.burner_state_raw = code == 99 ? 3 : 32;
    std::vector<Metric> out;
    append_reading_metrics(r, out);
    double status_sum = 0, burner_sum = 0;
    int status_series = 0;
    for (const auto& x : out) {
      if (x.type == "status") {
        status_sum += x.gauge;
        ++status_series;
      }
      if (x.type == "burner_state") burner_sum += x.gauge;
    }
    EXPECT_EQ(status_sum, 1) << code;
    EXPECT_EQ(burner_sum, 1) << code;
    EXPECT_EQ(status_series, 18) << "17 known states plus unknown, every cycle";
    auto m = by_key(out);
    if (code == 99) {
      EXPECT_EQ(m.at({"status", "unknown"}).gauge, 1);
      EXPECT_EQ(m.at({"burner_state", "unknown"}).gauge, 1);
    }
    if (code == 0) {
      EXPECT_EQ(m.at({"status", "opentherm"}).gauge, 1) << "0 is a valid code";
    }
  }
}

TEST(StatusMetrics, LockoutGivesTheCurrentAndLastFault) {
  StatusReading r = idle_status();
  r.burner_state_raw = 128;
  r.fault_code_raw = 0;  // F00 is a fault, not "none"
  std::vector<Metric> out;
  append_reading_metrics(r, out);
  auto m = by_key(out);
  EXPECT_EQ(m.at({"fault_active", ""}).gauge, 1);
  EXPECT_EQ(m.at({"fault_code", "current"}).gauge, 0);
  EXPECT_EQ(m.at({"fault_code", "last"}).gauge, 0);
  EXPECT_EQ(m.at({"burner_state", "lockout"}).gauge, 1);
}

// RB's HN frame (protocol.md 14.5): hours become seconds, 0.1 L units whole litres, rounded down.
TEST(CounterMetrics, HoursBecomeSecondsAndDecilitresWholeLitres) {
  const RealFrame& f = golden::real_frame(golden::kRbCounters);
  const CountersReading c = decode_counters(f.data(), Model::hre);
  std::vector<Metric> out;
  append_reading_metrics(c, out);
  auto m = by_key(out);
  EXPECT_EQ(m.at({"operation_seconds", "powered"}).derive, 18491LL * 3600);
  EXPECT_EQ(m.at({"operation_seconds", "powered"}).kind, DsKind::derive);
  EXPECT_EQ(m.at({"burner_starts", "all"}).derive, 52436);
  EXPECT_EQ(m.at({"gas_liters", "ch"}).derive, 5383381) << "5383.3816 m3";
  EXPECT_EQ(m.at({"gas_liters", "dhw"}).derive, 519114);
  EXPECT_EQ(m.at({"dhw_water_liters", ""}).derive, 77901);
  CountersReading up = c;
  up.gas_ch_decilitres = 19;  // 1.9 L: one whole litre so far
  out.clear();
  append_reading_metrics(up, out);
  EXPECT_EQ(by_key(out).at({"gas_liters", "ch"}).derive, 1);
}

TEST(HealthMetrics, AlwaysCarryUpLinkAndEveryFailureReason) {
  Health h;
  h.up = false;
  h.link_open = false;
  h.reconnects = 3;
  h.counters.failures[static_cast<int>(Failure::io)] = 2;
  h.counters.requests[command_index(Command::status)] = 10;
  h.counters.last_duration[command_index(Command::status)] = std::chrono::milliseconds(133);
  Schedule s;
  s.set_every(Command::counters, 6);
  std::vector<Metric> out;
  append_link_state(h, out);
  append_link_accounting(h, s, out);
  auto m = by_key(out);
  EXPECT_EQ(m.at({"up", ""}).gauge, 0);
  EXPECT_EQ(m.at({"link_open", ""}).gauge, 0);
  EXPECT_EQ(m.at({"reconnects", ""}).derive, 3);
  EXPECT_EQ(m.at({"request_failures", "io"}).derive, 2);
  EXPECT_EQ(m.at({"request_failures", "checksum"}).derive, 0);
  EXPECT_EQ(m.at({"requests_sent", "status"}).derive, 10);
  EXPECT_EQ(m.at({"requests_sent", "counters"}).derive, 0);
  EXPECT_EQ(m.count({"requests_sent", "version"}), 0u) << "disabled commands have no series";
  EXPECT_DOUBLE_EQ(m.at({"request_duration_seconds", "status"}).gauge, 0.133);
  EXPECT_EQ(m.count({"request_duration_seconds", "counters"}), 0u) << "no exchange yet";
}

// D2 (status_extra2) is asked only of an Xtreme (is_asked_of): its requests_sent,
// request_duration_seconds and command_supported series exist only once the boiler is known to
// speak the checksummed framing, never for a plain one, whatever the schedule says.
TEST(HealthMetrics, StatusExtra2SeriesOnlyForTheChecksummedFraming) {
  Schedule s;
  s.set_every(Command::status_extra2, 1);
  s.set_every(Command::status_extra, 1);
  auto series = [&s](std::optional<bool> checksummed) {
    Health h;
    h.checksummed_framing = checksummed;
    for (auto& v : h.supported) v = true;
    for (auto& d : h.counters.last_duration) d = std::chrono::milliseconds(120);
    std::vector<Metric> out;
    append_link_state(h, out);
    append_link_accounting(h, s, out);
    return by_key(out);
  };
  for (std::optional<bool> plain_or_unknown : {std::optional<bool>(false), std::optional<bool>()}) {
    auto m = series(plain_or_unknown);
    EXPECT_EQ(m.count({"requests_sent", "status_extra2"}), 0u);
    EXPECT_EQ(m.count({"requests_deferred", "status_extra2"}), 0u);
    EXPECT_EQ(m.count({"request_duration_seconds", "status_extra2"}), 0u);
    EXPECT_EQ(m.count({"command_supported", "status_extra2"}), 0u);
    EXPECT_EQ(m.count({"requests_sent", "status_extra"}), 1u);
  }
  auto x = series(true);
  EXPECT_EQ(x.at({"requests_sent", "status_extra2"}).derive, 0);
  EXPECT_EQ(x.at({"requests_deferred", "status_extra2"}).derive, 0);
  EXPECT_DOUBLE_EQ(x.at({"request_duration_seconds", "status_extra2"}).gauge, 0.120);
  EXPECT_EQ(x.at({"command_supported", "status_extra2"}).gauge, 1.0);
}

// framing is a state set like status and burner_state: both states, exactly one of them 1.
TEST(HealthMetrics, FramingIsAStateSetWithBothStates) {
  for (bool checksummed : {false, true}) {
    Health h;
    h.checksummed_framing = checksummed;
    std::vector<Metric> out;
    append_link_accounting(h, Schedule{}, out);
    const auto m = by_key(out);
    EXPECT_EQ(m.at({"framing", "plain"}).gauge, checksummed ? 0 : 1);
    EXPECT_EQ(m.at({"framing", "checksummed"}).gauge, checksummed ? 1 : 0);
  }
  std::vector<Metric> unknown;
  append_link_accounting(Health{}, Schedule{}, unknown);
  EXPECT_EQ(by_key(unknown).count({"framing", "plain"}), 0u) << "absent until found";
}

// Every metric there is (each reading of the table, health with every optional part known) has
// a type of the contract, with the contract's data-source kind.
TEST(MetricTypes, EveryDispatchedMetricHasItsContractKind) {
  std::vector<Metric> out;
  for (const RealFrame& f : golden::real_frames()) {
    const Result<Reading> r = decode_reply(f.command, f.model, f.bytes());
    ASSERT_TRUE(r.ok()) << f.name;
    append_reading_metrics(*r, out);
  }
  Health h;
  h.checksummed_framing = true;
  for (auto& s : h.supported) s = true;
  for (auto& d : h.counters.last_duration) d = std::chrono::milliseconds(1);
  h.counters.out_of_range["supply"] = 1;
  Schedule every;
  for (Command c : kAllCommands) every.set_every(c, 1);
  const std::size_t data_count = out.size();
  append_link_state(h, out);
  append_link_accounting(h, every, out);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Metric& m = out[i];
    const MetricType* t = find_metric_type(m.type);
    ASSERT_NE(t, nullptr) << m.type << " is not in metric_types.h";
    EXPECT_EQ(m.kind, t->kind) << m.type;
    EXPECT_EQ(t->group, i < data_count ? MetricGroup::boiler_data : MetricGroup::health) << m.type;
    seen.insert(m.type);
  }
  EXPECT_EQ(seen.size(), kMetricTypeCount) << "every type of the contract is dispatched somewhere";
}

TEST(MetricTypes, NamesAreUniqueAndSpecsAreTypesDbs) {
  std::set<std::string_view> names;
  for (const MetricType& t : kMetricTypes) EXPECT_TRUE(names.insert(t.name).second) << t.name;
  EXPECT_EQ(types_db_spec(types::temperature_celsius), "value:GAUGE:U:U");
  EXPECT_EQ(types_db_spec(types::pwm_ratio), "value:GAUGE:0:1");
  EXPECT_EQ(types_db_spec(types::parameter), "value:GAUGE:-128:127");
  EXPECT_EQ(types_db_spec(types::status_code), "value:GAUGE:0:255");
  EXPECT_EQ(types_db_spec(types::gas_liters), "value:DERIVE:0:U");
  EXPECT_EQ(find_metric_type("requests_sent")->kind, DsKind::derive);
  EXPECT_EQ(find_metric_type("requests"), nullptr) << "the stock type is not ours";
}

TEST(MetricJson, PrintsTheCollectdIdentifiers) {
  Metric g;
  g.type = "temperature_celsius";
  g.type_instance = "supply";
  g.gauge = 40.45;
  EXPECT_EQ(metric_json(g),
            R"({"type": "temperature_celsius", "type_instance": "supply", "value": 40.45})");
  Metric d;
  d.type = "firmware_info";
  d.type_instance = "a\"b";
  d.kind = DsKind::derive;
  d.derive = 7;
  EXPECT_EQ(metric_json(d), R"({"type": "firmware_info", "type_instance": "a\"b", "value": 7})");
  EXPECT_EQ(metrics_json({}), "[]\n");
}

}  // namespace
}  // namespace intergas
