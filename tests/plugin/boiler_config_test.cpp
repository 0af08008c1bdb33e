// <Boiler> blocks -> BoilerConfig, with oconfig trees built here (no daemon needed).
#include "boiler_config.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>

#include "ha_config.h"

namespace intergas {
namespace {

using std::chrono::milliseconds;

// Owns a tree of oconfig items built from C++ values.
class Tree {
 public:
  struct Value {
    enum { string, number, boolean } kind;
    std::string s;
    double n = 0;
    bool b = false;
  };
  static Value str(std::string s) { return {Value::string, std::move(s)}; }
  static Value num(double n) { return {Value::number, {}, n}; }
  static Value boolean(bool b) { return {Value::boolean, {}, 0, b}; }

  oconfig_item_t* item(const std::string& key, std::vector<Value> values,
                       std::vector<oconfig_item_t*> children = {}) {
    auto* it = &items_.emplace_back();
    it->key = keep(key);
    auto& vals = value_arrays_.emplace_back(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      switch (values[i].kind) {
        case Value::string:
          vals[i].type = OCONFIG_TYPE_STRING;
          vals[i].value.string = keep(values[i].s);
          break;
        case Value::number:
          vals[i].type = OCONFIG_TYPE_NUMBER;
          vals[i].value.number = values[i].n;
          break;
        case Value::boolean:
          vals[i].type = OCONFIG_TYPE_BOOLEAN;
          vals[i].value.boolean = values[i].b;
          break;
      }
    }
    it->values = vals.data();
    it->values_num = static_cast<int>(vals.size());
    auto& kids = child_arrays_.emplace_back();
    for (auto* c : children) kids.push_back(*c);
    it->children = kids.data();
    it->children_num = static_cast<int>(kids.size());
    return it;
  }

 private:
  char* keep(const std::string& s) {
    auto& buf = strings_.emplace_back(s.begin(), s.end());
    buf.push_back('\0');
    return buf.data();
  }
  std::deque<oconfig_item_t> items_;
  std::deque<std::vector<oconfig_value_t>> value_arrays_;
  std::deque<std::vector<oconfig_item_t>> child_arrays_;
  std::deque<std::vector<char>> strings_;
};

class BoilerConfigTest : public ::testing::Test {
 protected:
  // <Plugin intergas><Boiler "name"> options </Boiler></Plugin>
  std::optional<std::string> parse(const std::string& name, std::vector<oconfig_item_t*> options) {
    auto* boiler = t.item("Boiler", {Tree::str(name)}, std::move(options));
    auto* plugin = t.item("Plugin", {Tree::str("intergas")}, {boiler});
    return parse_plugin_block(*plugin, boilers);
  }
  oconfig_item_t* device(const std::string& d = "/dev/ttyUSB0") {
    return t.item("Device", {Tree::str(d)});
  }

