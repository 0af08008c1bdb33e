#include "boiler_config.h"

#include <strings.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ha_config.h"

namespace intergas {

namespace {

bool key_is(const oconfig_item_t& item, const char* key) {
  return item.key != nullptr && ::strcasecmp(item.key, key) == 0;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

class BlockError {
 public:
  explicit BlockError(std::string boiler) : boiler_(std::move(boiler)) {}
  std::string operator()(const std::string& option, const std::string& what) const {
    return "Boiler " + quoted(boiler_) + ": " + option + ": " + what;
  }

 private:
  std::string boiler_;
};

std::optional<std::string> single_string(const oconfig_item_t& item) {
  if (item.values_num != 1 || item.values[0].type != OCONFIG_TYPE_STRING) return std::nullopt;
  return std::string(item.values[0].value.string);
}

std::optional<double> single_number(const oconfig_item_t& item) {
  if (item.values_num != 1 || item.values[0].type != OCONFIG_TYPE_NUMBER) return std::nullopt;
  return item.values[0].value.number;
}

// Seconds in [min_s, max_s] -> milliseconds; nullopt + message otherwise.
std::optional<std::string> read_seconds(const oconfig_item_t& item, double min_s, double max_s,
                                        std::chrono::milliseconds& out) {
  const auto v = single_number(item);
  char range[96];
  std::snprintf(range, sizeof range, "expects one number of seconds from %g to %g", min_s, max_s);
  if (!v || !std::isfinite(*v) || *v < min_s || *v > max_s) return std::string(range);
  out = std::chrono::milliseconds(std::llround(*v * 1000.0));
  return std::nullopt;
}

// MaxGasRate: m3/h in [1, 100] (client/counter_guard.h: the default and why).
std::optional<std::string> read_gas_rate(const oconfig_item_t& item, double& out) {
  const auto v = single_number(item);
  if (!v || !std::isfinite(*v) || *v < 1 || *v > 100)
    return std::string("expects one number of m3/h from 1 to 100");
  out = *v;
  return std::nullopt;
}

std::optional<std::string> read_schedule(const oconfig_item_t& item, BoilerConfig& b) {
  const char* usage =
      "expects a command and a number of reads (1-100000) or \"off\", "
      "e.g. Schedule \"counters\" 6";
  if (item.values_num != 2 || item.values[0].type != OCONFIG_TYPE_STRING) return std::string(usage);
  const std::string name = item.values[0].value.string;
  const auto command = parse_command_name(name);
  if (!command) {
    return "unknown command " + quoted(name) +
           " (status_extra, diagnostics, counters, parameters, version, fault_stats, "
           "status_extra2)";
  }
  if (*command == Command::status)
    return std::string("status is read on every read and cannot be scheduled");
  int every = 0;
  const oconfig_value_t& v = item.values[1];
  if (v.type == OCONFIG_TYPE_STRING && ::strcasecmp(v.value.string, "off") == 0) {
    every = 0;
  } else if (v.type == OCONFIG_TYPE_BOOLEAN && !v.value.boolean) {
    every = 0;
  } else if (v.type == OCONFIG_TYPE_NUMBER && v.value.number >= 1 && v.value.number <= 100000 &&
             v.value.number == std::floor(v.value.number)) {
    every = static_cast<int>(v.value.number);
  } else {
    return std::string(usage);
  }
  b.every[static_cast<std::size_t>(command_index(*command))] = every;
  return std::nullopt;
}

std::optional<std::string> read_exclude(const oconfig_item_t& item, BoilerConfig& b) {
  if (item.values_num < 1) return std::string("expects one or more type names");
  for (int i = 0; i < item.values_num; ++i) {
    if (item.values[i].type != OCONFIG_TYPE_STRING)
      return std::string("expects type names as strings");
    const std::string entry = item.values[i].value.string;
    const std::string type = entry.substr(0, entry.find('/'));
    if (find_metric_type(type) == nullptr)
      return "unknown type " + quoted(type) + " (see intergas.types.db)";
    if (type == "up")
      return std::string("\"up\" cannot be excluded: it is what tells a silent boiler");
    b.excluded.insert(entry);
  }
  return std::nullopt;
}

std::optional<std::string> parse_boiler(const oconfig_item_t& block,
                                        const std::vector<BoilerConfig>& existing,
                                        BoilerConfig& b) {
  const auto name = single_string(block);
  if (!name || name->empty()) {
    return std::string("Boiler: expects one non-empty name, e.g. <Boiler \"kitchen\">");
  }
  b.name = *name;
  const BlockError error(b.name);
  for (const auto& other : existing) {
    if (other.name == b.name) return "Boiler " + quoted(b.name) + ": defined twice";
  }
  if (b.name.find('/') != std::string::npos || b.name.size() > 63) {
    return error("name", "must be at most 63 characters and contain no '/'");
  }
  bool has_device = false;
  for (int i = 0; i < block.children_num; ++i) {
    const oconfig_item_t& c = block.children[i];
    std::optional<std::string> problem;
    const std::string option = c.key ? c.key : "";
    if (key_is(c, "Device")) {
      const auto v = single_string(c);
      std::string why;
      if (!v) {
        problem = "expects one string: a path, \"tcp://host:port\" or \"usb:VID:PID[:SERIAL]\"";
      } else if (!is_valid_device(*v, why)) {
        problem = why;
      } else {
        b.device = *v;
        has_device = true;
      }
    } else if (key_is(c, "Model")) {
      const auto v = single_string(c);
      const auto m = v ? parse_model(*v) : std::nullopt;
      if (v && ::strcasecmp(v->c_str(), "auto") == 0) {
        b.model.reset();
      } else if (!m) {
        problem =
            "expects \"auto\" (the default: found on the line), \"hre\" (Kombi Kompakt "
            "HR/HRE/HReco), \"cw6\" (Prestige CW6) or \"xtreme\"";
      } else {
        b.model = *m;
      }
    } else if (key_is(c, "Interval")) {
      problem = read_seconds(c, 1, 86400, b.interval);
    } else if (key_is(c, "ReplyTimeout")) {
      std::chrono::milliseconds v{};
      problem = read_seconds(c, 0.05, 10, v);
      b.reply_timeout = v;
    } else if (key_is(c, "SettleTime")) {
      problem = read_seconds(c, 0.01, 2, b.settle);
    } else if (key_is(c, "ConnectTimeout")) {
      problem = read_seconds(c, 0.1, 60, b.connect_timeout);
    } else if (key_is(c, "HealthInterval")) {
      // At most write_prometheus's default StalenessDelta: the period becomes the interval.
      problem =
          read_seconds(c, 1, static_cast<double>(kLongestDefaultPeriod.count()), b.health_interval);
    } else if (key_is(c, "ReconnectMaxDelay")) {
      problem = read_seconds(c, 1, 3600, b.reconnect_max);
    } else if (key_is(c, "MaxGasRate")) {
      problem = read_gas_rate(c, b.max_gas_rate);
    } else if (key_is(c, "Schedule")) {
      problem = read_schedule(c, b);
    } else if (key_is(c, "Exclude")) {
      problem = read_exclude(c, b);
    } else {
      problem =
          "unknown option (Device, Model, Interval, ReplyTimeout, SettleTime, "
          "ConnectTimeout, ReconnectMaxDelay, HealthInterval, MaxGasRate, Schedule, Exclude)";
    }
    if (problem) return error(option, *problem);
  }
  if (!has_device) return error("Device", "missing (required)");
  return std::nullopt;
}

}  // namespace

Schedule BoilerConfig::schedule(std::chrono::milliseconds read_interval) const {
  Schedule s = Schedule::defaults(read_interval);
  for (Command c : kAllCommands) {
    if (const auto& n = every[static_cast<std::size_t>(command_index(c))]) s.set_every(c, *n);
  }
  return s;
}

bool BoilerConfig::is_excluded(const Metric& m) const {
  if (excluded.empty()) return false;
  return excluded.count(m.type) > 0 || excluded.count(m.type + "/" + m.type_instance) > 0;
}

std::optional<std::string> parse_plugin_block(const oconfig_item_t& plugin_block,
                                              std::vector<BoilerConfig>& boilers) {
  for (int i = 0; i < plugin_block.children_num; ++i) {
    const oconfig_item_t& c = plugin_block.children[i];
    if (is_ha_block(c)) continue;  // ha_config.h
    if (!key_is(c, "Boiler")) {
      return std::string(c.key ? c.key : "") +
             ": unknown option (only <Boiler \"name\"> and <HomeAssistant> blocks)";
    }
    BoilerConfig b;
    if (auto problem = parse_boiler(c, boilers, b)) return problem;
    boilers.push_back(std::move(b));
  }
  return std::nullopt;
}

std::optional<std::string> resolve_timing(const BoilerConfig& b,
                                          std::chrono::milliseconds global_interval, Timing& out) {
  using std::chrono::milliseconds;
  constexpr milliseconds kDefaultReplyTimeout{1000};
  constexpr milliseconds kShortestReplyTimeout{250};  // EB measured <= 150 ms (protocol.md 13)
  out = Timing{};
  const bool own_interval = b.interval.count() > 0;
  out.interval = own_interval ? b.interval : global_interval;
  // The shortest whole-second interval longer than `needed`.
  auto seconds_above = [](milliseconds needed) {
    return milliseconds((needed.count() / 1000 + 1) * 1000);
  };
  auto ms = [](milliseconds v) { return std::to_string(v.count()) + " ms"; };

  if (b.reply_timeout) {
    out.reply_timeout = *b.reply_timeout;
    if (out.reply_timeout + b.settle < out.interval) return std::nullopt;
    if (own_interval) {
      return "Boiler " + quoted(b.name) + ": ReplyTimeout: " + ms(out.reply_timeout) +
             " plus SettleTime must be shorter than the read interval (" + ms(out.interval) + ")";
    }
    const milliseconds longer = seconds_above(out.reply_timeout + b.settle);
    out.warning = "Boiler " + quoted(b.name) + ": ReplyTimeout " + ms(out.reply_timeout) +
                  " plus SettleTime " + ms(b.settle) + " do not fit collectd's Interval (" +
                  ms(out.interval) + "): reading this boiler every " + ms(longer) +
                  " instead (set Interval in the Boiler block to choose)";
    out.interval = longer;
    return std::nullopt;
  }

  const milliseconds fitted = (out.interval - b.settle) / 2;
  if (fitted >= kShortestReplyTimeout) {
    out.reply_timeout = std::min(kDefaultReplyTimeout, fitted);
    if (out.reply_timeout < kDefaultReplyTimeout) {
      out.note = "Boiler " + quoted(b.name) + ": ReplyTimeout " + ms(out.reply_timeout) +
                 ", fitted to the read interval (" + ms(out.interval) + ")";
    }
    return std::nullopt;
  }
  if (own_interval) {
    return "Boiler " + quoted(b.name) + ": Interval: " + ms(out.interval) +
           " leaves no room for a reply after SettleTime (" + ms(b.settle) + "); use at least " +
           ms(seconds_above(2 * kShortestReplyTimeout + b.settle));
  }
  const milliseconds longer = seconds_above(2 * kShortestReplyTimeout + b.settle);
  out.warning = "Boiler " + quoted(b.name) + ": collectd's Interval (" + ms(out.interval) +
                ") leaves no room for a reply after SettleTime (" + ms(b.settle) +
                "): reading this boiler every " + ms(longer) +
                " instead (set Interval in the Boiler block to choose)";
  out.interval = longer;
  out.reply_timeout = std::min(kDefaultReplyTimeout, (longer - b.settle) / 2);
  return std::nullopt;
}

std::optional<std::string> resolve_schedule(const BoilerConfig& b,
                                            std::chrono::milliseconds interval, Schedule& out,
                                            std::string& warning) {
  out = b.schedule(interval);
  warning.clear();
  const bool own_interval = b.interval.count() > 0;
  // The most reads whose period fits (at least one: a read interval above 300 s is its own
  // period, which collectd's Timeout already covers).
  const auto fit = std::chrono::milliseconds(kLongestDefaultPeriod) / interval;
  const int most = static_cast<int>(std::clamp<std::int64_t>(fit, 1, 100000));
  std::string shortened;
  for (Command c : kAllCommands) {
    const auto& n = b.every[static_cast<std::size_t>(command_index(c))];
    if (!n || *n <= most) continue;
    if (own_interval) {
      return "Boiler " + quoted(b.name) + ": Schedule " + quoted(std::string(command_name(c))) +
             ": " + std::to_string(*n) + " reads of " + std::to_string(interval.count()) +
             " ms exceed write_prometheus' StalenessDelta (300 s), between which its values "
             "would vanish; at most " +
             std::to_string(most);
    }
    out.set_every(c, most);
    if (!shortened.empty()) shortened += ", ";
    shortened += std::string(command_name(c)) + " " + std::to_string(*n);
  }
  if (!shortened.empty()) {
    warning = "Boiler " + quoted(b.name) + ": Schedule (" + shortened +
              " reads) at collectd's Interval (" + std::to_string(interval.count()) +
              " ms) exceeds write_prometheus' StalenessDelta (300 s): reading those every " +
              std::to_string(most) + " reads instead (set Interval in the Boiler block to choose)";
  }
  return std::nullopt;
}

}  // namespace intergas
