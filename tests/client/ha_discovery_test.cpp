// Home Assistant discovery configs from boiler facts: topics, units, classes and payloads written
// out by hand here (Home Assistant's MQTT sensor documentation; collectd 5.12's src/mqtt.c for
// the state topics).
#include "client/ha_discovery.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

HaNaming naming() {
  HaNaming n;
  n.prefix = "collectd";
  n.discovery_prefix = "homeassistant";
  n.hostname = "home";
  return n;
}

// The IC3 board of protocol.md 14.2: "ic3mk1   *P190517*V2.53-".
VersionReading ic3_version() {
  VersionReading v;
  v.hardware = "ic3mk1";
  v.date_code = "P190517";
  v.software = "V2.53";
  return v;
}

BoilerFacts facts(Model model, std::initializer_list<std::pair<Command, int>> every) {
  BoilerFacts f;
  f.name = "kitchen";
  f.model = model;
  f.version = ic3_version();
  f.expire_after = std::chrono::seconds(30);
  for (const auto& [c, n] : every) f.every[static_cast<std::size_t>(command_index(c))] = n;
  return f;
}

std::map<std::string, std::string> by_topic(const std::vector<RetainedMessage>& v) {
  std::map<std::string, std::string> out;
  for (const auto& m : v) EXPECT_TRUE(out.emplace(m.topic, m.payload).second) << m.topic;
  return out;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

constexpr const char* kNode = "homeassistant/sensor/intergas_home_kitchen/";
constexpr const char* kBinaryNode = "homeassistant/binary_sensor/intergas_home_kitchen/";

TEST(HaDiscovery, SupplyTemperatureConfigIsExactlyThis) {
  const auto configs =
      by_topic(discovery_configs(naming(), facts(Model::hre, {{Command::status, 1}})));
  const std::string topic = std::string(kNode) + "temperature_celsius_supply/config";
  ASSERT_EQ(configs.count(topic), 1u);
  EXPECT_EQ(configs.at(topic),
            "{\"name\": \"Supply temperature\", "
            "\"unique_id\": \"intergas_home_kitchen_temperature_celsius_supply\", "
            "\"state_topic\": \"collectd/home/intergas-kitchen/temperature_celsius-supply\", "
            "\"value_template\": \"{{ (value.split(':')[1] | replace('\\\\x00', '') | float) }}\", "
            "\"unit_of_measurement\": \"°C\", \"device_class\": \"temperature\", "
            "\"state_class\": \"measurement\", \"expire_after\": 30, "
            "\"availability\": [{\"topic\": \"collectd/home/intergas/availability\"}, "
            "{\"topic\": \"collectd/home/intergas-kitchen/availability\"}], "
            "\"availability_mode\": \"all\", \"payload_available\": \"online\", "
            "\"payload_not_available\": \"offline\", "
            "\"device\": {\"identifiers\": [\"intergas_home_kitchen\"], \"name\": \"kitchen\", "
            "\"manufacturer\": \"Intergas\", \"model\": \"Kombi Kompakt HR/HRE\", "
            "\"hw_version\": \"ic3mk1\", \"sw_version\": \"V2.53 P190517\"}, "
            "\"origin\": {\"name\": \"collectd-intergas\"}}");
}

TEST(HaDiscovery, GasCountersAreEnergyDashboardGasSensorsInCubicMetres) {
  const auto configs = by_topic(discovery_configs(
      naming(), facts(Model::hre, {{Command::status, 1}, {Command::counters, 6}})));
  for (const char* use : {"ch", "dhw"}) {
    const std::string topic = std::string(kNode) + "gas_liters_" + use + "/config";
    ASSERT_EQ(configs.count(topic), 1u) << topic;
    const std::string& c = configs.at(topic);
    EXPECT_TRUE(contains(c, "\"unit_of_measurement\": \"m³\"")) << c;
    EXPECT_TRUE(contains(c, "\"device_class\": \"gas\"")) << c;
    EXPECT_TRUE(contains(c, "\"state_class\": \"total_increasing\"")) << c;
    // Litres -> m3; read every 6 reads, so it expires after 6 x 30 s.
    EXPECT_TRUE(contains(c, "| float) / 1000) | round(6) }}")) << c;
    EXPECT_TRUE(contains(c, "\"expire_after\": 180,")) << c;
    EXPECT_TRUE(contains(
        c,
        std::string("\"state_topic\": \"collectd/home/intergas-kitchen/gas_liters-") + use + "\""))
        << c;
  }
  const std::string water = configs.at(std::string(kNode) + "dhw_water_liters/config");
  EXPECT_TRUE(contains(water,
                       "\"unit_of_measurement\": \"L\", \"device_class\": \"water\", "
                       "\"state_class\": \"total_increasing\""))
      << water;
  const std::string hours = configs.at(std::string(kNode) + "operation_seconds_ch/config");
  EXPECT_TRUE(contains(hours, "\"name\": \"CH hours\""));
  EXPECT_TRUE(contains(hours,
                       "/ 3600) | round(6) }}\", \"unit_of_measurement\": \"h\", "
                       "\"device_class\": \"duration\", \"state_class\": \"total_increasing\""))
      << hours;
  const std::string starts = configs.at(std::string(kNode) + "burner_starts_all/config");
  EXPECT_TRUE(contains(starts, "| float) | int }}\", \"state_class\": \"total_increasing\""))
      << starts;
}

TEST(HaDiscovery, NoEntityForACommandTheBoilerDoesNotAnswerOrIsNotRead) {
  const auto configs =
      by_topic(discovery_configs(naming(), facts(Model::hre, {{Command::status, 1}})));
  for (const auto& [topic, payload] : configs) {
    EXPECT_FALSE(contains(topic, "gas_liters")) << topic;       // counters
    EXPECT_FALSE(contains(topic, "tap_flow")) << topic;         // status_extra
    EXPECT_FALSE(contains(topic, "parameter")) << topic;        // parameters
    EXPECT_FALSE(contains(topic, "mains_frequency")) << topic;  // diagnostics
  }
  EXPECT_TRUE(discovery_configs(naming(), facts(Model::hre, {})).empty());
}

TEST(HaDiscovery, EntitiesFollowTheModelNotOneCyclesValues) {
  const auto hre = by_topic(discovery_configs(naming(), facts(Model::hre, {{Command::status, 1}})));
  const auto xtreme =
      by_topic(discovery_configs(naming(), facts(Model::xtreme, {{Command::status, 1}})));
  // protocol.md 5.6: the Xtreme's S? has the flue gas temperature and no fan speed.
  EXPECT_EQ(hre.count(std::string(kNode) + "fan_speed_rpm_actual/config"), 1u);
  EXPECT_EQ(hre.count(std::string(kNode) + "temperature_celsius_flue/config"), 0u);
  EXPECT_EQ(xtreme.count(std::string(kNode) + "fan_speed_rpm_actual/config"), 0u);
  EXPECT_EQ(xtreme.count(std::string(kNode) + "temperature_celsius_flue/config"), 1u);
  // Values that are only there in some cycles still have their entity: the fault of a lockout,
  // the pressure of a boiler with its sensor.
  EXPECT_EQ(hre.count(std::string(kNode) + "fault_code_current/config"), 1u);
  EXPECT_EQ(hre.count(std::string(kNode) + "fault_code_last/config"), 1u);
  EXPECT_EQ(hre.count(std::string(kNode) + "pressure_bar/config"), 1u);
  EXPECT_TRUE(contains(hre.at(std::string(kNode) + "pressure_bar/config"),
                       "\"unit_of_measurement\": \"bar\", \"device_class\": \"pressure\""));
  EXPECT_TRUE(contains(xtreme.at(std::string(kNode) + "temperature_celsius_flue/config"),
                       "\"model\": \"Xtreme\""));
}

TEST(HaDiscovery, StatusIsAnEnumSensorWithTheContractsStateNames) {
  const auto configs =
      by_topic(discovery_configs(naming(), facts(Model::hre, {{Command::status, 1}})));
  const std::string& c = configs.at(std::string(kNode) + "status_code/config");
  EXPECT_TRUE(contains(c, "\"device_class\": \"enum\"")) << c;
  // protocol.md 6: 126 standby, 204 hot water, 0 OpenTherm demand; anything else "unknown".
  EXPECT_TRUE(contains(c, "126: 'standby'")) << c;
  EXPECT_TRUE(contains(c, "204: 'dhw'")) << c;
  EXPECT_TRUE(contains(c, "0: 'opentherm'")) << c;
  EXPECT_TRUE(contains(c, "\"options\": [\"opentherm\", ")) << c;
  EXPECT_TRUE(contains(c, "\"standby\", \"off\", ")) << c;
  EXPECT_TRUE(contains(c, "\"heatup\", \"unknown\"]")) << c;
  // The state set itself is not shown twice.
  for (const auto& [topic, payload] : configs) EXPECT_FALSE(contains(topic, "/status_standby/"));
}

TEST(HaDiscovery, FlagsBurnerStatesAndTheFaultAreBinarySensors) {
  const auto configs =
      by_topic(discovery_configs(naming(), facts(Model::hre, {{Command::status, 1}})));
  for (const char* object : {"flag_pump", "flag_gasvalve", "burner_state_running",
                             "burner_state_lockout", "fault_active"}) {
    const std::string topic = std::string(kBinaryNode) + object + "/config";
    ASSERT_EQ(configs.count(topic), 1u) << topic;
    EXPECT_TRUE(contains(configs.at(topic),
                         "{{ 'ON' if (value.split(':')[1] | "
                         "replace('\\\\x00', '') | float) > 0.5 else 'OFF' }}"));
    EXPECT_TRUE(contains(configs.at(topic), "\"payload_on\": \"ON\", \"payload_off\": \"OFF\""));
  }
  EXPECT_TRUE(contains(configs.at(std::string(kBinaryNode) + "fault_active/config"),
                       "\"device_class\": \"problem\""));
  EXPECT_TRUE(contains(configs.at(std::string(kBinaryNode) + "burner_state_running/config"),
                       "\"name\": \"Burner running\""));
}

TEST(HaDiscovery, OnlyBoilerDataAndNeverTheLinkHealthOrTheFirmwareLabel) {
  const auto configs = by_topic(discovery_configs(
      naming(), facts(Model::hre, {{Command::status, 1}, {Command::version, 30}})));
  for (const auto& [topic, payload] : configs) {
    for (const char* not_shown : {"firmware_info", "requests_sent", "link_open", "/up/"}) {
      EXPECT_FALSE(contains(topic, not_shown)) << topic;
    }
  }
}

TEST(HaDiscovery, ParametersAreDiagnosticsTheUserTurnsOn) {
  const auto configs = by_topic(discovery_configs(
      naming(), facts(Model::hre, {{Command::status, 1}, {Command::parameters, 6}})));
  const std::string& c = configs.at(std::string(kNode) + "parameter_heater_on/config");
  EXPECT_TRUE(contains(c, "\"entity_category\": \"diagnostic\", \"enabled_by_default\": false"))
      << c;
  // "param_E." and "param_E" are different parameters: their ids differ, and the dot is not
  // in an id.
  int param_e = 0;
  for (const auto& [topic, payload] : configs) {
    if (contains(payload, "intergas-kitchen/parameter-param_E\"")) ++param_e;
    if (contains(payload, "intergas-kitchen/parameter-param_E.\"")) {
      ++param_e;
      EXPECT_FALSE(contains(topic, "param_E./")) << topic;
    }
  }
  EXPECT_EQ(param_e, 2);
}

TEST(HaDiscovery, ExcludedSeriesHaveNoEntity) {
  const auto configs = by_topic(discovery_configs(
      naming(), facts(Model::hre, {{Command::status, 1}, {Command::parameters, 6}}),
      [](const Metric& m) { return m.type == "parameter" || m.type_instance == "outside"; }));
  for (const auto& [topic, payload] : configs) {
    EXPECT_FALSE(contains(topic, "parameter")) << topic;
    EXPECT_FALSE(contains(topic, "temperature_celsius_outside/")) << topic;
  }
  EXPECT_EQ(configs.count(std::string(kNode) + "temperature_celsius_supply/config"), 1u);
}

TEST(HaDiscovery, NamesMqttForbidsAreMadeSafeAsCollectdsWriterDoes) {
  BoilerFacts f = facts(Model::hre, {{Command::status, 1}});
  f.name = "attic #1+";
  const auto configs = discovery_configs(naming(), f);
  ASSERT_FALSE(configs.empty());
  for (const auto& m : configs) {
    EXPECT_EQ(m.topic.find_first_of("+# "), std::string::npos) << m.topic;
  }
  // src/mqtt.c format_topic: '+' and '#' become '_'; a space stays.
  EXPECT_EQ(collectd_value_topic(naming(), f.name, "temperature_celsius", "supply"),
            "collectd/home/intergas-attic _1_/temperature_celsius-supply");
  EXPECT_EQ(boiler_availability_topic(naming(), f.name),
            "collectd/home/intergas-attic _1_/availability");
  // Without a Prefix collectd replaces nothing.
  HaNaming bare = naming();
  bare.prefix = "";
  EXPECT_EQ(collectd_value_topic(bare, "kitchen", "pressure_bar", ""),
            "home/intergas-kitchen/pressure_bar");
  // Ids: the characters an id may hold stay; other names get a hash, so they never collide.
  EXPECT_EQ(safe_id("intergas_home_kitchen-2"), "intergas_home_kitchen-2");
  EXPECT_NE(safe_id("attic #1+"), safe_id("attic _1_"));
  EXPECT_NE(safe_id("attic #1+"), safe_id("attic +1#"));
  EXPECT_EQ(safe_id("attic #1+").rfind("attic__1__", 0), 0u);
}

// What a restart may clear as a boiler no longer configured: only configs this collectd (this
// Prefix and Hostname, this plugin) published, told by the payload and not the node id.
TEST(HaDiscovery, OnlyThisCollectdsOwnConfigsAreRecognisedAsItsOwn) {
  EXPECT_EQ(all_discovery_subscriptions(naming()),
            (std::vector<std::string>{"homeassistant/sensor/+/+/config",
                                      "homeassistant/binary_sensor/+/+/config"}));
  auto config = [](const std::string& host, const std::string& origin) {
    return "{\"name\": \"Supply temperature\", \"availability\": [{\"topic\": \"collectd/" + host +
           "/intergas/availability\"}, {\"topic\": \"collectd/" + host +
           "/intergas-gone/availability\"}], \"availability_mode\": \"all\", \"origin\": "
           "{\"name\": \"" +
           origin + "\"}}";
  };
  EXPECT_TRUE(published_by_this_collectd(naming(), config("home", "collectd-intergas")));
  // Host "home_2"'s boiler "gone" has the node id "intergas_home_2_gone", which host "home"
  // would give a boiler "2_gone": not ours all the same.
  EXPECT_FALSE(published_by_this_collectd(naming(), config("home_2", "collectd-intergas")));
  EXPECT_FALSE(published_by_this_collectd(naming(), config("home", "Zigbee2MQTT")));
  HaNaming other_prefix = naming();
  other_prefix.prefix = "";
  EXPECT_FALSE(published_by_this_collectd(other_prefix, config("home", "collectd-intergas")));
  EXPECT_FALSE(published_by_this_collectd(
      naming(),
      "{\"name\": \"Temperature\", \"availability\": [{\"topic\": "
      "\"zigbee2mqtt/bridge/state\"}], \"origin\": {\"name\": \"Zigbee2MQTT\"}}"));
  EXPECT_FALSE(published_by_this_collectd(naming(), ""));
  // Every config the plugin writes is recognised (the check follows discovery_configs' format).
  for (const auto& m : discovery_configs(naming(), facts(Model::hre, {{Command::status, 1}}))) {
    EXPECT_TRUE(published_by_this_collectd(naming(), m.payload)) << m.topic;
  }
}

TEST(HaDiscovery, SameFactsSameBytesAndIdsStayWhenTheFirmwareChanges) {
  const BoilerFacts f =
      facts(Model::hre, {{Command::status, 1}, {Command::counters, 6}, {Command::parameters, 6}});
  const auto once = discovery_configs(naming(), f);
  const auto twice = discovery_configs(naming(), f);
  ASSERT_EQ(once.size(), twice.size());
  std::set<std::string> ids;
  for (std::size_t i = 0; i < once.size(); ++i) {
    EXPECT_EQ(once[i].topic, twice[i].topic);
    EXPECT_EQ(once[i].payload, twice[i].payload);
    const auto at = once[i].payload.find("\"unique_id\": \"");
    EXPECT_TRUE(ids.insert(once[i].payload.substr(at, once[i].payload.find(',', at) - at)).second);
  }
  BoilerFacts updated = f;
  updated.version->software = "V2.54";
  const auto after = discovery_configs(naming(), updated);
  ASSERT_EQ(after.size(), once.size());
  for (std::size_t i = 0; i < once.size(); ++i) {
    EXPECT_EQ(after[i].topic, once[i].topic);
    EXPECT_TRUE(contains(after[i].payload, "\"sw_version\": \"V2.54 P190517\""));
  }
}

TEST(HaDiscovery, NoExpiryWhenExpireAfterIsZeroAndNoVersionWithoutAReply) {
  BoilerFacts f = facts(Model::hre, {{Command::status, 1}});
  f.expire_after = std::chrono::seconds(0);
  f.version.reset();
  for (const auto& m : discovery_configs(naming(), f)) {
    EXPECT_FALSE(contains(m.payload, "expire_after")) << m.topic;
    EXPECT_FALSE(contains(m.payload, "sw_version")) << m.topic;
  }
}

// Every series a real frame gives (tests/frames, the sources' own decoding) has an entity on a
// boiler of that model reading that command, whatever its values were that cycle; only the status
// state set (the enum shows it) and the firmware label (the device shows it) have none.
TEST(HaDiscovery, EverySeriesOfTheFramesTableHasAnEntity) {
  int checked = 0;
  for (const golden::RealFrame& f : golden::real_frames()) {
    BoilerFacts facts_of_frame = facts(f.model, {{Command::status, 1}, {f.command, 1}});
    std::string all;
    for (const auto& m : discovery_configs(naming(), facts_of_frame)) all += m.payload + "\n";
    for (const golden::Expected& e : f.expected) {
      if (!e.value || e.type == "status" || e.type == "firmware_info") continue;
      const std::string topic = "\"state_topic\": \"collectd/home/intergas-kitchen/" +
                                std::string(e.type) +
                                (e.instance.empty() ? "" : "-" + std::string(e.instance)) + "\"";
      EXPECT_TRUE(contains(all, topic)) << f.name << ": " << e.type << "/" << e.instance;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace intergas