  Tree t;
  std::vector<BoilerConfig> boilers;
};

TEST_F(BoilerConfigTest, ReadsEveryOption) {
  auto err =
      parse("kitchen",
            {device("tcp://127.0.0.1:2000"), t.item("Model", {Tree::str("Xtreme")}),
             t.item("Interval", {Tree::num(20)}), t.item("ReplyTimeout", {Tree::num(0.5)}),
             t.item("SettleTime", {Tree::num(0.2)}), t.item("ConnectTimeout", {Tree::num(2)}),
             t.item("ReconnectMaxDelay", {Tree::num(15)}), t.item("MaxGasRate", {Tree::num(5.5)}),
             t.item("Schedule", {Tree::str("counters"), Tree::num(3)}),
             t.item("Schedule", {Tree::str("version"), Tree::str("off")}),
             t.item("Schedule", {Tree::str("status_extra2"), Tree::num(2)}),
             t.item("Exclude", {Tree::str("parameter"), Tree::str("flag/gp_switch")})});
  ASSERT_FALSE(err) << *err;
  ASSERT_EQ(boilers.size(), 1u);
  const BoilerConfig& b = boilers[0];
  EXPECT_EQ(b.name, "kitchen");
  EXPECT_EQ(b.device, "tcp://127.0.0.1:2000");
  EXPECT_EQ(b.model, Model::xtreme);
  EXPECT_EQ(b.interval, milliseconds(20000));
  EXPECT_EQ(b.reply_timeout, milliseconds(500));
  EXPECT_EQ(b.settle, milliseconds(200));
  EXPECT_EQ(b.connect_timeout, milliseconds(2000));
  EXPECT_EQ(b.reconnect_max, milliseconds(15000));
  EXPECT_EQ(b.max_gas_rate, 5.5);
  const Schedule s = b.schedule(milliseconds(20000));
  EXPECT_EQ(s.every(Command::counters), 3);
  EXPECT_EQ(s.every(Command::version), 0);
  EXPECT_EQ(s.every(Command::diagnostics), 3) << "default: once a minute at 20 s";
  EXPECT_EQ(s.every(Command::status_extra2), 2);
  Metric m;
  m.type = "parameter";
  m.type_instance = "dhw_set";
  EXPECT_TRUE(b.is_excluded(m));
  m.type = "flag";
  m.type_instance = "gp_switch";
  EXPECT_TRUE(b.is_excluded(m));
  m.type_instance = "pump";
  EXPECT_FALSE(b.is_excluded(m));
}

TEST_F(BoilerConfigTest, DefaultsNeedOnlyADevice) {
  ASSERT_FALSE(parse("attic", {device()}));
  const BoilerConfig& b = boilers[0];
  EXPECT_FALSE(b.model) << "unset: found on the line";
  EXPECT_EQ(b.interval, milliseconds(0)) << "0: collectd's interval";
  EXPECT_FALSE(b.reply_timeout) << "unset: fitted to the read interval";
  EXPECT_EQ(b.max_gas_rate, 8.0) << "m3/h: the largest model's load with margin";
  const Schedule s = b.schedule(milliseconds(10000));
  EXPECT_EQ(s.every(Command::status_extra), 1);
  EXPECT_EQ(s.every(Command::status_extra2), 1) << "every read, asked of an Xtreme only";
  EXPECT_EQ(s.every(Command::counters), 6);
  EXPECT_EQ(s.every(Command::version), 30) << "300 s: within write_prometheus's StalenessDelta";
}

TEST_F(BoilerConfigTest, ModelAutoIsTheDefaultWrittenOut) {
  ASSERT_FALSE(parse("attic", {device(), t.item("Model", {Tree::str("AUTO")})}));
  EXPECT_FALSE(boilers[0].model);
}

struct BadLine {
  const char* what;
  std::function<oconfig_item_t*(Tree&)> option;
  const char* message;
};

class BadConfig : public BoilerConfigTest, public ::testing::WithParamInterface<BadLine> {};

TEST_P(BadConfig, IsRefusedWithAMessageNamingBoilerAndOption) {
  auto err = parse("kitchen", {device(), GetParam().option(t)});
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->rfind(GetParam().message, 0), 0u) << *err;
  EXPECT_TRUE(boilers.empty()) << "nothing of a failing block is kept";
}

INSTANTIATE_TEST_SUITE_P(
    Lines, BadConfig,
    ::testing::Values(
        BadLine{"unknown option", [](Tree& tree) { return tree.item("Devise", {Tree::str("x")}); },
                "Boiler \"kitchen\": Devise: unknown option"},
        BadLine{"bad model", [](Tree& tree) { return tree.item("Model", {Tree::str("combi")}); },
                "Boiler \"kitchen\": Model: expects"},
        BadLine{"health interval past StalenessDelta",
                [](Tree& tree) { return tree.item("HealthInterval", {Tree::num(301)}); },
                "Boiler \"kitchen\": HealthInterval: expects one number of seconds from 1 to 300"},
        BadLine{"interval too small",
                [](Tree& tree) { return tree.item("Interval", {Tree::num(0.5)}); },
                "Boiler \"kitchen\": Interval: expects one number of seconds from 1 to 86400"},
        BadLine{"timeout as string",
                [](Tree& tree) { return tree.item("ReplyTimeout", {Tree::str("1s")}); },
                "Boiler \"kitchen\": ReplyTimeout: expects"},
        BadLine{"timeout too long",
                [](Tree& tree) { return tree.item("ReplyTimeout", {Tree::num(11)}); },
                "Boiler \"kitchen\": ReplyTimeout: expects"},
        BadLine{"schedule unknown command",
                [](Tree& tree) {
                  return tree.item("Schedule", {Tree::str("gas"), Tree::num(2)});
                },
                "Boiler \"kitchen\": Schedule: unknown command \"gas\""},
        BadLine{"schedule status",
                [](Tree& tree) {
                  return tree.item("Schedule", {Tree::str("status"), Tree::num(2)});
                },
                "Boiler \"kitchen\": Schedule: status is read on every read"},
        BadLine{"schedule zero",
                [](Tree& tree) {
                  return tree.item("Schedule", {Tree::str("counters"), Tree::num(0)});
                },
                "Boiler \"kitchen\": Schedule: expects"},
        BadLine{"schedule fraction",
                [](Tree& tree) {
                  return tree.item("Schedule", {Tree::str("counters"), Tree::num(1.5)});
                },
                "Boiler \"kitchen\": Schedule: expects"},
        BadLine{"exclude unknown type",
                [](Tree& tree) { return tree.item("Exclude", {Tree::str("temperature")}); },
                "Boiler \"kitchen\": Exclude: unknown type \"temperature\""},
        BadLine{"exclude up", [](Tree& tree) { return tree.item("Exclude", {Tree::str("up")}); },
                "Boiler \"kitchen\": Exclude: \"up\" cannot be excluded"},
        BadLine{"gas rate zero", [](Tree& tree) { return tree.item("MaxGasRate", {Tree::num(0)}); },
                "Boiler \"kitchen\": MaxGasRate: expects one number of m3/h from 1 to 100"},
        BadLine{"gas rate as string",
                [](Tree& tree) { return tree.item("MaxGasRate", {Tree::str("8 m3/h")}); },
                "Boiler \"kitchen\": MaxGasRate: expects"},
        BadLine{"gas rate too high",
                [](Tree& tree) { return tree.item("MaxGasRate", {Tree::num(101)}); },
                "Boiler \"kitchen\": MaxGasRate: expects"},
        BadLine{"two devices",
                [](Tree& tree) {
                  return tree.item("Device", {Tree::str("/a"), Tree::str("/b")});
                },
                "Boiler \"kitchen\": Device: expects one string"},
        BadLine{"malformed tcp device",
                [](Tree& tree) { return tree.item("Device", {Tree::str("tcp://host")}); },
                "Boiler \"kitchen\": Device: "}),
    [](const ::testing::TestParamInfo<BadLine>& p) {
      std::string n = p.param.what;
      for (auto& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n;
    });

TEST_F(BoilerConfigTest, MissingDeviceIsRefused) {
  auto err = parse("kitchen", {t.item("Model", {Tree::str("hre")})});
  ASSERT_TRUE(err);
  EXPECT_EQ(*err, "Boiler \"kitchen\": Device: missing (required)");
}

TEST_F(BoilerConfigTest, DuplicateNamesAreRefusedAcrossPluginBlocks) {
  ASSERT_FALSE(parse("kitchen", {device()}));
  auto err = parse("kitchen", {device("/dev/ttyUSB1")});
  ASSERT_TRUE(err);
  EXPECT_EQ(*err, "Boiler \"kitchen\": defined twice");
  EXPECT_EQ(boilers.size(), 1u);
}

TEST_F(BoilerConfigTest, ABoilerNeedsAName) {
  auto* boiler = t.item("Boiler", {}, {device()});
  auto* plugin = t.item("Plugin", {Tree::str("intergas")}, {boiler});
  auto err = parse_plugin_block(*plugin, boilers);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->rfind("Boiler: expects one non-empty name", 0), 0u) << *err;
}

TEST_F(BoilerConfigTest, OptionsOutsideABoilerAreRefused) {
  auto* plugin = t.item("Plugin", {Tree::str("intergas")}, {device()});
  auto err = parse_plugin_block(*plugin, boilers);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->rfind("Device: unknown option", 0), 0u) << *err;
}

