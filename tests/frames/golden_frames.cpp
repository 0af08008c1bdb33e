// The table of protocol.md 14's frames. Every expected value is a number the source published
// (quoted in protocol.md 14), turned into docs/metrics.md's unit where the comment says so; a
// value the source does not print is read by hand from the published bytes and says so.
#include "tests/frames/golden_frames.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

namespace intergas::golden {

namespace {

using Series = std::vector<Expected>;
constexpr std::nullopt_t kAbsent = std::nullopt;

// The members of docs/metrics.md's state sets and flags, as the contract names them.
constexpr std::string_view kFlags[] = {
    "gp_switch",
    "tap_switch",
    "roomtherm",
    "pump",
    "dwk",
    "alarm_status",
    "ch_cascade_relay",
    "opentherm",
    "gasvalve",
    "spark",
    "io_signal",
    "ch_ot_disabled",
    "low_water_pressure",
    "pressure_sensor",
    "burner_block",
    "grad_flag",
};
// protocol.md 6, "This project" column, plus `unknown`.
constexpr std::string_view kStatuses[] = {
    "opentherm", "boiler_ext",  "frost",      "ch_rf",      "dhw_int",        "sensortest",
    "ch",        "ch_wait",     "standby",    "off",        "postrun_boiler", "service",
    "dhw",       "starting_ch", "postrun_ch", "boiler_int", "heatup",         "unknown",
};
// protocol.md 5.5, plus `unknown`.
constexpr std::string_view kBurnerStates[] = {
    "startup", "interpurge", "postpurge", "prepurge", "ignition",
    "waiting", "running",    "rest",      "lockout",  "unknown",
};

// The state-set series of one S? reply: the named flags at 1 and the others at 0, exactly one
// status and one burner state at 1.
Series state_sets(std::initializer_list<std::string_view> flags_set, std::string_view status,
                  std::string_view burner) {
  Series out;
  for (std::string_view f : kFlags) {
    bool on = false;
    for (std::string_view s : flags_set) on = on || s == f;
    out.push_back({"flag", f, on ? 1.0 : 0.0});
  }
  for (std::string_view s : kStatuses) out.push_back({"status", s, s == status ? 1.0 : 0.0});
  for (std::string_view b : kBurnerStates) {
    out.push_back({"burner_state", b, b == burner ? 1.0 : 0.0});
  }
  return out;
}

Series join(Series a, const Series& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

constexpr double kSecondsPerHour = 3600;

std::vector<RealFrame> make_table() {
  std::vector<RealFrame> t;

  t.push_back({"MwStatus", "MW `Command_Sxx`", "protocol.md 14.1", Provenance::captured, Model::hre,
               "Kombi Kompakt HRE, IC3 board (REV: ic3mk1 P190517 V2.53)", Command::status,
               kMwStatus,
               join(
                   {
                       {"temperature_celsius", "heat_exchanger", 40.28},  // t1
                       {"temperature_celsius", "supply", 40.45},          // t2
                       {"temperature_celsius", "return", 40.52},          // t3
                       {"temperature_celsius", "dhw", 34.06},             // t4
                       {"temperature_celsius", "boiler", kAbsent},   // t5 -51.00, not connected
                       {"temperature_celsius", "outside", kAbsent},  // t6 -51.00
                       {"temperature_celsius", "flue", kAbsent},     // Xtreme only
                       {"pressure_bar", "", 1.49},                   // byte 28 bit 5 set: valid
                       {"setpoint_celsius", "ch", 0.0},              // "set point, fans, PWM, io 0"
                       {"fan_speed_rpm", "target", 0.0},
                       {"fan_speed_rpm", "actual", 0.0},
                       {"pwm_ratio", "fan", 0.0},
                       {"ionisation_current_amperes", "", 0.0},
                       {"status_code", "", 126},  // display 126 standby
                       {"fault_active", "", 0.0},
                       {"fault_code", "current", kAbsent},  // byte 29 0xFF: no lockout
                       {"fault_code", "last", kAbsent},
                   },
                   // byte 26 0x80 opentherm, byte 27 0x40 rest, byte 28 0x20 pressure_sensor
                   state_sets({"opentherm", "pressure_sensor"}, "standby", "rest"))});

  t.push_back({"MwVersion",
               "MW `command_REV.txt`",
               "protocol.md 14.2",
               Provenance::captured,
               Model::hre,
               "Kombi Kompakt HRE, IC3 board",
               Command::version,
               kMwVersion,
               // HW "ic3mk1   *P190517*", SW "V2.53" (MW's README "ic2mk0" is a slip)
               {{"firmware_info", "ic3mk1 P190517 V2.53", 1.0}}});

  t.push_back({"KhCw6Status", "KH `src/homie_ch_intergas_reader.ino`, K3 (same bytes)",
               "protocol.md 14.3", Provenance::source_simulated, Model::cw6,
               "Prestige CW6 (firmware not stated)", Command::status, kKhCw6Status,
               join(
                   {
                       {"temperature_celsius", "heat_exchanger", 31.73},
                       {"temperature_celsius", "supply", 31.52},
                       {"temperature_celsius", "return", 31.42},
                       {"temperature_celsius", "dhw", 26.79},
                       {"temperature_celsius", "boiler", kAbsent},  // t5 -31.77: open on this model
                       {"temperature_celsius", "outside", kAbsent},  // t6 -31.78
                       {"temperature_celsius", "flue", kAbsent},
                       {"pressure_bar", "", kAbsent},  // raw 6.00 but byte 28 = 0x00: no sensor
                       // Not in the published decoding: bytes 14-23 are 00 in the published frame.
                       {"setpoint_celsius", "ch", 0.0},
                       {"fan_speed_rpm", "target", 0.0},
                       {"fan_speed_rpm", "actual", 0.0},
                       {"pwm_ratio", "fan", 0.0},
                       {"ionisation_current_amperes", "", 0.0},
                       {"status_code", "", 126},  // display 126
                       {"fault_active", "", 0.0},
                       {"fault_code", "current", kAbsent},  // byte 29 0xFF
                       {"fault_code", "last", kAbsent},
                   },
                   // byte 26 0x41 gp_switch + bit 6, byte 27 0x40 rest, byte 28 0x00
                   state_sets({"gp_switch", "ch_cascade_relay"}, "standby", "rest"))});

  t.push_back({"LcXtremeStatus", "LC issue #3 (ESPHome log)", "protocol.md 14.4",
               Provenance::captured, Model::xtreme, "Xtreme 36 (firmware not stated)",
               Command::status, kLcXtremeStatus,
               join(
                   {
                       {"temperature_celsius", "heat_exchanger", 45.39},
                       {"temperature_celsius", "supply", 37.30},    // flow
                       {"temperature_celsius", "return", kAbsent},  // -51.00 (none)
                       {"temperature_celsius", "dhw", 37.23},       // hot water
                       {"temperature_celsius", "boiler", kAbsent},  // cold water -51.00
                       {"temperature_celsius", "flue", 31.37},      // bytes 10-11
                       {"temperature_celsius", "outside", 21.00},   // bytes 16-17
                       {"pressure_bar", "", 1.21},                  // valid
                       {"setpoint_celsius", "ch", 0.0},             // set point 0
                       {"fan_speed_rpm", "target", kAbsent},        // fans are in D2
                       {"fan_speed_rpm", "actual", kAbsent},
                       {"pwm_ratio", "fan", kAbsent},
                       {"ionisation_current_amperes", "", 0.0},  // io 0
                       {"status_code", "", 126},                 // display 126
                       {"fault_active", "", 0.0},
                       {"fault_code", "current", kAbsent},  // F04 is the last lockout,
                       {"fault_code", "last", 4},           // not an active one
                   },
                   // byte 26 0x90 dwk + opentherm, byte 27 0x40 rest, byte 28 0x20
                   state_sets({"dwk", "opentherm", "pressure_sensor"}, "standby", "rest"))});

  t.push_back({"LcXtremeStatusExtra",
               "LC issue #3 (ESPHome log)",
               "protocol.md 14.4",
               Provenance::captured,
               Model::xtreme,
               "Xtreme 36 (firmware not stated)",
               Command::status_extra,
               kLcXtremeStatusExtra,
               {
                   {"tap_flow_liters_per_minute", "", 0.0},
                   // LC does not decode byte 2; it is 0x00: (200 - 0) / 200 (protocol.md 8)
                   {"pwm_ratio", "pump", 1.0},
                   {"setpoint_celsius", "room_override_zone1", 0.0},
                   {"setpoint_celsius", "room_zone1", 19.00},
                   {"temperature_celsius", "room_zone1", 19.33},
                   {"setpoint_celsius", "room_override_zone2", 0.0},
                   {"setpoint_celsius", "room_zone2", kAbsent},  // 0x7FFF (n/a)
                   {"temperature_celsius", "room_zone2", kAbsent},
                   {"temperature_celsius", "outside_override", kAbsent},
               }});

  t.push_back({"RbCounters",
               "RB `examples/output.txt` (2021-11-23)",
               "protocol.md 14.5",
               Provenance::built,
               Model::hre,
               "HRE class (model not stated)",
               Command::counters,
               kRbCounters,
               {
                   {"operation_seconds", "powered", 18491 * kSecondsPerHour},  // line_power 18491 h
                   {"operation_seconds", "ch", 3849 * kSecondsPerHour},        // CH 3849 h
                   {"operation_seconds", "dhw", 246 * kSecondsPerHour},        // DHW 246 h
                   {"burner_starts", "all", 52436},
                   {"burner_starts", "dhw", 14324},
                   {"events", "power_loss", 1046},  // disconnects
                   {"events", "ignition_failure", 4},
                   {"events", "flame_loss", 1},
                   {"events", "reset", 3},
                   {"gas_liters", "ch", 5383381},    // 5383.3816 m3, whole litres
                   {"gas_liters", "dhw", 519114},    // 519.1142 m3
                   {"dhw_water_liters", "", 77901},  // 77.9017 m3
               }});

  t.push_back(
      {"RbStatus", "RB `examples/output.txt` (2021-11-23, burning)", "protocol.md 14.5",
       Provenance::built, Model::hre, "HRE class (model not stated)", Command::status, kRbStatus,
       join(
           {
               {"temperature_celsius", "heat_exchanger", 69.97},  // aanvoer
               {"temperature_celsius", "supply", 47.59},          // flow
               {"temperature_celsius", "return", 36.57},          // retour
               {"temperature_celsius", "dhw", 26.67},             // warmwater
               {"temperature_celsius", "boiler", kAbsent},        // RB prints neither t5
               {"temperature_celsius", "outside", kAbsent},       // nor t6
               {"temperature_celsius", "flue", kAbsent},
               {"pressure_bar", "", 1.7},
               {"setpoint_celsius", "ch", 50.0},  // set
               {"fan_speed_rpm", "target", 1340},
               {"fan_speed_rpm", "actual", 1340},
               {"pwm_ratio", "fan", 0.082},                  // 8.2 %
               {"ionisation_current_amperes", "", 7.33e-6},  // io 7.33 uA
               {"status_code", "", 0},                       // display 0
               {"fault_active", "", 0.0},
               {"fault_code", "current", kAbsent},  // byte 29 0xFF: ours (RB prints none)
               {"fault_code", "last", kAbsent},
           },
           // RB's reversed flags, read LSB first (protocol.md 5.3): byte 26 0x98, byte 28 0x25.
           // Byte 27 is ours: 0x20 running, the burning sample's state.
           state_sets({"pump", "dwk", "opentherm", "gasvalve", "io_signal", "pressure_sensor"},
                      "opentherm", "running"))});

  t.push_back({"RbStatusExtra",
               "RB `examples/output.txt` (2021-11-23)",
               "protocol.md 14.5",
               Provenance::built,
               Model::hre,
               "HRE class (model not stated)",
               Command::status_extra,
               kRbStatusExtra,
               {
                   {"tap_flow_liters_per_minute", "", 0.0},  // tapflow 0
                   {"pwm_ratio", "pump", 0.15},              // pump_pwm 15.0 (byte 170)
                   // RB prints no room data: 0x7FFF in the built frame.
                   {"setpoint_celsius", "room_override_zone1", kAbsent},
                   {"setpoint_celsius", "room_zone1", kAbsent},
                   {"temperature_celsius", "room_zone1", kAbsent},
                   {"setpoint_celsius", "room_override_zone2", kAbsent},
                   {"setpoint_celsius", "room_zone2", kAbsent},
                   {"temperature_celsius", "room_zone2", kAbsent},
                   {"temperature_celsius", "outside_override", kAbsent},
               }});

  t.push_back({"RbDiagnostics",
               "RB `examples/output.txt`, commit beccade",
               "protocol.md 10, 14.5",
               Provenance::built,
               Model::hre,
               "HRE class (model not stated)",
               Command::diagnostics,
               kRbDiagnostics,
               {
                   {"interrupt_time", "", 200.0},
                   {"load_ratio", "interrupt", 1.3584},  // 135.84 %
                   {"load_ratio", "main", 0.25125},      // 25.125 %
                   // Ours, not RB's: raw 40 and 1024 in the built frame.
                   {"mains_frequency_hertz", "", 50.0},
                   {"reference_voltage_volts", "", 5.0},
               }});

  t.push_back({"RbParameters",
               "RB `examples/output.txt`",
               "protocol.md 11",
               Provenance::built,
               Model::hre,
               "HRE class (model not stated)",
               Command::parameters,
               kRbParameters,
               {
                   {"parameter", "heater_on", 1},    {"parameter", "comfort_mode", 0},
                   {"parameter", "ch_set_max", 50},  {"parameter", "dhw_set", 50},
                   {"parameter", "eco_days", 3},     {"parameter", "comfort_set", 0},
                   {"parameter", "dhw_at_night", 0}, {"parameter", "ch_at_night", 0},
                   {"parameter", "param_1", 0},      {"parameter", "param_2", 0},
                   {"parameter", "param_3", 65},     {"parameter", "param_4", 75},
                   {"parameter", "param_5", 25},     {"parameter", "param_6", -7},
                   {"parameter", "param_7", 25},     {"parameter", "param_8", 5},
                   {"parameter", "param_9", 1},      {"parameter", "param_A", 0},
                   {"parameter", "param_b", 0},      {"parameter", "param_C", 1},
                   {"parameter", "param_c", 20},     {"parameter", "param_d", 20},
                   {"parameter", "param_E", 25},     {"parameter", "param_E.", 1},
                   {"parameter", "param_F", 35},     {"parameter", "param_H", 67},
                   {"parameter", "param_n", 60},     {"parameter", "param_o", 0},
                   {"parameter", "param_P", 10},     {"parameter", "param_r", 0},
                   {"parameter", "param_F.", 40},
               }});

  t.push_back({"SyntheticFaultStats",
               "none (made up for the tests)",
               "protocol.md 12.3",
               Provenance::synthetic,
               Model::hre,
               "none",
               Command::fault_stats,
               kSyntheticFaultStats,
               {}});
  t.push_back({"SyntheticXtremeStatusExtra2",
               "none published: LC `esphome/IntergasXtremeMonitor.cpp` gives the layout only",
               "protocol.md 12.4, 14.8",
               Provenance::synthetic,
               Model::xtreme,
               "none (Xtreme layout per LC, Xtreme 36)",
               Command::status_extra2,
               kSyntheticXtremeStatusExtra2,
               {
                   // Read by hand from the bytes above in LC's layout, little-endian.
                   {"fan_speed_rpm", "target", 1850},        // bytes 0-1: 3A 07
                   {"fan_speed_rpm", "actual", 1846},        // bytes 2-3: 36 07
                   {"pump_speed_rpm", "target", 3300},       // bytes 10-11: E4 0C
                   {"pump_speed_rpm", "actual", 3287},       // bytes 12-13: D7 0C
                   {"valve_position_steps", "target", 120},  // bytes 28-29: 78 00
                   {"valve_position_steps", "actual", 118},  // bytes 30-31: 76 00
               }});
  return t;
}

[[noreturn]] void misuse(const std::string& what) {
  std::fprintf(stderr, "golden frames: %s\n", what.c_str());
  std::abort();
}

}  // namespace

Bytes RealFrame::bytes() const { return frame(hex); }

Bytes RealFrame::data() const {
  Bytes b = bytes();
  if (b.size() > kFrameSize) b.resize(kFrameSize);
  return b;
}

bool RealFrame::lists(std::string_view type, std::string_view instance) const {
  for (const Expected& e : expected) {
    if (e.type == type && e.instance == instance) return true;
  }
  return false;
}

std::optional<double> RealFrame::value(std::string_view type, std::string_view instance) const {
  for (const Expected& e : expected) {
    if (e.type == type && e.instance == instance) return e.value;
  }
  misuse(std::string(name) + " lists no " + std::string(type) + "/" + std::string(instance));
}

const std::vector<RealFrame>& real_frames() {
  static const std::vector<RealFrame> table = make_table();
  return table;
}

std::vector<RealFrame> frames_answering(Command c) {
  std::vector<RealFrame> rows;
  for (const RealFrame& f : real_frames()) {
    if (f.command == c) rows.push_back(f);
  }
  return rows;
}

const RealFrame& real_frame(const char* hex) {
  for (const RealFrame& f : real_frames()) {
    if (std::string_view(f.hex) == hex) return f;  // by content: a literal may have copies
  }
  misuse(std::string("not a frame of the table: ") + hex);
}

const RealFrame* find_frame(Command c, ByteView data) {
  for (const RealFrame& f : real_frames()) {
    if (f.command != c) continue;
    const Bytes d = f.data();
    if (d.size() == data.size && std::equal(d.begin(), d.end(), data.begin())) return &f;
  }
  return nullptr;
}

}  // namespace intergas::golden
