#include "sim/boiler_state.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas::sim {
namespace {

// ---- Profiles ------------------------------------------------------------------------------

// What every profile shares: RB's V? (protocol.md 11), CRC raw counts (10), MW's REV (14.2),
// and counters past 65535 so the high bytes at HN 28-31 are exercised (9).
BoilerState base_state() {
  BoilerState s;
  s.model = Model::hre;

  StatusExtraReading& x = s.status_extra;
  x.tap_flow_liters_per_minute = 0.0;
  x.pump_raw = 170;  // RB: pump_pwm 15.0 % (protocol.md 14.5)
  x.ot_master_member_id = 0;
  x.room_override_zone1_celsius = 0.0;
  x.room_setpoint_zone1_celsius = 20.5;
  x.room_zone1_celsius = 19.44;
  x.ot_therm_prod_version = 0;
  x.ot_therm_prod_type = 0;

  DiagnosticsReading& d = s.diagnostics;
  d.interrupt_time_raw = 1000;  // RB: 200.0
  d.interrupt_load_raw = 849;   // RB: 135.84
  d.main_load_raw = 201;        // RB: 25.125
  d.mains_frequency_raw = 40;   // 2000 / 40 = 50 Hz
  d.reference_voltage_raw = 1000;
  const std::uint8_t rom1[4] = {0x49, 0x6B, 0xB6, 0x94}, rom2[4] = {0xD2, 0x5F, 0x2D, 0xA0};
  for (int i = 0; i < 4; ++i) {
    d.rom_checksum1[i] = rom1[i];
    d.rom_checksum2[i] = rom2[i];
    s.version.rom_checksum1[i] = rom1[i];
    s.version.rom_checksum2[i] = rom2[i];
  }

  CountersReading& c = s.counters;
  c.powered_hours = 84027;  // > 65535: high byte 1
  c.power_losses = 1046;
  c.ch_hours = 3849;
  c.dhw_hours = 246;
  c.burner_starts = 152436;  // high byte 2
  c.ignition_failures = 4;
  c.flame_losses = 1;
  c.resets = 3;
  c.gas_ch_decilitres = 53833816;   // 5383.3816 m3
  c.gas_dhw_decilitres = 5191142;   // 519.1142 m3
  c.dhw_water_decilitres = 779017;  // 77.9017 m3
  c.dhw_burner_starts = 74324;      // high byte 1

  const std::int8_t params[kParameterCount] = {1,  0,  50, 50, 3,  0, 0,  0, 0, 0,  65,
                                               75, 25, -7, 25, 5,  1, 0,  0, 1, 20, 20,
                                               25, 1,  35, 67, 60, 0, 10, 0, 40};
  for (int i = 0; i < kParameterCount; ++i)
    s.parameters.values[static_cast<std::size_t>(i)] = params[i];

  s.version.hardware = "ic3mk1";
  s.version.date_code = "P190517";
  s.version.software = "V2.53";
  s.version.separator = '-';

  s.fault_stats.raw.fill(0xFF);
  s.fault_stats.raw[4] = 2;
  s.fault_stats.raw[5] = 1;
  return s;
}

// MW's HRE standby frame (protocol.md 14.1).
BoilerState idle_state() {
  BoilerState s = base_state();
  StatusReading& t = s.status;
  t.heat_exchanger_celsius = 40.28;
  t.supply_celsius = 40.45;
  t.return_celsius = 40.52;
  t.dhw_celsius = 34.06;
  t.pressure_bar = 1.49;
  t.setpoint_ch_celsius = 0.0;
  t.fan_speed_target_rpm = 0;
  t.fan_speed_actual_rpm = 0;
  t.fan_pwm_ratio = 0.0;
  t.ionisation_current_amperes = 0;
  t.status_code = 126;
  t.heat_demand_flags = 0x80;  // opentherm
  t.burner_state_raw = 64;     // rest
  t.burner_flags = 0x20;       // pressure_sensor
  t.fault_code_raw = kNoFault;
  t.byte30 = 0x00;
  t.byte31 = 0xFF;
  return s;
}

// RB's burning sample (protocol.md 14.5): CH via OpenTherm, fan 1340 rpm.
BoilerState heating_state() {
  BoilerState s = idle_state();
  StatusReading& t = s.status;
  t.heat_exchanger_celsius = 69.97;
  t.supply_celsius = 47.59;
  t.return_celsius = 36.57;
  t.dhw_celsius = 26.67;
  t.pressure_bar = 1.7;
  t.setpoint_ch_celsius = 50.0;
  t.fan_speed_target_rpm = 1340;
  t.fan_speed_actual_rpm = 1340;
  t.fan_pwm_ratio = 0.082;
  t.ionisation_current_amperes = 7.33e-6;
  t.status_code = 0;           // opentherm CH demand
  t.heat_demand_flags = 0x98;  // pump, dwk, opentherm
  t.burner_state_raw = 32;     // running
  t.burner_flags = 0x25;       // gasvalve, io_signal, pressure_sensor
  return s;
}

BoilerState hot_water_state() {
  BoilerState s = heating_state();
  StatusReading& t = s.status;
  t.heat_exchanger_celsius = 62.12;
  t.supply_celsius = 53.24;
  t.return_celsius = 40.5;
  t.dhw_celsius = 57.1;
  t.pressure_bar = 1.06;
  t.setpoint_ch_celsius = 55.0;
  t.fan_speed_target_rpm = 1912;
  t.fan_speed_actual_rpm = 1914;
  t.fan_pwm_ratio = 0.125;
  t.ionisation_current_amperes = 2.31e-6;
  t.status_code = 204;         // DHW production (protocol.md 6)
  t.heat_demand_flags = 0x82;  // tap_switch, opentherm
  s.status_extra.tap_flow_liters_per_minute = 5.68;
  s.status_extra.pump_raw = 120;  // 40 %
  return s;
}

BoilerState lockout_state() {
  BoilerState s = idle_state();
  StatusReading& t = s.status;
  t.status_code = 126;
  t.heat_demand_flags = 0xA0;  // alarm_status, opentherm
  t.burner_state_raw = 128;    // lockout
  t.burner_flags = 0x20;
  t.fault_code_raw = 4;  // F04: no flame during start-up
  s.fault_stats.raw[4] = 3;
  return s;
}

// KH/K3's CW6 idle frame (protocol.md 14.3); no pressure sensor.
BoilerState cw6_state() {
  BoilerState s = idle_state();
  s.model = Model::cw6;
  StatusReading& t = s.status;
  t.heat_exchanger_celsius = 31.73;
  t.supply_celsius = 31.52;
  t.return_celsius = 31.42;
  t.dhw_celsius = 26.79;
  t.boiler_celsius = std::nullopt;
  t.outside_celsius = std::nullopt;
  t.pressure_bar = std::nullopt;
  t.status_code = 126;
  t.heat_demand_flags = 0x41;
  t.burner_state_raw = 64;
  t.burner_flags = 0x00;
  return s;
}

// LC's Xtreme 36 frames (protocol.md 14.4).
BoilerState xtreme_state() {
  BoilerState s = base_state();
  s.model = Model::xtreme;
  StatusReading& t = s.status;
  t.heat_exchanger_celsius = 45.39;
  t.supply_celsius = 37.3;
  t.return_celsius = std::nullopt;  // no return sensor on the Xtreme
  t.dhw_celsius = 37.23;
  t.boiler_celsius = std::nullopt;
  t.flue_celsius = 31.37;
  t.pressure_bar = 1.21;
  t.setpoint_ch_celsius = 0.0;
  t.outside_celsius = 21.0;
  t.ionisation_current_amperes = 0;
  t.status_code = 126;
  t.heat_demand_flags = 0x90;  // dwk, opentherm
  t.burner_state_raw = 64;
  t.burner_flags = 0x20;
  t.fault_code_raw = 4;  // last lockout F04 while not in lockout
  t.byte30 = 0x00;
  t.byte31 = 0xFF;
  s.status_xtreme_bytes_18_21 = {0x14, 0xEC, 0x81, 0x3E};

  StatusExtraReading& x = s.status_extra;
  x = StatusExtraReading{};
  x.tap_flow_liters_per_minute = 0.0;
  x.pump_raw = 0;
  x.ot_master_member_id = 13;
  x.room_override_zone1_celsius = 0.0;
  x.room_setpoint_zone1_celsius = 19.0;
  x.room_zone1_celsius = 19.33;
  x.room_override_zone2_celsius = 0.0;
  x.ot_therm_prod_version = 15;
  x.ot_therm_prod_type = 0x39;
  const std::uint8_t tail[12] = {0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0x82,
                                 0x57, 0x57, 0x61, 0xF8, 0x9C, 0xD3};
  for (int i = 0; i < 12; ++i) x.tail[i] = tail[i];
  s.counters.dhw_water_decilitres = 986442;  // LC's log: water meter 98.6442 m3
  return s;
}

// ---- Text form of values -------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string to_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  return std::string(buf, r.ptr);
}

