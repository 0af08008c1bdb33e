#include "client/metrics.h"

#include <algorithm>
#include <cassert>
#include <cinttypes>
#include <cstdio>
#include <type_traits>

#include "client/json.h"
#include "protocol/codes.h"

namespace intergas {

namespace {

// Appends metrics; a type is named through metric_types.h, so its kind comes with it.
class Out {
 public:
  explicit Out(std::vector<Metric>& out) : out_(out) {}

  void gauge(const GaugeType& type, std::string instance, double v) {
    Metric m;
    m.type = std::string(type.name);
    m.type_instance = std::move(instance);
    m.kind = DsKind::gauge;
    m.gauge = v;
    out_.push_back(std::move(m));
  }
  // Not known -> not dispatched (METRICS.md).
  template <typename T>
  void gauge(const GaugeType& type, std::string instance, const std::optional<T>& v) {
    if (v) gauge(type, std::move(instance), static_cast<double>(*v));
  }
  void derive(const DeriveType& type, std::string instance, std::int64_t v) {
    Metric m;
    m.type = std::string(type.name);
    m.type_instance = std::move(instance);
    m.kind = DsKind::derive;
    m.derive = v;
    out_.push_back(std::move(m));
  }

 private:
  std::vector<Metric>& out_;
};

void status_metrics(const StatusReading& r, Out& o) {
  o.gauge(types::temperature_celsius, "heat_exchanger", r.heat_exchanger_celsius);
  o.gauge(types::temperature_celsius, "supply", r.supply_celsius);
  o.gauge(types::temperature_celsius, "return", r.return_celsius);
  o.gauge(types::temperature_celsius, "dhw", r.dhw_celsius);
  o.gauge(types::temperature_celsius, "boiler", r.boiler_celsius);
  o.gauge(types::temperature_celsius, "outside", r.outside_celsius);
  o.gauge(types::temperature_celsius, "flue", r.flue_celsius);
  o.gauge(types::setpoint_celsius, "ch", r.setpoint_ch_celsius);
  o.gauge(types::pressure_bar, "", r.pressure_bar);
  o.gauge(types::fan_speed_rpm, "target", r.fan_speed_target_rpm);
  o.gauge(types::fan_speed_rpm, "actual", r.fan_speed_actual_rpm);
  o.gauge(types::pwm_ratio, "fan", r.fan_pwm_ratio);
  o.gauge(types::ionisation_current_amperes, "", r.ionisation_current_amperes);
  for (int i = 0; i < kFlagCount; ++i) {
    const Flag f = static_cast<Flag>(i);
    o.gauge(types::flag, std::string(flag_name(f)), r.flag(f) ? 1.0 : 0.0);
  }
  o.gauge(types::status_code, "", r.status_code);
  // A state set: every known state every cycle, exactly one of them (or "unknown") at 1.
  const bool known_status = find_status_code(r.status_code) != nullptr;
  for (const StatusCodeInfo* s = status_codes_begin(); s != status_codes_end(); ++s) {
    o.gauge(types::status, std::string(s->name), s->code == r.status_code ? 1.0 : 0.0);
  }
  o.gauge(types::status, "unknown", known_status ? 0.0 : 1.0);
  bool known_burner = false;
  for (int i = 0; i < kBurnerStateCount; ++i) {
    const bool is = burner_state_value_at(i) == r.burner_state_raw;
    known_burner = known_burner || is;
    o.gauge(types::burner_state, std::string(burner_state_name_at(i)), is ? 1.0 : 0.0);
  }
  o.gauge(types::burner_state, "unknown", known_burner ? 0.0 : 1.0);
  o.gauge(types::fault_active, "", r.is_lockout() ? 1.0 : 0.0);
  o.gauge(types::fault_code, "current", r.current_fault());
  o.gauge(types::fault_code, "last", r.last_fault());
}

void status_extra_metrics(const StatusExtraReading& r, Out& o) {
  o.gauge(types::tap_flow_liters_per_minute, "", r.tap_flow_liters_per_minute);
  o.gauge(types::pwm_ratio, "pump", r.pump_pwm_ratio);
  o.gauge(types::temperature_celsius, "room_zone1", r.room_zone1_celsius);
  o.gauge(types::temperature_celsius, "room_zone2", r.room_zone2_celsius);
  o.gauge(types::temperature_celsius, "outside_override", r.outside_override_celsius);
  o.gauge(types::setpoint_celsius, "room_zone1", r.room_setpoint_zone1_celsius);
  o.gauge(types::setpoint_celsius, "room_zone2", r.room_setpoint_zone2_celsius);
  o.gauge(types::setpoint_celsius, "room_override_zone1", r.room_override_zone1_celsius);
  o.gauge(types::setpoint_celsius, "room_override_zone2", r.room_override_zone2_celsius);
}

// The Xtreme's D2 (protocol.md 12.4): its fan under the type the S? fan of the other models uses.
void status_extra2_metrics(const StatusExtra2Reading& r, Out& o) {
  o.gauge(types::fan_speed_rpm, "target", r.fan_speed_target_rpm);
  o.gauge(types::fan_speed_rpm, "actual", r.fan_speed_actual_rpm);
  o.gauge(types::pump_speed_rpm, "target", r.pump_speed_target_rpm);
  o.gauge(types::pump_speed_rpm, "actual", r.pump_speed_actual_rpm);
  o.gauge(types::valve_position_steps, "target", r.valve_position_target_steps);
  o.gauge(types::valve_position_steps, "actual", r.valve_position_actual_steps);
}

void counters_metrics(const CountersReading& r, Out& o) {
  constexpr std::int64_t kSecondsPerHour = 3600;
  o.derive(types::operation_seconds, "powered", r.powered_hours * kSecondsPerHour);
  o.derive(types::operation_seconds, "ch", r.ch_hours * kSecondsPerHour);
  o.derive(types::operation_seconds, "dhw", r.dhw_hours * kSecondsPerHour);
  o.derive(types::burner_starts, "all", r.burner_starts);
  o.derive(types::burner_starts, "dhw", r.dhw_burner_starts);
  o.derive(types::events, "power_loss", r.power_losses);
  o.derive(types::events, "ignition_failure", r.ignition_failures);
  o.derive(types::events, "flame_loss", r.flame_losses);
  o.derive(types::events, "reset", r.resets);
  // 0.1 L units -> whole litres, rounded down so a counter never runs ahead of the boiler.
  o.derive(types::gas_liters, "ch", r.gas_ch_decilitres / 10);
  o.derive(types::gas_liters, "dhw", r.gas_dhw_decilitres / 10);
  o.derive(types::dhw_water_liters, "", r.dhw_water_decilitres / 10);
}

void diagnostics_metrics(const DiagnosticsReading& r, Out& o) {
  o.gauge(types::load_ratio, "interrupt", r.interrupt_load_ratio);
  o.gauge(types::load_ratio, "main", r.main_load_ratio);
  o.gauge(types::mains_frequency_hertz, "", r.mains_frequency_hertz);
  o.gauge(types::reference_voltage_volts, "", r.reference_voltage_volts);
  o.gauge(types::interrupt_time, "", r.interrupt_time);
}

void parameters_metrics(const ParametersReading& r, Out& o) {
  for (int i = 0; i < kParameterCount; ++i) {
    o.gauge(types::parameter, std::string(parameter_name(i)),
            r.values[static_cast<std::size_t>(i)]);
  }
}

// Whether the boiler behind `h` is asked c (is_asked_of): before its framing is known, only what
// every framing is asked, so a plain-framing boiler never gets a series for the Xtreme's D2.
bool is_asked(Command c, const Health& h) {
  if (!h.checksummed_framing) return is_asked_of(c, Model::hre) && is_asked_of(c, Model::xtreme);
  return is_asked_of(c, *h.checksummed_framing ? Model::xtreme : Model::hre);
}

}  // namespace

void append_reading_metrics(const Reading& reading, std::vector<Metric>& out) {
  Out o(out);
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, StatusReading>) {
          status_metrics(r, o);
        } else if constexpr (std::is_same_v<T, StatusExtraReading>) {
          status_extra_metrics(r, o);
        } else if constexpr (std::is_same_v<T, StatusExtra2Reading>) {
          status_extra2_metrics(r, o);
        } else if constexpr (std::is_same_v<T, CountersReading>) {
          counters_metrics(r, o);
        } else if constexpr (std::is_same_v<T, DiagnosticsReading>) {
          diagnostics_metrics(r, o);
        } else if constexpr (std::is_same_v<T, ParametersReading>) {
          parameters_metrics(r, o);
        } else if constexpr (std::is_same_v<T, VersionReading>) {
          o.gauge(types::firmware_info, r.label(), 1.0);
        }
        // FaultStatsReading: the contract has no metric for it (its meaning is unsettled).
      },
      reading);
}

