// Home Assistant through MQTT, end to end (issue 19): Debian's mosquitto started here on a free
// loopback port, a real `collectd -f` with its own mqtt writer (StoreRates false), write_prometheus
// and our plugin with a <HomeAssistant> block, and a simulated boiler. Every discovery config must
// be valid JSON with the keys Home Assistant requires, and its value_template, rendered with
// Jinja2 as Home Assistant renders it (ha_render.py) on the payload collectd sent on its state
// topic, must give the boiler's value in the config's unit: the source's own decoding of the
// frame the simulator answers with (tests/frames), converted by factors written here. A broker
// that is down at the start gets the discovery when it comes up, while collectd's other values
// keep flowing; a restart republishes the same bytes. Over TLS (a CA and broker certificate made
// with openssl), the configs arrive, with a client certificate too; a broker certificate the CA
// did not sign, or one for another host, costs one log line and no connection, while
// write_prometheus keeps exporting. A boiler removed while collectd was stopped loses its configs
// at the next start, and no one else's go.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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
using test::Process;

// Boiler names with the characters MQTT forbids in a topic ('+', '#') and one a topic level
// holds but an id does not (' ').
constexpr const char* kBoiler = "attic #1+";
constexpr const char* kBoilerInTopics = "attic _1_";  // as collectd's mqtt writer publishes it

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string hex_decode(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// A throwaway certificate authority and the broker's certificate for 127.0.0.1 and localhost,
// made with openssl in the test's folder. Empty paths when openssl fails (see `error`).
struct CertificateFiles {
  std::string certificate, key;
};

bool openssl(const std::vector<std::string>& args, std::string& error) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = test::run_command(argv, milliseconds(30000));
  if (r.exit_code != 0) error += r.output;
  return r.exit_code == 0;
}

// A self-signed CA named `name` (its files are <dir>/<name>.pem and .key).
CertificateFiles make_ca(const std::string& dir, const std::string& name, std::string& error) {
  const CertificateFiles ca{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  if (!openssl(
          {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", ca.key, "-out", ca.certificate, "-days", "2", "-subj", "/CN=" + name},
          error))
    return {};
  return ca;
}

// A certificate signed by `ca` (<dir>/<name>.pem and .key) with the X.509 `extensions` given.
CertificateFiles make_certificate(const std::string& dir, const CertificateFiles& ca,
                                  const std::string& name, const std::string& extensions,
                                  std::string& error) {
  const CertificateFiles made{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  const std::string request = dir + "/" + name + ".csr", extension_file = dir + "/" + name + ".ext";
  test::write_file(extension_file, extensions);
  if (!openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", made.key, "-out", request, "-subj", "/CN=" + name},
               error) ||
      !openssl(
          {"x509", "-req", "-in", request, "-CA", ca.certificate, "-CAkey", ca.key,
           "-CAcreateserial", "-out", made.certificate, "-days", "2", "-extfile", extension_file},
          error))
    return {};
  return made;
}

// The broker's certificate, for the addresses the plugin and the clients use.
CertificateFiles make_server_certificate(const std::string& dir, const CertificateFiles& ca,
                                         std::string& error) {
  return make_certificate(dir, ca, "broker",
                          "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                          "extendedKeyUsage = serverAuth\n",
                          error);
}

// Debian's broker on a loopback port, configured by the test.
class Broker {
 public:
  struct Options {
    std::string password_file;  // "" lets anyone in; otherwise only its users
    // A TLS-only listener with this certificate (clients need its CA); none: plain MQTT.
    std::optional<CertificateFiles> tls;
    // With `tls`: "" takes any client; otherwise a client must show a certificate from this CA.
    std::string client_ca;
  };
  Broker(const std::string& dir, int port, const Options& options = {}) : port_(port) {
    const std::string conf = dir + "/mosquitto-" + std::to_string(port) + ".conf";
    std::string text = "listener " + std::to_string(port) + " 127.0.0.1\n";
    if (options.tls) {
      text += "certfile " + options.tls->certificate + "\nkeyfile " + options.tls->key + "\n";
      if (!options.client_ca.empty()) {
        text += "cafile " + options.client_ca + "\nrequire_certificate true\n";
      }
    }
    text += options.password_file.empty() ? std::string("allow_anonymous true\n")
                                          : "password_file " + options.password_file + "\n";
    text += "persistence false\nlog_dest stderr\n";
    // As root, mosquitto runs as the user "mosquitto", who cannot read the test's private folder.
    if (geteuid() == 0) text += "user root\n";
    test::write_file(conf, text);
    process_ =
        std::make_unique<Process>(std::vector<std::string>{"/usr/sbin/mosquitto", "-c", conf},
                                  dir + "/mosquitto-" + std::to_string(port) + ".log");
  }
  // Whether a client with `client_options` (mosquitto_sub's login or TLS options) gets in: it
  // connects, waits up to `wait_seconds` for a message that never comes, and leaves.
  bool lets_in(const std::vector<std::string>& client_options, int wait_seconds) const {
    std::vector<std::string> argv = {"/usr/bin/mosquitto_sub",     "-h", "127.0.0.1",   "-p",
                                     std::to_string(port_),        "-t", "ready/probe", "-W",
                                     std::to_string(wait_seconds), "-E"};
    argv.insert(argv.end(), client_options.begin(), client_options.end());
    const milliseconds run_limit(std::max(5, 2 * wait_seconds) * 1000);
    return test::run_command(argv, run_limit).exit_code == 0;
  }
  // The broker accepts connections from a client with `client_options`.
  bool wait_ready(const std::vector<std::string>& client_options = {}) const {
    return eventually([&] { return lets_in(client_options, 1); }, milliseconds(15000));
  }
  // Makes the broker read its configuration (and password file) again.
  void reload() { kill(process_->pid(), SIGHUP); }
  // What the broker logged so far (one line per connection, accepted or not).
  const std::string& log() { return process_->stderr_text(); }

 private:
  int port_;
  std::unique_ptr<Process> process_;
};

// A commented block of collectd.conf.example, uncommented: from the line `first` to the next line
// `last` (leading spaces aside), each without its first '#' (the explanations inside, "#  # ...",
// stay comments), with the broker's address replaced by the test's.
std::string example_block(const std::string& first, const std::string& last, int port) {
  std::istringstream in(test::read_file(INTERGAS_CONF_EXAMPLE));
  auto trimmed = [](const std::string& l) {
    const auto at = l.find_first_not_of(' ');
    return at == std::string::npos ? std::string() : l.substr(at);
  };
  std::string block;
  for (std::string line; std::getline(in, line);) {
    if (block.empty() && trimmed(line) != first) continue;
    const auto hash = line.find('#');
    if (hash == std::string::npos) return {};  // the block must be commented throughout
    line.erase(hash, 1);
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"\"localhost\"", "\"127.0.0.1\""},
          {"Port 1883", "Port " + std::to_string(port)}}) {
      const auto at = line.find(from);
      if (at != std::string::npos) line.replace(at, from.size(), to);
    }
    block += line + "\n";
    if (trimmed(line) == last) return block;
  }
  return {};
}