bool from_text(std::string_view text, double& out, std::string& error) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) {
    error = "not a number: '" + s + "'";
    return false;
  }
  out = v;
  return true;
}

// Integers: decimal (with sign) or 0x-prefixed hex, checked against [lo, hi].
bool parse_integer(std::string_view text, long long lo, long long hi, long long& out,
                   std::string& error) {
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const bool is_hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const long long v = std::strtoll(s.c_str(), &end, is_hex ? 16 : 10);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0) {
    error = "not an integer: '" + s + "'";
    return false;
  }
  if (v < lo || v > hi) {
    error = "out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]: " + s;
    return false;
  }
  out = v;
  return true;
}

template <typename Int>
bool from_text_int(std::string_view text, Int& out, std::string& error) {
  long long v = 0;
  if (!parse_integer(text, std::numeric_limits<Int>::min(), std::numeric_limits<Int>::max(), v,
                     error)) {
    return false;
  }
  out = static_cast<Int>(v);
  return true;
}

std::string to_text(std::uint8_t v) { return std::to_string(v); }
std::string to_text(std::int8_t v) { return std::to_string(v); }
std::string to_text(std::uint16_t v) { return std::to_string(v); }
std::string to_text(std::uint32_t v) { return std::to_string(v); }
bool from_text(std::string_view t, std::uint8_t& o, std::string& e) {
  return from_text_int(t, o, e);
}
bool from_text(std::string_view t, std::int8_t& o, std::string& e) {
  return from_text_int(t, o, e);
}
bool from_text(std::string_view t, std::uint16_t& o, std::string& e) {
  return from_text_int(t, o, e);
}
bool from_text(std::string_view t, std::uint32_t& o, std::string& e) {
  return from_text_int(t, o, e);
}