// A ReplyTimeout and an Interval written in the same block that contradict each other are an
// error; the plugin would otherwise have to overrule one of them.
TEST_F(BoilerConfigTest, ReplyTimeoutMustFitTheBlocksOwnInterval) {
  ASSERT_FALSE(parse("kitchen", {device(), t.item("ReplyTimeout", {Tree::num(2)}),
                                 t.item("Interval", {Tree::num(2)})}));
  Timing timing;
  auto err = resolve_timing(boilers[0], milliseconds(10000), timing);
  ASSERT_TRUE(err);
  EXPECT_EQ(*err,
            "Boiler \"kitchen\": ReplyTimeout: 2000 ms plus SettleTime must be shorter than the "
            "read interval (2000 ms)");
}

TEST_F(BoilerConfigTest, AnExplicitReplyTimeoutIsKeptWhenItFits) {
  ASSERT_FALSE(parse("kitchen", {device(), t.item("ReplyTimeout", {Tree::num(2)})}));
  Timing timing;
  ASSERT_FALSE(resolve_timing(boilers[0], milliseconds(10000), timing));
  EXPECT_EQ(timing.interval, milliseconds(10000));
  EXPECT_EQ(timing.reply_timeout, milliseconds(2000));
  EXPECT_EQ(timing.note, "");
  EXPECT_EQ(timing.warning, "");
}