// A mosquitto_sub printing "<retained>|<topic>|<payload as hex>" per message (topics may hold
// spaces).
class Subscriber {
 public:
  struct Message {
    bool retained = false;
    std::string topic, payload;
  };
  Subscriber(int port, const std::vector<std::string>& filters,
             const std::vector<std::string>& client_options = {}) {
    std::vector<std::string> argv = {"/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p",
                                     std::to_string(port),     "-F", "%r|%t|%x"};
    argv.insert(argv.end(), client_options.begin(), client_options.end());
    for (const auto& f : filters) {
      argv.push_back("-t");
      argv.push_back(f);
    }
    process_ = std::make_unique<Process>(argv);
  }
  std::optional<Message> next(milliseconds timeout) {
    auto line = process_->read_line(timeout);
    if (!line) return std::nullopt;
    const auto first = line->find('|'), last = line->rfind('|');
    if (first == std::string::npos || first == last) return Message{};
    return Message{line->substr(0, first) == "1", line->substr(first + 1, last - first - 1),
                   hex_decode(line->substr(last + 1))};
  }
  // Reads messages until `done` says so (or `timeout` passes); true when it did.
  template <typename F>
  bool read_until(F done, milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto m = next(milliseconds(500));
      if (m && done(*m)) return true;
    }
    return false;
  }

 private:
  std::unique_ptr<Process> process_;
};

bool publish(int port, const std::vector<std::string>& client_options, const std::string& topic,
             const std::string& payload, bool retain = false) {
  std::vector<std::string> argv = {"/usr/bin/mosquitto_pub",
                                   "-h",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(port),
                                   "-t",
                                   topic,
                                   "-m",
                                   payload};
  argv.insert(argv.end(), client_options.begin(), client_options.end());
  if (retain) argv.push_back("-r");
  return test::run_command(argv, milliseconds(5000)).exit_code == 0;
}

// Every retained config on the broker (nullopt when the broker did not answer). The broker sends
// a new subscriber all retained messages at once when it subscribes, before anything published
// later: the first of them says the subscription is there, and a marker published then comes
// after the last. A retained sentinel of the test's own makes sure there is a first.
std::optional<std::map<std::string, std::string>> retained_configs(
    int port, const std::vector<std::string>& client_options = {}) {
  const std::string sentinel = "homeassistant/e2e-sentinel", marker = "homeassistant/e2e-marker";
  if (!publish(port, client_options, sentinel, "x", /*retain=*/true)) return std::nullopt;
  Subscriber all(port, {"homeassistant/#"}, client_options);
  std::map<std::string, std::string> configs;
  bool marker_sent = false;
  const bool complete = all.read_until(
      [&](const Subscriber::Message& m) {
        if (m.topic == marker) return true;
        if (!m.retained) return false;
        if (m.topic != sentinel) configs[m.topic] = m.payload;
        if (!marker_sent) marker_sent = publish(port, client_options, marker, "x");
        return false;
      },
      milliseconds(30000));
  if (!complete) return std::nullopt;
  return configs;
}

