#include "client/ha_discovery.h"

#include <cctype>
#include <cstdio>
#include <set>
#include <string_view>
#include <utility>

#include "client/json.h"
#include "protocol/codes.h"
#include "protocol/reading.h"

namespace intergas {

namespace {

// Every config's "origin": the integration that published it.
constexpr const char* kOrigin = "{\"name\": \"collectd-intergas\"}";

// How Home Assistant shows one collectd type. The contract's units are in metric_types.h; here
// is only what Home Assistant adds: its unit, classes, and the factor from one to the other.
enum class Shape {
  number,     // a sensor with the value times `scale`
  count,      // a sensor with the value as a whole number (counters)
  on_off,     // a binary sensor: ON when the value is 1
  status,     // an enum sensor: status_code -> the contract's state name
  not_shown,  // no entity (a state set shown otherwise, device information, link health)
};

struct Presentation {
  std::string_view type;
  Shape shape;
  std::string_view name;  // "{}" stands for the type instance: "{} temperature"
  std::string_view unit;  // Home Assistant's unit_of_measurement; "" for none
  std::string_view device_class;
  std::string_view state_class;
  double scale = 1;
  bool diagnostic = false;
  bool enabled = true;  // false: enabled_by_default false (the user turns it on)
};

// Units and classes as Home Assistant's sensor and binary_sensor documentation defines them.
constexpr Presentation kPresentations[] = {
    {"temperature_celsius", Shape::number, "{} temperature", "°C", "temperature", "measurement"},
    {"setpoint_celsius", Shape::number, "{} setpoint", "°C", "temperature", "measurement"},
    {"pressure_bar", Shape::number, "Water pressure", "bar", "pressure", "measurement"},
    {"fan_speed_rpm", Shape::number, "Fan speed {}", "rpm", "", "measurement"},
    {"pump_speed_rpm", Shape::number, "Pump speed {}", "rpm", "", "measurement"},
    {"valve_position_steps", Shape::number, "Valve position {}", "steps", "", "measurement", 1,
     true},
    {"pwm_ratio", Shape::number, "{} PWM", "%", "", "measurement", 100},
    {"ionisation_current_amperes", Shape::number, "Ionisation current", "µA", "", "measurement",
     1e6, true},
    {"tap_flow_liters_per_minute", Shape::number, "Tap flow", "L/min", "volume_flow_rate",
     "measurement"},
    {"flag", Shape::on_off, "{}", "", "", "", 1, true},
    {"status_code", Shape::status, "Status", "", "enum", ""},
    {"status", Shape::not_shown, "", "", "", ""},  // the enum sensor of status_code shows it
    {"burner_state", Shape::on_off, "Burner {}", "", "", "", 1, true},
    {"fault_active", Shape::on_off, "Fault", "", "problem", ""},
    {"fault_code", Shape::count, "{} fault code", "", "", ""},
    {"operation_seconds", Shape::number, "{} hours", "h", "duration", "total_increasing",
     1.0 / 3600},
    {"burner_starts", Shape::count, "Burner starts {}", "", "", "total_increasing"},
    {"events", Shape::count, "{} events", "", "", "total_increasing", 1, true},
    // The Energy dashboard takes a gas sensor in m³ that only grows.
    {"gas_liters", Shape::number, "{} gas", "m³", "gas", "total_increasing", 0.001},
    {"dhw_water_liters", Shape::count, "Hot water", "L", "water", "total_increasing"},
    {"parameter", Shape::count, "Parameter {}", "", "", "", 1, true, false},
    {"load_ratio", Shape::number, "{} load", "%", "", "measurement", 100, true},
    {"mains_frequency_hertz", Shape::number, "Mains frequency", "Hz", "frequency", "measurement", 1,
     true},
    {"reference_voltage_volts", Shape::number, "Reference voltage", "V", "voltage", "measurement",
     1, true},
    {"interrupt_time", Shape::number, "Interrupt time", "", "", "measurement", 1, true},
    {"firmware_info", Shape::not_shown, "", "", "", ""},  // the device's sw_version
};

// A type without an entry (one added to the contract later): a plain sensor, or a binary one
// for a 0/1 type, with the contract's unit when it is one Home Assistant can show.
Presentation fallback(const MetricType& t) {
  Presentation p{t.name, Shape::number, "", "", "", "measurement"};
  if (t.unit == "boolean") {
    p.shape = Shape::on_off;
    p.state_class = "";
  } else if (t.kind == DsKind::derive) {
    p.shape = Shape::count;
    p.state_class = "total_increasing";
  }
  if (t.unit != "boolean" && t.unit != "code" && t.unit != "raw" && t.unit != "info" &&
      t.unit != "1") {
    p.unit = t.unit;
  }
  return p;
}

std::optional<Presentation> presentation_of(const std::string& type) {
  const MetricType* t = find_metric_type(type);
  if (t == nullptr || t->group != MetricGroup::boiler_data) return std::nullopt;
  for (const Presentation& p : kPresentations) {
    if (p.type == type) {
      if (p.shape == Shape::not_shown) return std::nullopt;
      return p;
    }
  }
  return fallback(*t);
}

// Words of a type instance as a user reads them: "heat_exchanger" -> "heat exchanger",
// "ch" -> "CH".
std::string words(const std::string& s) {
  if (s == "ch" || s == "dhw") {
    std::string up = s;
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return up;
  }
  std::string out = s;
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

std::string entity_name(const Presentation& p, const Metric& m) {
  std::string name(p.name);
  if (name.empty()) name = words(m.type) + (m.type_instance.empty() ? "" : " {}");
  const auto at = name.find("{}");
  if (at != std::string::npos) {
    if (m.type_instance.empty()) {
      name.erase(at, 2);
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      while (!name.empty() && name.back() == ' ') name.pop_back();
    } else {
      name.replace(at, 2, words(m.type_instance));
    }
  }
  if (!name.empty()) {
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  }
  return name;
}

// The number in the payload "<time>:<value>\0": the NUL of collectd 5.12 removed, so that
// Home Assistant's float and int filters accept it.
constexpr const char* kPayloadValue = "value.split(':')[1] | replace('\\x00', '')";

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string value_template(const Presentation& p) {
  const std::string v = std::string("(") + kPayloadValue;
  switch (p.shape) {
    case Shape::number:
      if (p.scale == 1) return "{{ " + v + " | float) }}";
      if (p.scale > 1)
        return "{{ (" + v + " | float) * " + number_text(p.scale) + ") | round(6) }}";
      return "{{ (" + v + " | float) / " + number_text(1 / p.scale) + ") | round(6) }}";
    case Shape::count:
      return "{{ " + v + " | float) | int }}";
    case Shape::on_off:
      return "{{ 'ON' if " + v + " | float) > 0.5 else 'OFF' }}";
    case Shape::status: {
      std::string map = "{";
      for (const StatusCodeInfo* s = status_codes_begin(); s != status_codes_end(); ++s) {
        if (map.size() > 1) map += ", ";
        map += std::to_string(s->code) + ": '" + std::string(s->name) + "'";
      }
      map += "}";
      return "{{ " + map + ".get(" + v + " | float) | int, 'unknown') }}";
    }
    case Shape::not_shown:
      break;
  }
  return "";
}

// A JSON object written in the order its members are added (deterministic payloads).
class JsonObject {
 public:
  JsonObject& str(std::string_view key, std::string_view value) {
    begin(key);
    append_json_string(text_, value);
    return *this;
  }
  JsonObject& raw(std::string_view key, const std::string& json) {
    begin(key);
    text_ += json;
    return *this;
  }
  std::string done() const { return text_ + "}"; }

 private:
  void begin(std::string_view key) {
    text_ += text_.size() > 1 ? ", " : "";
    append_json_string(text_, key);
    text_ += ": ";
  }
  std::string text_ = "{";
};

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string model_text(Model m) {
  switch (m) {
    case Model::hre:
      return "Kombi Kompakt HR/HRE";
    case Model::cw6:
      return "Prestige CW6";
    case Model::xtreme:
      return "Xtreme";
  }
  return "";
}

// The plugin's own topics sit beside the writer's: <prefix>/<host>/intergas[-<boiler>]/...
std::string own_topic(const HaNaming& n, const std::string& plugin_part) {
  std::string t =
      (n.prefix.empty() ? "" : n.prefix + "/") + n.hostname + "/" + plugin_part + "/availability";
  for (char& c : t) {
    if (c == '+' || c == '#') c = '_';
  }
  return t;
}

std::string node_id(const HaNaming& n, const std::string& boiler) {
  return safe_id("intergas_" + n.hostname + "_" + boiler);
}

std::string device_json(const HaNaming& n, const BoilerFacts& f) {
  JsonObject d;
  d.raw("identifiers", "[" + json_string(node_id(n, f.name)) + "]");
  d.str("name", f.name);
  d.str("manufacturer", "Intergas");
  d.str("model", model_text(f.model));
  if (f.version) {
    if (!f.version->hardware.empty()) d.str("hw_version", f.version->hardware);
    std::string sw = f.version->software;
    if (!f.version->date_code.empty()) sw += (sw.empty() ? "" : " ") + f.version->date_code;
    if (!sw.empty()) d.str("sw_version", sw);
  }
  return d.done();
}

}  // namespace

bool BoilerFacts::operator==(const BoilerFacts& o) const {
  return name == o.name && model == o.model && version == o.version && every == o.every &&
         expire_after == o.expire_after;
}

std::vector<Metric> possible_metrics(Model m, Command c) {
  // Frames whose every byte is one value decode to known values of every field: 0x01 gives small
  // values inside each field's physical range (2.57 C, 257 rpm, 2.57 L/min, a PWM of 0.257,
  // plausibility.h), 0x21 large ones (84.81 C); the decoder leaves out only what the model
  // lacks. The series of either count.
  std::vector<Metric> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::uint8_t fill : {std::uint8_t{0x01}, std::uint8_t{0x21}}) {
    const Bytes frame(kFrameSize, fill);
    Reading r = decode_data(c, m, ByteView(frame));
    if (auto* s = std::get_if<StatusReading>(&r)) {
      // The states that make the optional series appear: a lockout with its fault, and the
      // pressure a boiler with its sensor reports.
      s->burner_state_raw = static_cast<std::uint8_t>(BurnerState::lockout);
      s->fault_code_raw = 0;
      if (!s->pressure_bar) s->pressure_bar = 0.0;
    }
    std::vector<Metric> metrics;
    append_reading_metrics(r, metrics);
    for (Metric& x : metrics) {
      if (seen.insert({x.type, x.type_instance}).second) out.push_back(std::move(x));
    }
  }
  return out;
}

std::string safe_id(const std::string& s) {
  std::string out;
  bool changed = false;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '_';
      changed = true;
    }
  }
  if (!changed) return out;
  std::uint32_t hash = 2166136261u;  // FNV-1a: stable across runs and builds
  for (unsigned char c : s) hash = (hash ^ c) * 16777619u;
  char buf[16];
  std::snprintf(buf, sizeof buf, "_%08x", hash);
  return out + buf;
}