// collectd's global Interval 1 with a default block: the default reply timeout is fitted so that
// a timeout plus its late window fit one interval: (1000 - 150) / 2 = 425 ms. No warning: the
// user asked for nothing that was overruled.
TEST_F(BoilerConfigTest, TheDefaultReplyTimeoutFitsAShortGlobalInterval) {
  ASSERT_FALSE(parse("kitchen", {device()}));
  Timing timing;
  ASSERT_FALSE(resolve_timing(boilers[0], milliseconds(1000), timing));
  EXPECT_EQ(timing.interval, milliseconds(1000));
  EXPECT_EQ(timing.reply_timeout, milliseconds(425));
  EXPECT_EQ(timing.warning, "");
  EXPECT_EQ(timing.note,
            "Boiler \"kitchen\": ReplyTimeout 425 ms, fitted to the read interval (1000 ms)");
  ASSERT_FALSE(resolve_timing(boilers[0], milliseconds(10000), timing));
  EXPECT_EQ(timing.reply_timeout, milliseconds(1000)) << "the default where it fits";
  EXPECT_EQ(timing.note, "");
}

// An explicit ReplyTimeout that collectd's global Interval cannot hold: the boiler is read at the
// shortest whole-second interval that fits, and one warning says so; collectd still starts.
TEST_F(BoilerConfigTest, AGlobalIntervalTooShortForAnExplicitReplyTimeoutIsLengthened) {
  ASSERT_FALSE(parse("kitchen", {device(), t.item("ReplyTimeout", {Tree::num(1)})}));
  Timing timing;
  ASSERT_FALSE(resolve_timing(boilers[0], milliseconds(1000), timing));
  EXPECT_EQ(timing.interval, milliseconds(2000));
  EXPECT_EQ(timing.reply_timeout, milliseconds(1000));
  EXPECT_EQ(timing.warning,
            "Boiler \"kitchen\": ReplyTimeout 1000 ms plus SettleTime 150 ms do not fit "
            "collectd's Interval (1000 ms): reading this boiler every 2000 ms instead (set "
            "Interval in the Boiler block to choose)");
}

// A sub-second global Interval leaves less than the shortest reply timeout (250 ms).
TEST_F(BoilerConfigTest, ASubSecondGlobalIntervalIsLengthened) {
  ASSERT_FALSE(parse("kitchen", {device()}));
  Timing timing;
  ASSERT_FALSE(resolve_timing(boilers[0], milliseconds(500), timing));
  EXPECT_EQ(timing.interval, milliseconds(1000));
  EXPECT_EQ(timing.reply_timeout, milliseconds(425));
  EXPECT_NE(timing.warning.find("reading this boiler every 1000 ms instead"), std::string::npos)
      << timing.warning;
}

// Schedule x Interval is held to write_prometheus' StalenessDelta (300 s), like HealthInterval.
TEST_F(BoilerConfigTest, AScheduleBeyondStalenessAtTheBlocksOwnIntervalIsRefused) {
  ASSERT_FALSE(parse("kitchen", {device(), t.item("Interval", {Tree::num(10)}),
                                 t.item("Schedule", {Tree::str("counters"), Tree::num(31)})}));
  Schedule schedule;
  std::string warning;
  const auto err = resolve_schedule(boilers[0], milliseconds(10000), schedule, warning);
  ASSERT_TRUE(err);
  EXPECT_EQ(*err,
            "Boiler \"kitchen\": Schedule \"counters\": 31 reads of 10000 ms exceed "
            "write_prometheus' StalenessDelta (300 s), between which its values would vanish; at "
            "most 30");
}