void append_reply_metrics(const ReplyDecoded& reply, std::vector<Metric>& out) {
  const std::size_t first = out.size();
  append_reading_metrics(reply.reading, out);
  if (!reply.disputed) return;
  std::vector<Metric> other;
  append_reading_metrics(*reply.disputed, other);
  auto same_in_other = [&other](const Metric& m) {
    for (const Metric& o : other) {
      if (o.type == m.type && o.type_instance == m.type_instance) return o.value() == m.value();
    }
    return false;
  };
  auto is_state_set = [](const std::string& type) {
    return type == types::status.name || type == types::burner_state.name;
  };
  std::vector<std::string> broken_sets;
  std::vector<Metric> kept;
  for (std::size_t i = first; i < out.size(); ++i) {
    if (same_in_other(out[i])) {
      kept.push_back(std::move(out[i]));
    } else if (is_state_set(out[i].type)) {
      broken_sets.push_back(out[i].type);
    }
  }
  out.resize(first);
  for (Metric& m : kept) {
    if (std::find(broken_sets.begin(), broken_sets.end(), m.type) == broken_sets.end())
      out.push_back(std::move(m));
  }
}

void append_link_state(const Health& h, std::vector<Metric>& out) {
  Out o(out);
  o.gauge(types::up, "", h.up ? 1.0 : 0.0);
  o.gauge(types::link_open, "", h.link_open ? 1.0 : 0.0);
}