std::string to_text(const std::string& v) { return v; }
bool from_text(std::string_view t, std::string& o, std::string&) {
  o = std::string(t);
  return true;
}

std::string to_text(Model m) { return std::string(model_name(m)); }
bool from_text(std::string_view t, Model& o, std::string& e) {
  const auto m = parse_model(t);
  if (!m) {
    e = "unknown model '" + std::string(t) + "' (hre, cw6, xtreme)";
    return false;
  }
  o = *m;
  return true;
}

template <typename T>
std::string to_text(const std::optional<T>& v) {
  return v ? to_text(*v) : std::string("none");
}
template <typename T>
bool from_text(std::string_view t, std::optional<T>& o, std::string& e) {
  if (t == "none") {
    o.reset();
    return true;
  }
  T v{};
  if (!from_text(t, v, e)) return false;
  o = v;
  return true;
}

std::string bytes_text(const std::uint8_t* p, std::size_t n) { return to_hex(ByteView(p, n)); }
bool bytes_from_text(std::string_view t, std::uint8_t* p, std::size_t n, std::string& e) {
  Bytes b;
  if (!parse_hex(std::string(t), b) || b.size() != n) {
    e = "want " + std::to_string(n) + " hex bytes: '" + std::string(t) + "'";
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) p[i] = b[i];
  return true;
}
template <std::size_t N>
std::string to_text(const std::uint8_t (&v)[N]) {
  return bytes_text(v, N);
}
template <std::size_t N>
bool from_text(std::string_view t, std::uint8_t (&o)[N], std::string& e) {
  return bytes_from_text(t, o, N, e);
}
template <std::size_t N>
std::string to_text(const std::array<std::uint8_t, N>& v) {
  return bytes_text(v.data(), N);
}
template <std::size_t N>
bool from_text(std::string_view t, std::array<std::uint8_t, N>& o, std::string& e) {
  return bytes_from_text(t, o.data(), N, e);
}

// ---- The key table -------------------------------------------------------------------------

struct FieldDef {
  std::string key;
  std::function<std::string(const BoilerState&)> get;
  std::function<bool(BoilerState&, std::string_view, std::string&)> set;
};

// `access` is a generic lambda returning a reference to the field for a const or mutable state.
template <typename Access>
FieldDef def(std::string key, Access access) {
  return FieldDef{std::move(key), [access](const BoilerState& s) { return to_text(access(s)); },
                  [access](BoilerState& s, std::string_view v, std::string& e) {
                    return from_text(v, access(s), e);
                  }};
}