TEST_F(BoilerConfigTest, AScheduleBeyondStalenessAtTheGlobalIntervalIsShortenedWithOneWarning) {
  ASSERT_FALSE(
      parse("kitchen", {device(), t.item("Schedule", {Tree::str("counters"), Tree::num(100)}),
                        t.item("Schedule", {Tree::str("version"), Tree::num(60)}),
                        t.item("Schedule", {Tree::str("parameters"), Tree::num(30)})}));
  Schedule schedule;
  std::string warning;
  ASSERT_FALSE(resolve_schedule(boilers[0], milliseconds(10000), schedule, warning));
  EXPECT_EQ(schedule.every(Command::counters), 30);  // 300 s / 10 s
  EXPECT_EQ(schedule.every(Command::version), 30);
  EXPECT_EQ(schedule.every(Command::parameters), 30) << "exactly 300 s fits";
  EXPECT_EQ(warning,
            "Boiler \"kitchen\": Schedule (counters 100, version 60 reads) at collectd's "
            "Interval (10000 ms) exceeds write_prometheus' StalenessDelta (300 s): reading those "
            "every 30 reads instead (set Interval in the Boiler block to choose)");
}

TEST_F(BoilerConfigTest, TheDefaultScheduleFitsStalenessWithoutAWarning) {
  ASSERT_FALSE(parse("kitchen", {device()}));
  for (int seconds : {1, 10, 60, 300}) {
    Schedule schedule;
    std::string warning;
    ASSERT_FALSE(resolve_schedule(boilers[0], milliseconds(seconds * 1000), schedule, warning));
    EXPECT_EQ(warning, "") << seconds;
    for (Command c : kAllCommands) {
      EXPECT_LE(schedule.every(c) * seconds, 300) << command_name(c) << " at " << seconds << " s";
    }
  }
}

// intergas.types.db must say what the metric contract's table (client/metric_types.h) says, line
// for line: the same types in the same order, each with its kind and range (init checks the
// daemon's types against that table).
TEST(PluginTypes, MatchIntergasTypesDb) {
  std::ifstream in(INTERGAS_TYPES_DB);
  ASSERT_TRUE(in) << INTERGAS_TYPES_DB;
  std::vector<std::pair<std::string, std::string>> in_file;  // name, data-source spec
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, ds, rest;
    fields >> name >> ds >> rest;
    EXPECT_EQ(rest, "") << "one data source per type: " << line;
    in_file.emplace_back(name, ds);
  }
  ASSERT_EQ(in_file.size(), kMetricTypeCount);
  for (std::size_t i = 0; i < kMetricTypeCount; ++i) {
    const MetricType& t = kMetricTypes[i];
    EXPECT_EQ(in_file[i].first, t.name) << "line " << i + 1 << " of the types";
    EXPECT_EQ(in_file[i].second, types_db_spec(t)) << t.name;
  }
}

// <HomeAssistant> (ha_config.h): beside the boilers, one per daemon, every error naming the option.
class HaConfigTest : public BoilerConfigTest {
 protected:
  std::optional<std::string> parse_ha(std::vector<oconfig_item_t*> options) {
    auto* boiler = t.item("Boiler", {Tree::str("kitchen")}, {device()});
    auto* ha = t.item("HomeAssistant", {}, std::move(options));
    auto* plugin = t.item("Plugin", {Tree::str("intergas")}, {boiler, ha});
    if (auto err = parse_plugin_block(*plugin, boilers)) return err;
    return parse_ha_blocks(*plugin, ha_config);
  }
  std::optional<HaConfig> ha_config;
};

TEST_F(HaConfigTest, DefaultsNeedNothingButTheBlock) {
  ASSERT_EQ(parse_ha({}), std::nullopt);
  ASSERT_TRUE(ha_config);
  EXPECT_EQ(boilers.size(), 1u);
  EXPECT_EQ(ha_config->host, "localhost");
  EXPECT_EQ(ha_config->port, 1883);
  EXPECT_EQ(ha_config->prefix, "collectd");  // the mqtt writer's default
  EXPECT_EQ(ha_config->discovery_prefix, "homeassistant");
  EXPECT_FALSE(ha_config->expire_after);
  EXPECT_EQ(ha_config->user, "");
}