void append_link_accounting(const Health& h, const Schedule& schedule, std::vector<Metric>& out) {
  Out o(out);
  for (Command c : kAllCommands) {
    if (schedule.every(c) <= 0 || !is_asked(c, h)) continue;
    const auto i = static_cast<std::size_t>(command_index(c));
    o.derive(types::requests_sent, std::string(command_name(c)),
             static_cast<std::int64_t>(h.counters.requests[i]));
  }
  for (Failure f : kAllFailures) {
    o.derive(types::request_failures, std::string(failure_name(f)),
             static_cast<std::int64_t>(h.counters.failures[static_cast<std::size_t>(f)]));
  }
  for (Command c : kAllCommands) {
    if (schedule.every(c) <= 0 || !is_asked(c, h)) continue;
    o.derive(
        types::requests_deferred, std::string(command_name(c)),
        static_cast<std::int64_t>(h.counters.deferred[static_cast<std::size_t>(command_index(c))]));
  }
  for (const auto& [field, count] : h.counters.out_of_range) {
    o.derive(types::values_out_of_range, std::string(field), static_cast<std::int64_t>(count));
  }
  o.derive(types::reconnects, "", static_cast<std::int64_t>(h.reconnects));
  for (Command c : kAllCommands) {
    if (schedule.every(c) <= 0 || !is_asked(c, h)) continue;
    const auto i = static_cast<std::size_t>(command_index(c));
    if (const auto& d = h.counters.last_duration[i]) {
      o.gauge(types::request_duration_seconds, std::string(command_name(c)),
              std::chrono::duration<double>(*d).count());
    }
    if (const auto& supported = h.supported[i]) {
      o.gauge(types::command_supported, std::string(command_name(c)), *supported ? 1.0 : 0.0);
    }
  }
  // A state set, like status and burner_state: both states, exactly one of them 1, so a change
  // of framing turns the old series to 0 instead of leaving it to go stale.
  if (h.checksummed_framing) {
    o.gauge(types::framing, "plain", *h.checksummed_framing ? 0.0 : 1.0);
    o.gauge(types::framing, "checksummed", *h.checksummed_framing ? 1.0 : 0.0);
  }
}

std::string metric_json(const Metric& m) {
  std::string s = "{\"type\": ";
  append_json_string(s, m.type);
  s += ", \"type_instance\": ";
  append_json_string(s, m.type_instance);
  s += ", \"value\": ";
  char buf[32];
  if (m.kind == DsKind::gauge) {
    std::snprintf(buf, sizeof buf, "%.15g", m.gauge);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRId64, m.derive);
  }
  s += buf;
  s += '}';
  return s;
}

std::string metrics_json(const std::vector<Metric>& metrics) {
  std::string s = "[";
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    s += i == 0 ? "\n  " : ",\n  ";
    s += metric_json(metrics[i]);
  }
  s += metrics.empty() ? "]\n" : "\n]\n";
  return s;
}

}  // namespace intergas