// The series the plugin exports for the simulator's state: the source's own decoding of each
// frame the simulator answers with (tests/frames), keyed "type-instance" as in the topics.
std::map<std::string, double> expected_values(const sim::BoilerState& s) {
  std::map<std::string, double> out;
  for (Command c : kAllCommands) {
    const golden::RealFrame* f = golden::find_frame(c, sim::encode_data(s, c));
    if (f == nullptr) continue;
    for (const Metric& m : golden::expected_metrics(*f)) {
      out[m.type + (m.type_instance.empty() ? "" : "-" + m.type_instance)] = m.value();
    }
  }
  return out;
}

// From the contract's unit to the one a config names (Home Assistant's units).
double in_unit(const std::string& unit, double v) {
  if (unit == "m³") return v / 1000;  // litres
  if (unit == "h") return v / 3600;   // seconds
  if (unit == "µA") return v * 1e6;   // amperes
  if (unit == "%") return v * 100;    // a 0..1 ratio
  return v;
}

struct Rendered {
  std::string unit, text;
};

class HomeAssistantE2E : public test::CollectdTest {
 protected:
  HomeAssistantE2E() : CollectdTest("ha") {}

  // `boiler_lines`: more options of the Boiler block.
  std::unique_ptr<CollectdProcess> start(int broker_port, const std::string& device,
                                         const std::string& boiler_lines = "") {
    CollectdOptions o;
    o.plugin_dir = INTERGAS_PLUGIN_DIR;
    o.types_db = INTERGAS_TYPES_DB;
    o.work_dir = dir_;
    o.interval_seconds = 1;
    o.csv = false;
    // The mqtt writer and the <HomeAssistant> block exactly as collectd.conf.example has them.
    const std::string writer = example_block("#LoadPlugin mqtt", "</Plugin>", broker_port);
    const std::string ha = example_block("#<HomeAssistant>", "</HomeAssistant>", broker_port);
    EXPECT_NE(writer, "") << "no commented mqtt block in " << INTERGAS_CONF_EXAMPLE;
    EXPECT_NE(ha, "") << "no commented HomeAssistant block in " << INTERGAS_CONF_EXAMPLE;
    o.extra_config = writer;
    o.boilers_config = std::string("  <Boiler \"") + kBoiler + "\">\n    Device \"" + device +
                       "\"\n    ReplyTimeout 0.4\n    SettleTime 0.1\n" + boiler_lines +
                       "  </Boiler>\n" + ha;
    auto c = std::make_unique<CollectdProcess>(o);
    const bool up = c->start();
    EXPECT_TRUE(up) << c->log();
    return c;
  }

  // A collectd with the boiler and a <HomeAssistant> block for the broker on `broker_port` with
  // `ha_lines` added, and no mqtt writer: for the tests of the connection alone.
  std::unique_ptr<CollectdProcess> start_with_broker(int broker_port, const std::string& device,
                                                     const std::string& ha_lines) {
    return start_with_boilers(broker_port, {{kBoiler, device}}, ha_lines);
  }
  // The same with the boilers given as (name, device).
  std::unique_ptr<CollectdProcess> start_with_boilers(
      int broker_port, const std::vector<std::pair<std::string, std::string>>& boilers,
      const std::string& ha_lines = "") {
    CollectdOptions o;
    o.plugin_dir = INTERGAS_PLUGIN_DIR;
    o.types_db = INTERGAS_TYPES_DB;
    o.work_dir = dir_;
    o.csv = false;
    for (const auto& [name, device] : boilers) {
      o.boilers_config +=
          "  <Boiler \"" + name + "\">\n    Device \"" + device + "\"\n  </Boiler>\n";
    }
    o.boilers_config += "  <HomeAssistant>\n    Host \"127.0.0.1\"\n    Port " +
                        std::to_string(broker_port) + "\n" + ha_lines + "  </HomeAssistant>\n";
    auto c = std::make_unique<CollectdProcess>(o);
    const bool up = c->start();
    EXPECT_TRUE(up) << c->log();
    return c;
  }