std::string collectd_value_topic(const HaNaming& n, const std::string& boiler,
                                 const std::string& type, const std::string& instance) {
  std::string t =
      n.hostname + "/intergas-" + boiler + "/" + type + (instance.empty() ? "" : "-" + instance);
  if (n.prefix.empty()) return t;
  t = n.prefix + "/" + t;
  for (char& c : t) {
    if (c == '+' || c == '#') c = '_';
  }
  return t;
}

std::string bridge_availability_topic(const HaNaming& n) { return own_topic(n, "intergas"); }

std::string boiler_availability_topic(const HaNaming& n, const std::string& boiler) {
  return own_topic(n, "intergas-" + boiler);
}

std::vector<std::string> discovery_subscriptions(const HaNaming& n, const std::string& boiler) {
  const std::string node = node_id(n, boiler);
  return {n.discovery_prefix + "/sensor/" + node + "/+/config",
          n.discovery_prefix + "/binary_sensor/" + node + "/+/config"};
}

std::vector<std::string> all_discovery_subscriptions(const HaNaming& n) {
  return {n.discovery_prefix + "/sensor/+/+/config",
          n.discovery_prefix + "/binary_sensor/+/+/config"};
}

bool published_by_this_collectd(const HaNaming& n, const std::string& payload) {
  // As discovery_configs writes them: the availability list, then the origin.
  const std::string availability =
      "\"availability\": [{\"topic\": " + json_string(bridge_availability_topic(n)) + "}, ";
  return payload.find(availability) != std::string::npos &&
         payload.find("\"origin\": " + std::string(kOrigin)) != std::string::npos;
}