#define INTERGAS_SIM_FIELD(path) \
  def(                           \
      #path, [](auto& s) -> auto& { return s.path; })

std::vector<FieldDef> make_fields() {
  std::vector<FieldDef> f = {
      INTERGAS_SIM_FIELD(model),
      INTERGAS_SIM_FIELD(status.heat_exchanger_celsius),
      INTERGAS_SIM_FIELD(status.supply_celsius),
      INTERGAS_SIM_FIELD(status.return_celsius),
      INTERGAS_SIM_FIELD(status.dhw_celsius),
      INTERGAS_SIM_FIELD(status.boiler_celsius),
      INTERGAS_SIM_FIELD(status.outside_celsius),
      INTERGAS_SIM_FIELD(status.flue_celsius),
      INTERGAS_SIM_FIELD(status.pressure_bar),
      INTERGAS_SIM_FIELD(status.setpoint_ch_celsius),
      INTERGAS_SIM_FIELD(status.fan_speed_target_rpm),
      INTERGAS_SIM_FIELD(status.fan_speed_actual_rpm),
      INTERGAS_SIM_FIELD(status.fan_pwm_ratio),
      INTERGAS_SIM_FIELD(status.ionisation_current_amperes),
      INTERGAS_SIM_FIELD(status.status_code),
      INTERGAS_SIM_FIELD(status.rf_status),
      INTERGAS_SIM_FIELD(status.heat_demand_flags),
      INTERGAS_SIM_FIELD(status.burner_state_raw),
      INTERGAS_SIM_FIELD(status.burner_flags),
      INTERGAS_SIM_FIELD(status.fault_code_raw),
      INTERGAS_SIM_FIELD(status.byte30),
      INTERGAS_SIM_FIELD(status.byte31),
      def(
          "status.xtreme_bytes_18_21",
          [](auto& s) -> auto& { return s.status_xtreme_bytes_18_21; }),
      INTERGAS_SIM_FIELD(status_extra.tap_flow_liters_per_minute),
      INTERGAS_SIM_FIELD(status_extra.pump_raw),
      INTERGAS_SIM_FIELD(status_extra.ot_master_member_id),
      INTERGAS_SIM_FIELD(status_extra.room_override_zone1_celsius),
      INTERGAS_SIM_FIELD(status_extra.room_setpoint_zone1_celsius),
      INTERGAS_SIM_FIELD(status_extra.room_zone1_celsius),
      INTERGAS_SIM_FIELD(status_extra.room_override_zone2_celsius),
      INTERGAS_SIM_FIELD(status_extra.room_setpoint_zone2_celsius),
      INTERGAS_SIM_FIELD(status_extra.room_zone2_celsius),
      INTERGAS_SIM_FIELD(status_extra.outside_override_celsius),
      INTERGAS_SIM_FIELD(status_extra.ot_therm_prod_version),
      INTERGAS_SIM_FIELD(status_extra.ot_therm_prod_type),
      INTERGAS_SIM_FIELD(status_extra.tail),
      INTERGAS_SIM_FIELD(diagnostics.interrupt_time_raw),
      INTERGAS_SIM_FIELD(diagnostics.interrupt_load_raw),
      INTERGAS_SIM_FIELD(diagnostics.main_load_raw),
      INTERGAS_SIM_FIELD(diagnostics.mains_frequency_raw),
      INTERGAS_SIM_FIELD(diagnostics.reference_voltage_raw),
      INTERGAS_SIM_FIELD(diagnostics.unknown),
      INTERGAS_SIM_FIELD(diagnostics.rom_checksum1),
      INTERGAS_SIM_FIELD(diagnostics.rom_checksum2),
      INTERGAS_SIM_FIELD(counters.powered_hours),
      INTERGAS_SIM_FIELD(counters.power_losses),
      INTERGAS_SIM_FIELD(counters.ch_hours),
      INTERGAS_SIM_FIELD(counters.dhw_hours),
      INTERGAS_SIM_FIELD(counters.burner_starts),
      INTERGAS_SIM_FIELD(counters.ignition_failures),
      INTERGAS_SIM_FIELD(counters.flame_losses),
      INTERGAS_SIM_FIELD(counters.resets),
      INTERGAS_SIM_FIELD(counters.gas_ch_decilitres),
      INTERGAS_SIM_FIELD(counters.gas_dhw_decilitres),
      INTERGAS_SIM_FIELD(counters.dhw_water_decilitres),
      INTERGAS_SIM_FIELD(counters.dhw_burner_starts),
  };
  for (std::size_t i = 0; i < static_cast<std::size_t>(kParameterCount); ++i) {
    f.push_back(def(
        "parameters.values." + std::to_string(i), [i](auto& s) -> auto& {
          return s.parameters.values[i];
        }));
  }
  f.push_back(INTERGAS_SIM_FIELD(parameters.unused));
  f.push_back(INTERGAS_SIM_FIELD(version.hardware));
  f.push_back(INTERGAS_SIM_FIELD(version.date_code));
  f.push_back(INTERGAS_SIM_FIELD(version.software));
  f.push_back(INTERGAS_SIM_FIELD(version.separator));
  f.push_back(INTERGAS_SIM_FIELD(version.rom_checksum1));
  f.push_back(INTERGAS_SIM_FIELD(version.rom_checksum2));
  f.push_back(INTERGAS_SIM_FIELD(fault_stats.raw));
  return f;
}

#undef INTERGAS_SIM_FIELD

const std::vector<FieldDef>& fields() {
  static const std::vector<FieldDef> table = make_fields();
  return table;
}

}  // namespace