  // Collects the retained configs and the writer's values until every series in `wanted` has
  // both a value and a config naming it as state topic; then renders them all.
  std::map<std::string, Rendered> render(Subscriber& sub, const std::set<std::string>& wanted,
                                         std::map<std::string, std::string>& configs,
                                         std::string& errors) {
    std::map<std::string, std::string> states;
    const std::string value_prefix = std::string("collectd/e2e-host/intergas-") + kBoilerInTopics;
    sub.read_until(
        [&](const Subscriber::Message& m) {
          if (m.topic.rfind("homeassistant/", 0) == 0) configs[m.topic] = m.payload;
          if (contains(m.topic, "/availability")) {
            availability_[m.topic] = m.payload;
          } else if (m.topic.rfind(value_prefix + "/", 0) == 0) {
            states[m.topic] = m.payload;
          }
          for (const std::string& id : wanted) {
            const std::string topic = value_prefix + "/" + id;
            if (states.count(topic) == 0) return false;
            bool has_config = false;
            for (const auto& c : configs) {
              has_config = has_config || contains(c.second, "\"state_topic\": \"" + topic + "\"");
            }
            if (!has_config) return false;
          }
          return true;
        },
        milliseconds(30000));
    std::string input;
    auto hex = [](const std::string& s) {
      std::string out;
      char buf[4];
      for (unsigned char c : s) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
      }
      return out;
    };
    for (const auto& [t, p] : configs) input += "config " + hex(t) + " " + hex(p) + "\n";
    for (const auto& [t, p] : states) input += "state " + hex(t) + " " + hex(p) + "\n";
    test::write_file(dir_ + "/ha_input.txt", input);
    const auto run = test::run_command(
        {"/usr/bin/python3", INTERGAS_HA_RENDER, dir_ + "/ha_input.txt"}, milliseconds(60000));
    std::map<std::string, Rendered> out;
    std::istringstream lines(run.output);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream in(line);
      std::string kind, topic, unit, text;
      in >> kind;
      if (kind == "error") {
        errors += line + "\n";
        continue;
      }
      if (kind != "value") continue;
      in >> topic >> unit;
      std::getline(in, text);
      if (!text.empty() && text[0] == ' ') text.erase(0, 1);
      out[topic] = {unit, text};
    }
    if (run.exit_code != 0 && errors.empty()) errors = run.output;
    return out;
  }

  std::map<std::string, std::string> availability_;  // the plugin's availability topics
};

TEST_F(HomeAssistantE2E, EveryEntityRendersTheBoilersValueInItsUnit) {
  const int port = test::free_tcp_port();
  Broker broker(dir_, port);
  ASSERT_TRUE(broker.wait_ready());
  Subscriber sub(port, {"homeassistant/#", "collectd/#"});
  auto sim = start_sim({"--tcp", "0", "--profile", "heating", "--no-pace", "--latency-ms", "20"});
  auto collectd = start(port, sim->device());
  sim::BoilerState state;
  ASSERT_TRUE(sim::make_profile("heating", state));
  const auto expected = expected_values(state);

  // Not entities: the status state set (the status_code enum shows it) and firmware_info (the
  // device's sw_version).
  std::set<std::string> wanted;
  for (const auto& [id, value] : expected) {
    const std::string type = id.substr(0, id.find('-'));
    if (type != "status" && type != "firmware_info") wanted.insert(id);
  }
  std::map<std::string, std::string> configs;
  std::string errors;
  const auto rendered = render(sub, wanted, configs, errors);
  EXPECT_EQ(errors, "") << collectd->log();

  // Every boiler series the plugin exports has an entity showing its value in the entity's unit.
  int checked = 0;
  std::string expected_status;
  for (const auto& [id, value] : expected) {
    if (id.rfind("status-", 0) == 0 && value == 1) {
      expected_status = id.substr(7);
    }
  }
  for (const std::string& id : wanted) {
    const std::string type = id.substr(0, id.find('-'));
    const double value = expected.at(id);
    const auto it = rendered.find(id);
    if (it == rendered.end()) {
      ADD_FAILURE() << id << ": no entity rendered a value";
      continue;
    }
    const Rendered& r = it->second;
    ++checked;
    if (type == "status_code") {
      EXPECT_EQ(r.text, expected_status) << "status code " << value;
    } else if (type == "flag" || type == "burner_state" || type == "fault_active") {
      EXPECT_EQ(r.text, value == 1 ? "ON" : "OFF") << id;
    } else {
      const double want = in_unit(r.unit, value);
      EXPECT_NEAR(std::stod(r.text), want, 1e-6 * std::max(1.0, std::fabs(want)))
          << id << " in " << r.unit;
    }
  }
  EXPECT_GE(checked, 60);
  // The Energy dashboard's gas sensor: the central-heating gas meter, in m³.
  ASSERT_TRUE(rendered.count("gas_liters-ch"));
  EXPECT_EQ(rendered.at("gas_liters-ch").unit, "m³");
  EXPECT_DOUBLE_EQ(std::stod(rendered.at("gas_liters-ch").text),
                   static_cast<double>(state.counters.gas_ch_decilitres / 10) / 1000);

  // The boiler is available; a clean stop makes it unavailable (the plugin says "offline").
  const std::map<std::string, std::string> online = {
      {"collectd/e2e-host/intergas/availability", "online"},
      {std::string("collectd/e2e-host/intergas-") + kBoilerInTopics + "/availability", "online"}};
  EXPECT_EQ(availability_, online);
  collectd->process().stop(SIGTERM, milliseconds(20000));
  ASSERT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) {
        return m.topic == "collectd/e2e-host/intergas/availability" && m.payload == "offline";
      },
      milliseconds(20000)));

  // A restart with nothing changed republishes exactly the same configs.
  Subscriber again(port, {"homeassistant/#"});
  std::map<std::string, std::string> retained;
  again.read_until(
      [&](const Subscriber::Message& m) {
        retained[m.topic] = m.payload;
        return retained.size() == configs.size();
      },
      milliseconds(10000));
  EXPECT_EQ(retained, configs) << "the broker keeps every config";
  auto second = start(port, sim->device());
  std::map<std::string, std::string> republished;
  again.read_until(
      [&](const Subscriber::Message& m) {
        if (!m.retained) republished[m.topic] = m.payload;
        return republished.size() == configs.size();
      },
      milliseconds(30000));
  EXPECT_EQ(republished, configs) << second->log();

  // Restarted with the parameters excluded: their configs, left by the earlier run, are removed
  // (an empty retained payload), and the others stay as they were.
  second->process().stop(SIGTERM, milliseconds(20000));
  auto third = start(port, sim->device(), "    Exclude \"parameter\"\n");
  std::map<std::string, std::string> cleared;
  std::size_t parameters = 0;
  for (const auto& [topic, payload] : configs) {
    if (contains(topic, "/parameter_")) ++parameters;
  }
  ASSERT_GT(parameters, 20u);
  again.read_until(
      [&](const Subscriber::Message& m) {
        if (!m.retained && m.payload.empty()) cleared[m.topic] = m.payload;
        return cleared.size() == parameters;
      },
      milliseconds(30000));
  EXPECT_EQ(cleared.size(), parameters) << third->log();
  for (const auto& [topic, payload] : cleared) {
    EXPECT_TRUE(contains(topic, "/parameter_")) << topic;
  }
}

