// Readings -> METRICS.md identifiers: names, units, what is left out, the state sets.
#include "client/metrics.h"

#include <gtest/gtest.h>

#include <map>

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

StatusReading idle_status() {
  StatusReading r;
  r.heat_exchanger_celsius = 40.28;
  r.supply_celsius = 40.45;
  r.return_celsius = 40.52;
  r.dhw_celsius = 34.06;
  r.pressure_bar = 1.49;
  r.setpoint_ch_celsius = 0;
  r.fan_speed_target_rpm = 0;
  r.fan_speed_actual_rpm = 0;
  r.fan_pwm_ratio = 0;
  r.ionisation_current_amperes = 0;
  r.status_code = 126;
  r.heat_demand_flags = 0x80;
  r.burner_state_raw = 64;
  r.burner_flags = 0x20;
  r.fault_code_raw = 0xFF;
  return r;
}

TEST(StatusMetrics, NamesUnitsAndLeftOutValues) {
  std::vector<Metric> out;
  append_reading_metrics(idle_status(), out);
  auto m = by_key(out);
  EXPECT_DOUBLE_EQ(m.at({"temperature_celsius", "supply"}).gauge, 40.45);
  EXPECT_DOUBLE_EQ(m.at({"temperature_celsius", "heat_exchanger"}).gauge, 40.28);
  EXPECT_EQ(m.count({"temperature_celsius", "boiler"}), 0u) << "unconnected sensor: not dispatched";
  EXPECT_EQ(m.count({"temperature_celsius", "outside"}), 0u);
  EXPECT_DOUBLE_EQ(m.at({"pressure_bar", ""}).gauge, 1.49);
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

TEST(CounterMetrics, HoursBecomeSecondsAndDecilitresWholeLitres) {
  CountersReading c;
  c.powered_hours = 18491;
  c.ch_hours = 3849;
  c.dhw_hours = 246;
  c.burner_starts = 52436;
  c.gas_ch_decilitres = 53833816;
  c.gas_dhw_decilitres = 5191142;
  c.dhw_water_decilitres = 779017;
  std::vector<Metric> out;
  append_reading_metrics(c, out);
  auto m = by_key(out);
  EXPECT_EQ(m.at({"operation_seconds", "powered"}).derive, 18491LL * 3600);
  EXPECT_EQ(m.at({"operation_seconds", "powered"}).kind, DsKind::derive);
  EXPECT_EQ(m.at({"burner_starts", "all"}).derive, 52436);
  EXPECT_EQ(m.at({"gas_liters", "ch"}).derive, 5383381) << "5383.3816 m3";
  EXPECT_EQ(m.at({"gas_liters", "dhw"}).derive, 519114);
  EXPECT_EQ(m.at({"dhw_water_liters", ""}).derive, 77901);
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
  append_health_metrics(h, s, out);
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
