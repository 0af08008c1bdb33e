#include "print_table.h"

#include <cstdio>
#include <string>
#include <type_traits>

#include "protocol/codes.h"

namespace intergas {

namespace {

class Table {
 public:
  explicit Table(const char* title) { out_ = std::string(title) + "\n"; }

  void row(const char* field, const std::string& value, const char* unit = "") {
    char line[160];
    std::snprintf(line, sizeof line, "  %-28s %s%s%s\n", field, value.c_str(), *unit ? " " : "",
                  unit);
    out_ += line;
  }
  void number(const char* field, double v, const char* unit, const char* format = "%.2f") {
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    row(field, buf, unit);
  }
  template <typename T>
  void number(const char* field, const std::optional<T>& v, const char* unit,
              const char* why_absent, const char* format = "%.2f") {
    if (v) {
      number(field, static_cast<double>(*v), unit, format);
    } else {
      row(field, std::string("- (") + why_absent + ")");
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string with_code(unsigned code, std::string_view name, std::string_view text = {}) {
  std::string s = std::to_string(code) + " " + std::string(name);
  if (!text.empty()) s += " (" + std::string(text) + ")";
  return s;
}

std::string status_table(const StatusReading& r, Model m) {
  Table t("status (S?)");
  const char* open = "not connected";
  t.number("heat exchanger (t1)", r.heat_exchanger_celsius, "C", open);
  t.number("supply (t2)", r.supply_celsius, "C", open);
  t.number("return (t3)", r.return_celsius, "C", open);
  t.number("hot water (t4)", r.dhw_celsius, "C", open);
  t.number("boiler (t5)", r.boiler_celsius, "C", open);
  t.number("outside", r.outside_celsius, "C", open);
  if (m == Model::xtreme) t.number("flue gas", r.flue_celsius, "C", open);
  t.number("water pressure", r.pressure_bar, "bar", "no pressure sensor");
  t.number("CH set point", r.setpoint_ch_celsius, "C", "not set");
  if (m != Model::xtreme) {
    t.number("fan speed target", r.fan_speed_target_rpm, "rpm", "n/a", "%.0f");
    t.number("fan speed actual", r.fan_speed_actual_rpm, "rpm", "n/a", "%.0f");
    if (r.fan_pwm_ratio) t.number("fan PWM", *r.fan_pwm_ratio * 100, "%", "%.1f");
  }
  if (r.ionisation_current_amperes) {
    t.number("ionisation current", *r.ionisation_current_amperes * 1e6, "uA");
  }
  const StatusCodeInfo* info = find_status_code(r.status_code);
  t.row("status", info ? with_code(r.status_code, info->name, info->description)
                       : with_code(r.status_code, "unknown"));
  t.row("burner state", with_code(r.burner_state_raw, burner_state_name(r.burner_state_raw)));
  if (auto f = r.current_fault()) {
    t.row("fault (lockout)", fault_display(*f, m) + " " + std::string(fault_text(*f, m)));
  } else {
    t.row("fault (lockout)", "none");
  }
  if (auto f = r.last_fault()) {
    t.row("last fault", fault_display(*f, m) + " " + std::string(fault_text(*f, m)));
  }
  std::string on;
  for (int i = 0; i < kFlagCount; ++i) {
    if (r.flag(static_cast<Flag>(i)))
      on += (on.empty() ? "" : " ") + std::string(flag_name(static_cast<Flag>(i)));
  }
  t.row("flags", on.empty() ? "-" : on);
  return t.take();
}

std::string status_extra_table(const StatusExtraReading& r) {
  Table t("status extra (S2)");
  const char* na = "not provided";
  t.number("tap flow", r.tap_flow_liters_per_minute, "l/min", na);
  if (r.pump_pwm_ratio) {
    t.number("pump", *r.pump_pwm_ratio * 100, "%", "%.1f");
  } else {
    t.row("pump", "- (raw " + std::to_string(r.pump_raw) + ")");
  }
  t.number("room zone 1", r.room_zone1_celsius, "C", na);
  t.number("room set point zone 1", r.room_setpoint_zone1_celsius, "C", na);
  t.number("room override zone 1", r.room_override_zone1_celsius, "C", na);
  t.number("room zone 2", r.room_zone2_celsius, "C", na);
  t.number("room set point zone 2", r.room_setpoint_zone2_celsius, "C", na);
  t.number("room override zone 2", r.room_override_zone2_celsius, "C", na);
  t.number("outside override", r.outside_override_celsius, "C", na);
  t.row("OpenTherm master id", std::to_string(r.ot_master_member_id));
  return t.take();
}

std::string status_extra2_table(const StatusExtra2Reading& r) {
  Table t("status extra 2 (D2, Xtreme)");
  t.number("fan speed set point", r.fan_speed_target_rpm, "rpm", "%.0f");
  t.number("fan speed", r.fan_speed_actual_rpm, "rpm", "%.0f");
  t.number("pump speed set point", r.pump_speed_target_rpm, "rpm", "%.0f");
  t.number("pump speed", r.pump_speed_actual_rpm, "rpm", "%.0f");
  t.number("valve position set point", r.valve_position_target_steps, "steps", "%.0f");
  t.number("valve position", r.valve_position_actual_steps, "steps", "%.0f");
  return t.take();
}

std::string counters_table(const CountersReading& r) {
  Table t("counters (HN)");
  t.number("powered", r.powered_hours, "h", "%.0f");
  t.number("central heating", r.ch_hours, "h", "%.0f");
  t.number("hot water", r.dhw_hours, "h", "%.0f");
  t.number("burner starts", r.burner_starts, "", "%.0f");
  t.number("burner starts hot water", r.dhw_burner_starts, "", "%.0f");
  t.number("power losses", r.power_losses, "", "%.0f");
  t.number("ignition failures", r.ignition_failures, "", "%.0f");
  t.number("flame losses", r.flame_losses, "", "%.0f");
  t.number("resets", r.resets, "", "%.0f");
  t.number("gas central heating", r.gas_ch_decilitres / 10000.0, "m3", "%.4f");
  t.number("gas hot water", r.gas_dhw_decilitres / 10000.0, "m3", "%.4f");
  t.number("hot water volume", r.dhw_water_decilitres / 10000.0, "m3", "%.4f");
  return t.take();
}

std::string diagnostics_table(const DiagnosticsReading& r) {
  Table t("diagnostics (CRC)");
  t.number("interrupt time", r.interrupt_time, "");
  t.number("interrupt load", r.interrupt_load_ratio * 100, "%");
  t.number("main load", r.main_load_ratio * 100, "%", "%.3f");
  t.number("mains frequency", r.mains_frequency_hertz, "Hz", "raw 0");
  t.number("reference voltage", r.reference_voltage_volts, "V", "%.3f");
  return t.take();
}

std::string parameters_table(const ParametersReading& r) {
  Table t("parameters (V?)");
  for (int i = 0; i < kParameterCount; ++i) {
    t.row(std::string(parameter_name(i)).c_str(),
          std::to_string(r.values[static_cast<std::size_t>(i)]));
  }
  return t.take();
}

std::string version_table(const VersionReading& r) {
  Table t("version (REV)");
  t.row("hardware", r.hardware);
  t.row("date code", r.date_code);
  t.row("software", r.software);
  return t.take();
}

std::string fault_stats_table(const FaultStatsReading& r, Model m) {
  Table t("fault statistics (EN)");
  for (int i = 0; i < 32; ++i) {
    if (auto e = r.entry(i)) {
      t.row((fault_display(static_cast<std::uint8_t>(i), m)).c_str(), std::to_string(*e));
    }
  }
  return t.take();
}

}  // namespace

std::string format_table(const Reading& reading, Model model) {
  return std::visit(
      [&](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, StatusReading>) return status_table(r, model);
        if constexpr (std::is_same_v<T, StatusExtraReading>) return status_extra_table(r);
        if constexpr (std::is_same_v<T, StatusExtra2Reading>) return status_extra2_table(r);
        if constexpr (std::is_same_v<T, CountersReading>) return counters_table(r);
        if constexpr (std::is_same_v<T, DiagnosticsReading>) return diagnostics_table(r);
        if constexpr (std::is_same_v<T, ParametersReading>) return parameters_table(r);
        if constexpr (std::is_same_v<T, VersionReading>) return version_table(r);
        if constexpr (std::is_same_v<T, FaultStatsReading>) return fault_stats_table(r, model);
        return {};
      },
      reading);
}

}  // namespace intergas