TEST_F(HomeAssistantE2E, ABrokerThatComesUpLaterGetsTheDiscoveryWhileValuesFlow) {
  const int port = test::free_tcp_port();
  auto sim = start_sim({"--tcp", "0", "--profile", "idle", "--no-pace", "--latency-ms", "20"});
  auto collectd = start(port, sim->device());
  const std::string down = "HomeAssistant: broker 127.0.0.1:" + std::to_string(port) + ": ";
  ASSERT_TRUE(eventually([&] { return contains(collectd->log(), down); }, milliseconds(15000)))
      << collectd->log();
  // write_prometheus still gets every read while the broker is away.
  ASSERT_TRUE(eventually(
      [&] {
        const auto s = test::find_samples(collectd->samples(), "collectd_intergas_up",
                                          {{"intergas", kBoiler}});
        return s.size() == 1 && s[0].value == 1;
      },
      milliseconds(15000)))
      << collectd->log();

  Broker broker(dir_, port);
  ASSERT_TRUE(broker.wait_ready());
  Subscriber sub(port, {"homeassistant/#"});
  ASSERT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) {
        return contains(m.topic, "/temperature_celsius_supply/config") && !m.payload.empty();
      },
      milliseconds(30000)))
      << collectd->log();
  ASSERT_TRUE(eventually([&] { return contains(collectd->log(), "HomeAssistant: connected"); },
                         milliseconds(5000)));
  // Logged once while down, however many attempts were made, and once on recovery.
  const std::string log = collectd->log();
  std::size_t lines = 0;
  for (std::size_t at = log.find(down); at != std::string::npos; at = log.find(down, at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << log;
  EXPECT_EQ(test::find_samples(collectd->samples(), "collectd_intergas_up", {{"intergas", kBoiler}})
                .size(),
            1u);
}

TEST_F(HomeAssistantE2E, ARefusedLoginIsLoggedOnceAndRetriedUntilTheBrokerTakesIt) {
  const int port = test::free_tcp_port();
  const std::string passwords = dir_ + "/passwd";
  auto set_password = [&](const std::string& password) {
    const auto r = test::run_command(
        {"/usr/bin/mosquitto_passwd", "-c", "-b", passwords, "collectd", password},
        milliseconds(10000));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  };
  set_password("the broker's");
  Broker broker(dir_, port, {passwords, std::nullopt, ""});
  ASSERT_TRUE(broker.wait_ready({"-u", "collectd", "-P", "the broker's"}));
  auto sim = start_sim({"--tcp", "0", "--profile", "idle", "--no-pace", "--latency-ms", "20"});
  auto collectd = start_with_broker(port, sim->device(),
                                    "    User \"collectd\"\n    Password \"collectd's\"\n");
  const std::string refused =
      "HomeAssistant: broker 127.0.0.1:" + std::to_string(port) + ": refused the connection: ";
  ASSERT_TRUE(eventually([&] { return contains(collectd->log(), refused); }, milliseconds(15000)))
      << collectd->log();

  // The broker takes collectd's password from now on.
  set_password("collectd's");
  broker.reload();
  Subscriber sub(port, {"homeassistant/#"}, {"-u", "collectd", "-P", "collectd's"});
  ASSERT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) { return contains(m.topic, "/status_code/config"); },
      milliseconds(30000)))
      << collectd->log();
  ASSERT_TRUE(eventually([&] { return contains(collectd->log(), "HomeAssistant: connected"); },
                         milliseconds(5000)));
  const std::string log = collectd->log();
  EXPECT_EQ(log.find(refused), log.rfind(refused)) << "logged more than once:\n" << log;
  EXPECT_EQ(log.find("HomeAssistant: broker"), log.find(refused)) << log;
}