std::vector<RetainedMessage> discovery_configs(
    const HaNaming& n, const BoilerFacts& f,
    const std::function<bool(const Metric&)>& is_excluded) {
  std::vector<RetainedMessage> out;
  const std::string node = node_id(n, f.name);
  const std::string device = device_json(n, f);
  const std::string availability =
      "[{\"topic\": " + json_string(bridge_availability_topic(n)) +
      "}, {\"topic\": " + json_string(boiler_availability_topic(n, f.name)) + "}]";
  std::set<std::pair<std::string, std::string>> seen;
  for (Command c : kAllCommands) {
    const int every = f.every[static_cast<std::size_t>(command_index(c))];
    if (every <= 0) continue;
    for (const Metric& m : possible_metrics(f.model, c)) {
      if (!seen.insert({m.type, m.type_instance}).second) continue;
      if (is_excluded && is_excluded(m)) continue;
      const auto p = presentation_of(m.type);
      if (!p) continue;
      const std::string object =
          safe_id(m.type + (m.type_instance.empty() ? "" : "_" + m.type_instance));
      const bool binary = p->shape == Shape::on_off;
      JsonObject j;
      j.str("name", entity_name(*p, m));
      j.str("unique_id", node + "_" + object);
      j.str("state_topic", collectd_value_topic(n, f.name, m.type, m.type_instance));
      j.str("value_template", value_template(*p));
      if (!p->unit.empty()) j.str("unit_of_measurement", p->unit);
      if (!p->device_class.empty()) j.str("device_class", p->device_class);
      if (!p->state_class.empty()) j.str("state_class", p->state_class);
      if (p->shape == Shape::status) {
        std::string options = "[";
        for (const StatusCodeInfo* s = status_codes_begin(); s != status_codes_end(); ++s) {
          options += json_string(s->name) + ", ";
        }
        options += "\"unknown\"]";
        j.raw("options", options);
      }
      if (binary) j.str("payload_on", "ON").str("payload_off", "OFF");
      if (f.expire_after.count() > 0) {
        j.raw("expire_after", std::to_string(f.expire_after.count() * every));
      }
      if (p->diagnostic) j.str("entity_category", "diagnostic");
      if (!p->enabled) j.raw("enabled_by_default", "false");
      j.raw("availability", availability);
      j.str("availability_mode", "all");
      j.str("payload_available", kOnline).str("payload_not_available", kOffline);
      j.raw("device", device);
      j.raw("origin", kOrigin);
      out.push_back({n.discovery_prefix + "/" + (binary ? "binary_sensor" : "sensor") + "/" + node +
                         "/" + object + "/config",
                     j.done()});
    }
  }
  return out;
}

}  // namespace intergas