const std::vector<std::string_view>& profile_names() {
  static const std::vector<std::string_view> names = {"idle",    "heating", "hot_water",
                                                      "lockout", "cw6",     "xtreme"};
  return names;
}

Reading reading_of(const BoilerState& s, Command c) {
  switch (c) {
    case Command::status:
      return s.status;
    case Command::status_extra:
      return s.status_extra;
    case Command::diagnostics:
      return s.diagnostics;
    case Command::counters:
      return s.counters;
    case Command::parameters:
      return s.parameters;
    case Command::version:
      return s.version;
    case Command::fault_stats:
      return s.fault_stats;
  }
  return s.status;
}

bool make_profile(std::string_view name, BoilerState& out) {
  BoilerState s;
  if (name == "idle") {
    s = idle_state();
  } else if (name == "heating") {
    s = heating_state();
  } else if (name == "hot_water") {
    s = hot_water_state();
  } else if (name == "lockout") {
    s = lockout_state();
  } else if (name == "cw6") {
    s = cw6_state();
  } else if (name == "xtreme") {
    s = xtreme_state();
  } else {
    return false;
  }
  derive_fields(s);
  out = std::move(s);
  return true;
}

void derive_fields(BoilerState& s) {
  // protocol.md 8: inverted PWM, (200 - b) / 200 as a ratio; above 200 it means nothing.
  const std::uint8_t pump = s.status_extra.pump_raw;
  s.status_extra.pump_pwm_ratio =
      pump <= 200 ? std::optional<double>((200.0 - pump) / 200.0) : std::nullopt;
  // protocol.md 10: the RB/EB formulas, percentages as ratios.
  DiagnosticsReading& d = s.diagnostics;
  d.interrupt_time = d.interrupt_time_raw / 5.0;
  d.interrupt_load_ratio = d.interrupt_load_raw / 6.25 / 100.0;
  d.main_load_ratio = d.main_load_raw / 8.0 / 100.0;
  d.mains_frequency_hertz = d.mains_frequency_raw != 0
                                ? std::optional<double>(2000.0 / d.mains_frequency_raw)
                                : std::nullopt;
  d.reference_voltage_volts = d.reference_voltage_raw * 5.0 / 1024.0;
}

bool set_field(BoilerState& s, std::string_view key, std::string_view value, std::string& error) {
  for (const FieldDef& f : fields()) {
    if (f.key != key) continue;
    BoilerState changed = s;
    if (!f.set(changed, trim(value), error)) return false;
    derive_fields(changed);
    s = std::move(changed);
    return true;
  }
  error = "unknown key";
  return false;
}

std::vector<std::string> state_lines(const BoilerState& s) {
  std::vector<std::string> lines;
  lines.reserve(fields().size());
  for (const FieldDef& f : fields()) lines.push_back(f.key + " = " + f.get(s));
  return lines;
}

bool load_state_file(const std::string& path, BoilerState& s, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) {
      error = where + "expected 'key = value': '" + std::string(text) + "'";
      return false;
    }
    const std::string_view key = trim(text.substr(0, eq));
    std::string why;
    if (!set_field(s, key, text.substr(eq + 1), why)) {
      error = where + std::string(key) + ": " + why;
      return false;
    }
  }
  return true;
}

}  // namespace intergas::sim