// ESP's older IC2 firmware (as in real_boilers_test) answers neither S2 nor HN: once the plugin
// has marked both unsupported, the boiler is announced without their entities (no gas meters, no
// tap flow, no room temperatures), and with those of the commands it answers.
TEST_F(HomeAssistantE2E, NoEntityForACommandTheBoilerDoesNotAnswer) {
  const int port = test::free_tcp_port();
  Broker broker(dir_, port);
  ASSERT_TRUE(broker.wait_ready());
  test::write_file(dir_ + "/ic2.state",
                   "version.hardware = ic2kknl01\nversion.date_code = P080925\n"
                   "version.software = v2.71\n");
  auto sim = start_sim({"--tcp", "0", "--profile", "heating", "--no-pace", "--latency-ms", "20",
                        "--state", dir_ + "/ic2.state", "--ignore", "status_extra,counters"});
  auto collectd = start(port, sim->device());
  // Wait until the configs this test expects are all out (they are published one by one, so the
  // first one says nothing of the rest), then read every retained one.
  const std::vector<std::string> expected = {"/temperature_celsius_supply/config",
                                             "/mains_frequency_hertz/config",
                                             "/parameter_heater_on/config", "/status_code/config"};
  std::set<std::string> seen;
  Subscriber first(port, {"homeassistant/#"});
  ASSERT_TRUE(first.read_until(
      [&](const Subscriber::Message& m) {
        for (const std::string& e : expected) {
          if (contains(m.topic, e)) seen.insert(e);
        }
        return seen.size() == expected.size();
      },
      milliseconds(30000)))
      << collectd->log();
  const auto retained = retained_configs(port);
  ASSERT_TRUE(retained);
  const std::map<std::string, std::string>& configs = *retained;
  ASSERT_FALSE(configs.empty());
  for (const auto& [topic, payload] : configs) {
    for (const char* absent : {"gas_liters", "dhw_water", "burner_starts", "tap_flow", "room_zone",
                               "pwm_ratio_pump", "operation_seconds"}) {
      EXPECT_FALSE(contains(topic, absent)) << topic;
    }
  }
  for (const char* present : {"/temperature_celsius_supply/config", "/mains_frequency_hertz/config",
                              "/parameter_heater_on/config", "/status_code/config"}) {
    bool found = false;
    for (const auto& [topic, payload] : configs) found = found || contains(topic, present);
    EXPECT_TRUE(found) << present;
  }
  EXPECT_TRUE(contains(configs.begin()->second, "\"hw_version\": \"ic2kknl01\""))
      << configs.begin()->second;
}

// A boiler removed from the configuration while collectd was stopped: the configs the earlier
// run published for it are cleared at the next connection; those of the boiler still configured
// stay, and so do another host's (whose node id starts like this host's would) and another
// integration's.
TEST_F(HomeAssistantE2E, ARemovedBoilersConfigsAreClearedAndNoOneElses) {
  const int port = test::free_tcp_port();
  Broker broker(dir_, port);
  ASSERT_TRUE(broker.wait_ready());
  const std::vector<std::string> sim_args = {"--tcp",        "0", "--profile", "idle", "--no-pace",
                                             "--latency-ms", "20"};
  auto kept_sim = start_sim(sim_args);
  auto removed_sim = start_sim(sim_args);
  const std::string kept_node = "/intergas_e2e-host_kept/",
                    removed_node = "/intergas_e2e-host_removed/";
  Subscriber sub(port, {"homeassistant/#", "collectd/e2e-host/intergas/availability"});
  auto first =
      start_with_boilers(port, {{"kept", kept_sim->device()}, {"removed", removed_sim->device()}});
  std::set<std::string> announced;
  ASSERT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) {
        for (const std::string& node : {kept_node, removed_node}) {
          if (contains(m.topic, node) && !m.payload.empty()) announced.insert(node);
        }
        return announced.size() == 2;
      },
      milliseconds(30000)))
      << first->log();
  first->process().stop(SIGTERM, milliseconds(20000));
  ASSERT_TRUE(sub.read_until([&](const Subscriber::Message& m) { return m.payload == "offline"; },
                             milliseconds(20000)));

  // Another host's config for a boiler "removed" (its host "e2e-host_2" gives the node id
  // "intergas_e2e-host_2_removed", which this host would give a boiler "2_removed"), and another
  // integration's.
  const auto before = retained_configs(port);
  ASSERT_TRUE(before);
  std::string other_host_payload;
  for (const auto& [topic, payload] : *before) {
    if (contains(topic, removed_node)) other_host_payload = payload;
  }
  ASSERT_NE(other_host_payload, "");
  for (auto at = other_host_payload.find("e2e-host"); at != std::string::npos;
       at = other_host_payload.find("e2e-host", at + 1)) {
    other_host_payload.replace(at, 8, "e2e-host_2");
  }
  const std::map<std::string, std::string> others = {
      {"homeassistant/sensor/intergas_e2e-host_2_removed/temperature_celsius_supply/config",
       other_host_payload},
      {"homeassistant/sensor/0x00158d0001a2b3c4/temperature/config",
       "{\"name\": \"Temperature\", \"state_topic\": \"zigbee2mqtt/kitchen\", "
       "\"availability\": [{\"topic\": \"zigbee2mqtt/bridge/state\"}], "
       "\"origin\": {\"name\": \"Zigbee2MQTT\"}}"}};
  for (const auto& [topic, payload] : others) {
    ASSERT_TRUE(publish(port, {}, topic, payload, /*retain=*/true));
  }

  std::set<std::string> to_clear;
  for (const auto& [topic, payload] : *before) {
    if (contains(topic, removed_node)) to_clear.insert(topic);
  }
  auto second = start_with_boilers(port, {{"kept", kept_sim->device()}});
  std::set<std::string> cleared;
  EXPECT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) {
        if (m.payload.empty()) cleared.insert(m.topic);
        return cleared == to_clear;
      },
      milliseconds(30000)))
      << cleared.size() << " of " << to_clear.size() << " cleared\n"
      << second->log();
  // The kept boiler announced again: its configs are all there.
  ASSERT_TRUE(eventually([&] { return contains(second->log(), "HomeAssistant: connected"); },
                         milliseconds(15000)));
  const auto after = retained_configs(port);
  ASSERT_TRUE(after);
  for (const auto& [topic, payload] : *after) {
    EXPECT_FALSE(contains(topic, removed_node)) << topic;
  }
  for (const auto& [topic, payload] : *before) {
    if (contains(topic, kept_node)) {
      EXPECT_EQ(after->count(topic), 1u) << topic;
    }
  }
  for (const auto& [topic, payload] : others) {
    ASSERT_EQ(after->count(topic), 1u) << topic;
    EXPECT_EQ(after->at(topic), payload);
  }
}

