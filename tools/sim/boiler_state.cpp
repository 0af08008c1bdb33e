#include "sim/boiler_state.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>

#include "protocol/bytes.h"
#include "protocol/model.h"
#include "sim/frame_encoder.h"
#include "tests/frames/golden_frames.h"

namespace intergas::sim {
namespace {

// ---- Profiles ------------------------------------------------------------------------------
// A profile starts from the frames of tests/frames/golden_frames.h, decoded by the core's own
// decoders (the simulator never derives a value itself); the profiles that no frame shows
// (hot_water, lockout) change some fields of one.

Bytes data_of(const char* hex) {
  Bytes b = golden::frame(hex);
  b.resize(kFrameSize);  // without the Xtreme's XOR byte
  return b;
}

// What every HRE profile shares: RB's S2, CRC, HN and V? (protocol.md 14.5, 10, 11), MW's REV
// (14.2) and the synthetic EN (12.3).
BoilerState base_state() {
  BoilerState s;
  s.model = Model::hre;
  s.status_extra = decode_status_extra(data_of(golden::kRbStatusExtra), s.model);
  s.diagnostics = decode_diagnostics(data_of(golden::kRbDiagnostics), s.model);
  s.counters = decode_counters(data_of(golden::kRbCounters), s.model);
  s.parameters = decode_parameters(data_of(golden::kRbParameters), s.model);
  s.version = decode_version(data_of(golden::kMwVersion), s.model);
  s.fault_stats = decode_fault_stats(data_of(golden::kSyntheticFaultStats), s.model);
  return s;
}

// MW's HRE standby frame (protocol.md 14.1).
BoilerState idle_state() {
  BoilerState s = base_state();
  s.status = decode_status(data_of(golden::kMwStatus), s.model);
  return s;
}

// RB's burning sample (protocol.md 14.5): CH via OpenTherm, fan 1340 rpm.
BoilerState heating_state() {
  BoilerState s = base_state();
  s.status = decode_status(data_of(golden::kRbStatus), s.model);
  return s;
}

// Hot water from PM's decoded log (protocol.md 14.6, no raw bytes published) on the heating frame.
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

// MW's standby frame in lockout with F04 latched.
BoilerState lockout_state() {
  BoilerState s = idle_state();
  StatusReading& t = s.status;
  t.heat_demand_flags = 0xA0;  // alarm_status, opentherm
  t.burner_state_raw = 128;    // lockout
  t.fault_code_raw = 4;        // F04: no flame during start-up
  s.fault_stats.raw[4] = 3;
  return s;
}

// KH/K3's CW6 idle frame (protocol.md 14.3); no pressure sensor.
BoilerState cw6_state() {
  BoilerState s = base_state();
  s.model = Model::cw6;
  s.status = decode_status(data_of(golden::kKhCw6Status), s.model);
  return s;
}

// The Xtreme's D2 block: the synthetic frame of the table (protocol.md 14.8; no capture exists).
void add_xtreme_status_extra2(BoilerState& s) {
  s.status_extra2 = decode_status_extra2(data_of(golden::kSyntheticXtremeStatusExtra2), s.model);
}

// LC's Xtreme 36 frames (protocol.md 14.4); the rest as the HRE profiles.
BoilerState xtreme_state() {
  BoilerState s = base_state();
  s.model = Model::xtreme;
  const Bytes status = data_of(golden::kLcXtremeStatus);
  s.status = decode_status(status, s.model);
  // Bytes 18-21 have no field in the reading (protocol.md 5.6): kept as LC's frame has them.
  std::copy(status.begin() + 18, status.begin() + 22, s.status_xtreme_bytes_18_21.begin());
  s.status_extra = decode_status_extra(data_of(golden::kLcXtremeStatusExtra), s.model);
  add_xtreme_status_extra2(s);
  return s;
}

// The values a reading derives from raw fields, after a raw field changed: the core's formulas.
void refresh_derived(BoilerState& s) {
  s.status_extra.pump_pwm_ratio = pump_pwm_ratio_of(s.status_extra.pump_raw);
  derive_diagnostics_values(s.diagnostics);
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
std::string to_text(std::int16_t v) { return std::to_string(v); }
bool from_text(std::string_view t, std::int16_t& o, std::string& e) {
  return from_text_int(t, o, e);
}
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

// D2 (Xtreme, protocol.md 12.4): the values its reply is encoded from.
void append_status_extra2_fields(std::vector<FieldDef>& f) {
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.fan_speed_target_rpm));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.fan_speed_actual_rpm));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.fan_raw));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.pump_speed_target_rpm));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.pump_speed_actual_rpm));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.middle_raw));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.valve_position_target_steps));
  f.push_back(INTERGAS_SIM_FIELD(status_extra2.valve_position_actual_steps));
}

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
  append_status_extra2_fields(f);
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
  return decode_data(c, s.model, encode_data(s, c));
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
  refresh_derived(s);
  out = std::move(s);
  return true;
}

bool set_field(BoilerState& s, std::string_view key, std::string_view value, std::string& error) {
  for (const FieldDef& f : fields()) {
    if (f.key != key) continue;
    BoilerState changed = s;
    if (!f.set(changed, trim(value), error)) return false;
    refresh_derived(changed);
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