TEST_F(HaConfigTest, ReadsEveryOption) {
  const std::string readable = INTERGAS_TYPES_DB;  // any readable file stands for a PEM file
  ASSERT_EQ(
      parse_ha({t.item("Host", {Tree::str("broker.lan")}), t.item("Port", {Tree::str("8883")}),
                t.item("User", {Tree::str("collectd")}), t.item("Password", {Tree::str("secret")}),
                t.item("ClientId", {Tree::str("boiler-room")}),
                t.item("CACert", {Tree::str(readable)}),
                t.item("CertificateFile", {Tree::str(readable)}),
                t.item("CertificateKeyFile", {Tree::str(readable)}),
                t.item("TLSProtocol", {Tree::str("tlsv1.2")}),
                t.item("Prefix", {Tree::str("home/collectd")}),
                t.item("DiscoveryPrefix", {Tree::str("ha")}), t.item("ExpireAfter", {Tree::num(0)}),
                t.item("KeepAlive", {Tree::num(30)})}),
      std::nullopt);
  EXPECT_EQ(ha_config->host, "broker.lan");
  EXPECT_EQ(ha_config->port, 8883);
  EXPECT_EQ(ha_config->user, "collectd");
  EXPECT_EQ(ha_config->password, "secret");
  EXPECT_EQ(ha_config->client_id, "boiler-room");
  EXPECT_EQ(ha_config->ca_cert, readable);
  EXPECT_EQ(ha_config->tls_protocol, "tlsv1.2");
  EXPECT_EQ(ha_config->prefix, "home/collectd");
  EXPECT_EQ(ha_config->discovery_prefix, "ha");
  EXPECT_EQ(ha_config->expire_after, std::chrono::seconds(0));
  EXPECT_EQ(ha_config->keep_alive, std::chrono::seconds(30));
}

TEST_F(HaConfigTest, BadOptionsAreRefusedNamingTheOption) {
  const std::vector<std::pair<std::function<oconfig_item_t*(Tree&)>, std::string>> cases = {
      {[](Tree& tr) { return tr.item("Port", {Tree::num(70000)}); }, "HomeAssistant: Port: "},
      {[](Tree& tr) { return tr.item("Port", {Tree::str("mqtt")}); }, "HomeAssistant: Port: "},
      {[](Tree& tr) { return tr.item("Host", {Tree::num(1)}); }, "HomeAssistant: Host: "},
      {[](Tree& tr) { return tr.item("Prefix", {Tree::str("collectd/#")}); },
       "HomeAssistant: Prefix: must not contain '+' or '#'"},
      {[](Tree& tr) { return tr.item("DiscoveryPrefix", {Tree::str("")}); },
       "HomeAssistant: DiscoveryPrefix: "},
      {[](Tree& tr) { return tr.item("CACert", {Tree::str("/nonexistent/ca.pem")}); },
       "HomeAssistant: CACert: cannot read \"/nonexistent/ca.pem\""},
      {[](Tree& tr) { return tr.item("ExpireAfter", {Tree::num(-1)}); },
       "HomeAssistant: ExpireAfter: "},
      {[](Tree& tr) { return tr.item("Password", {Tree::str("secret")}); },
       "HomeAssistant: Password: needs User"},
      {[](Tree& tr) { return tr.item("StoreRates", {Tree::boolean(false)}); },
       "HomeAssistant: StoreRates: unknown option"},
  };
  for (const auto& [make, want] : cases) {
    Tree tree;
    auto* ha = tree.item("HomeAssistant", {}, {make(tree)});
    auto* plugin = tree.item("Plugin", {Tree::str("intergas")}, {ha});
    std::optional<HaConfig> config;
    const auto err = parse_ha_blocks(*plugin, config);
    ASSERT_TRUE(err) << want;
    EXPECT_EQ(err->rfind(want, 0), 0u) << *err;
  }
}

TEST_F(HaConfigTest, OneBrokerPerDaemon) {
  ASSERT_EQ(parse_ha({}), std::nullopt);
  auto* plugin = t.item("Plugin", {Tree::str("intergas")}, {t.item("HomeAssistant", {}, {})});
  const auto err = parse_ha_blocks(*plugin, ha_config);
  ASSERT_TRUE(err);
  EXPECT_EQ(*err, "HomeAssistant: only one such block (one broker)");
}

}  // namespace
}  // namespace intergas