// TLS, with the options of collectd's mqtt plugin: a broker whose only listener speaks TLS, with
// a certificate for 127.0.0.1 from a CA made here.
class HomeAssistantTlsE2E : public HomeAssistantE2E {
 protected:
  void SetUp() override {
    HomeAssistantE2E::SetUp();
    std::string error;
    ca_ = make_ca(dir_, "test-ca", error);
    if (error.empty()) server_ = make_server_certificate(dir_, ca_, error);
    ASSERT_EQ(error, "") << "openssl failed";
    port_ = test::free_tcp_port();
  }
  void TearDown() override {
    broker_.reset();  // stopped before its folder goes
    HomeAssistantE2E::TearDown();
  }
  // The broker, TLS only, with `certificate`; `client_ca`: see Broker::Options.
  void start_broker(const std::vector<std::string>& client_options,
                    const CertificateFiles& certificate, const std::string& client_ca = "") {
    broker_ = std::make_unique<Broker>(dir_, port_, Broker::Options{"", certificate, client_ca});
    ASSERT_TRUE(broker_->wait_ready(client_options)) << broker_->log();
  }
  // mosquitto_sub's and mosquitto_pub's options to check the broker's certificate with the CA.
  std::vector<std::string> trusting_ca() const { return {"--cafile", ca_.certificate}; }
  // Handshakes the broker logged as failed because the client refused its certificate (the
  // client's TLS alert: "unknown ca" for a CA it does not trust, "internal error" when
  // libmosquitto's check of the host name says no).
  std::size_t handshakes_refused_by_client() {
    const std::string log = broker_->log(), alert = "tlsv1 alert ";
    std::size_t n = 0;
    for (auto at = log.find(alert); at != std::string::npos; at = log.find(alert, at + 1)) ++n;
    return n;
  }
  // collectd with the <HomeAssistant> lines `ha_lines`, under which the TLS handshake must fail:
  // the plugin logs `reason` once and never gets in, keeps trying, publishes nothing (seen by a
  // client with `client_options`), and collectd keeps reading the boiler and exporting.
  void expect_refused_handshakes_while_values_flow(const std::string& ha_lines,
                                                   const std::string& reason,
                                                   const std::vector<std::string>& client_options) {
    auto sim = start_sim({"--tcp", "0", "--profile", "idle", "--no-pace", "--latency-ms", "20"});
    auto collectd = start_with_broker(port_, sim->device(), ha_lines);
    const std::string failure =
        "HomeAssistant: broker 127.0.0.1:" + std::to_string(port_) + ": " + reason + " (retrying)";
    ASSERT_TRUE(eventually([&] { return contains(collectd->log(), failure); }, milliseconds(15000)))
        << collectd->log();
    auto boiler_up = [&] {
      const auto s =
          test::find_samples(collectd->samples(), "collectd_intergas_up", {{"intergas", kBoiler}});
      return s.size() == 1 && s[0].value == 1;
    };
    ASSERT_TRUE(eventually(boiler_up, milliseconds(15000))) << collectd->log();
    // The plugin keeps trying, and keeps refusing the certificate: one more refused handshake
    // from now on (the retries are up to 10 s apart).
    const std::size_t refused_so_far = handshakes_refused_by_client();
    ASSERT_GE(refused_so_far, 1u) << broker_->log();
    ASSERT_TRUE(eventually([&] { return handshakes_refused_by_client() > refused_so_far; },
                           milliseconds(30000)))
        << broker_->log();

    const std::string log = collectd->log();
    EXPECT_EQ(log.find(failure), log.rfind(failure)) << "logged more than once:\n" << log;
    EXPECT_FALSE(contains(log, "HomeAssistant: connected")) << log;
    EXPECT_FALSE(contains(broker_->log(), " as collectd-intergas-e2e-host ")) << broker_->log();
    const auto retained = retained_configs(port_, client_options);
    ASSERT_TRUE(retained);
    EXPECT_TRUE(retained->empty()) << retained->begin()->first;
    // collectd is still running and exporting.
    EXPECT_TRUE(boiler_up()) << collectd->log();
  }

  CertificateFiles ca_, server_;
  int port_ = 0;
  std::unique_ptr<Broker> broker_;
};

TEST_F(HomeAssistantTlsE2E, TheDiscoveryReachesTheBrokerOverTls) {
  ASSERT_NO_FATAL_FAILURE(start_broker(trusting_ca(), server_));
  // A plain client is turned away: what arrives below came over TLS.
  EXPECT_FALSE(broker_->lets_in({}, 5));
  auto sim = start_sim({"--tcp", "0", "--profile", "idle", "--no-pace", "--latency-ms", "20"});
  Subscriber sub(port_, {"homeassistant/#"}, trusting_ca());
  auto collectd =
      start_with_broker(port_, sim->device(), "    CACert \"" + ca_.certificate + "\"\n");
  ASSERT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) {
        return contains(m.topic, "/temperature_celsius_supply/config") && !m.payload.empty();
      },
      milliseconds(30000)))
      << collectd->log() << broker_->log();
  EXPECT_TRUE(contains(collectd->log(),
                       "HomeAssistant: connected to broker 127.0.0.1:" + std::to_string(port_)))
      << collectd->log();
  EXPECT_TRUE(contains(broker_->log(), " as collectd-intergas-e2e-host ")) << broker_->log();
  EXPECT_EQ(handshakes_refused_by_client(), 0u) << broker_->log();
}

// OpenSSL's reason when the broker's certificate does not chain to the CA given.
TEST_F(HomeAssistantTlsE2E, ABrokerCertificateFromAnotherCaIsLoggedOnceWhileValuesFlow) {
  ASSERT_NO_FATAL_FAILURE(start_broker(trusting_ca(), server_));
  std::string error;
  const CertificateFiles stranger = make_ca(dir_, "stranger-ca", error);
  ASSERT_EQ(error, "");
  expect_refused_handshakes_while_values_flow("    CACert \"" + stranger.certificate + "\"\n",
                                              "the TLS handshake failed: certificate verify failed",
                                              trusting_ca());
}

// The CA is right but the certificate names another host than `Host` (127.0.0.1).
TEST_F(HomeAssistantTlsE2E, ABrokerCertificateForAnotherHostIsLoggedOnceWhileValuesFlow) {
  std::string error;
  const CertificateFiles elsewhere = make_certificate(
      dir_, ca_, "broker-elsewhere",
      "subjectAltName = DNS:broker.invalid\nextendedKeyUsage = serverAuth\n", error);
  ASSERT_EQ(error, "");
  // The test's own clients skip the host name check (--insecure), not the CA's.
  std::vector<std::string> client_options = trusting_ca();
  client_options.push_back("--insecure");
  ASSERT_NO_FATAL_FAILURE(start_broker(client_options, elsewhere));
  expect_refused_handshakes_while_values_flow("    CACert \"" + ca_.certificate + "\"\n",
                                              "the TLS handshake failed: certificate verify failed",
                                              client_options);
}

// A broker that asks for a client certificate (CertificateFile, CertificateKeyFile) gets the
// plugin's, from the same CA.
TEST_F(HomeAssistantTlsE2E, TheBrokerTakesTheClientCertificate) {
  std::string error;
  const CertificateFiles client =
      make_certificate(dir_, ca_, "collectd-client", "extendedKeyUsage = clientAuth\n", error);
  ASSERT_EQ(error, "");
  std::vector<std::string> with_certificate = trusting_ca();
  with_certificate.insert(with_certificate.end(),
                          {"--cert", client.certificate, "--key", client.key});
  ASSERT_NO_FATAL_FAILURE(start_broker(with_certificate, server_, ca_.certificate));
  // A client with no certificate is turned away.
  EXPECT_FALSE(broker_->lets_in(trusting_ca(), 5));

  auto sim = start_sim({"--tcp", "0", "--profile", "idle", "--no-pace", "--latency-ms", "20"});
  Subscriber sub(port_, {"homeassistant/#"}, with_certificate);
  auto collectd = start_with_broker(port_, sim->device(),
                                    "    CACert \"" + ca_.certificate +
                                        "\"\n    CertificateFile \"" + client.certificate +
                                        "\"\n    CertificateKeyFile \"" + client.key + "\"\n");
  ASSERT_TRUE(sub.read_until(
      [&](const Subscriber::Message& m) {
        return contains(m.topic, "/temperature_celsius_supply/config") && !m.payload.empty();
      },
      milliseconds(30000)))
      << collectd->log() << broker_->log();
  EXPECT_TRUE(contains(broker_->log(), " as collectd-intergas-e2e-host ")) << broker_->log();
}

}  // namespace
}  // namespace intergas
