// The field tables of protocol.md 19: which bytes make an exported value, and how far two reads
// of it may differ. Tolerances are for two reads at most about 1 s apart (a confirming read follows
// its first read after one reply and one settle time, some 300 ms).
#include "protocol/integrity.h"

#include "protocol/parameters.h"
#include "protocol/plausibility.h"
#include "protocol/status.h"

namespace intergas {

namespace {

constexpr std::int32_t kCentiMin = static_cast<std::int32_t>(kMinCelsius * 100);
constexpr std::int32_t kCentiMax = static_cast<std::int32_t>(kMaxCelsius * 100);

constexpr Field temperature(std::string_view name, std::uint8_t at) {
  // 0.5 C: a heat exchanger at full fire warms by well under 1 C/s.
  return Field{name,     {at, static_cast<std::uint8_t>(at + 1)}, 2, true, 50, false, kCentiMin,
               kCentiMax};
}
constexpr Field u16(std::string_view name, std::uint8_t at, std::uint32_t tolerance,
                    std::optional<std::int32_t> max = std::nullopt) {
  return Field{name, {at, static_cast<std::uint8_t>(at + 1)}, 2, false, tolerance, false, 0, max};
}
// A counter: same or higher on the second read, by at most `step`.
constexpr Field meter(std::string_view name, std::array<std::uint8_t, 4> at, std::uint8_t width,
                      std::uint32_t step) {
  return Field{name, at, width, false, step, true, std::nullopt, std::nullopt};
}
constexpr Field exact(std::string_view name, std::uint8_t at) {
  return Field{name, {at}, 1, false, 0, false, std::nullopt, std::nullopt};
}

// S? fields both layouts share (protocol.md 5.1, 5.6).
// 0..6 bar (protocol.md 5.4), a reading only with the pressure-sensor flag.
constexpr Field kPressure{"pressure",           {12, 13}, 2, true, 5, false, 0, 6 * 100,
                          Flag::pressure_sensor};
// Structural (plausibility.h): the frame is rejected outside 0..100 C.
constexpr Field kSetpointCh{"setpoint_ch", {14, 15},     2,           true, 50,
                            false,         std::nullopt, std::nullopt};
// 0.01 uA units; 1 uA: the flame current follows the fan.
constexpr Field kIonisation{"ionisation", {22, 23}, 2, true, 100, false, 0, 100 * 100};

// S? on HRE/HR/CW6 (protocol.md 5.1). Bytes 25 (RF status), 30 and 31 are not exported.
constexpr Field kStatusPlain[] = {
    temperature("heat_exchanger", 0),
    temperature("supply", 2),
    temperature("return", 4),
    temperature("dhw", 6),
    temperature("boiler", 8),
    temperature("outside", 10),
    kPressure,
    kSetpointCh,
    u16("fan_speed_target", 16, 300, 10000),  // rpm; modulation ramps some 100 rpm/s
    u16("fan_speed_actual", 18, 300, 10000),
    u16("fan_pwm", 20, 50, 1000),  // 0.1 % units
    kIonisation,
    exact("status_code", 24),
    exact("heat_demand_flags", 26),
    exact("burner_state", 27),
    exact("burner_flags", 28),
    exact("fault_code", 29),
};

// S? on the Xtreme (protocol.md 5.6): 10-11 flue gas, 16-17 outside, no fan; 18-21 unknown.
constexpr Field kStatusXtreme[] = {
    temperature("heat_exchanger", 0),
    temperature("supply", 2),
    temperature("return", 4),
    temperature("dhw", 6),
    temperature("boiler", 8),
    temperature("flue", 10),
    kPressure,
    kSetpointCh,
    temperature("outside", 16),
    kIonisation,
    exact("status_code", 24),
    exact("heat_demand_flags", 26),
    exact("burner_state", 27),
    exact("burner_flags", 28),
    exact("fault_code", 29),
};

// S2 (protocol.md 8). Bytes 3, 18-31 are not exported.
constexpr Field kStatusExtra[] = {
    Field{"tap_flow", {0, 1}, 2, true, 100, false, 0, 60 * 100},  // 1 l/min
    Field{"pump", {2}, 1, false, 10, false, std::nullopt, std::nullopt},
    temperature("room_override_zone1", 4),
    temperature("room_setpoint_zone1", 6),
    temperature("room_zone1", 8),
    temperature("room_override_zone2", 10),
    temperature("room_setpoint_zone2", 12),
    temperature("room_zone2", 14),
    temperature("outside_override", 16),
};

// HN / H0 (protocol.md 9). Hours and events tick at most once between two reads; the meters run:
// gas at most 5 L (50 units of 0.1 L) and tap water 10 L in the time of two reads, the largest
// model at full fire and a 60 l/min tap taking under a third of that.
constexpr Field kCounters[] = {
    meter("powered_hours", {0, 1, 30}, 3, 1), meter("power_losses", {2, 3}, 2, 1),
    meter("ch_hours", {4, 5}, 2, 1),          meter("dhw_hours", {6, 7}, 2, 1),
    meter("burner_starts", {8, 9, 31}, 3, 1), meter("ignition_failures", {10, 11}, 2, 1),
    meter("flame_losses", {12, 13}, 2, 1),    meter("resets", {14, 15}, 2, 1),
    meter("gas_ch", {16, 17, 18, 19}, 4, 50), meter("gas_dhw", {20, 21, 22, 23}, 4, 50),
    meter("dhw_water", {24, 25, 28}, 3, 100), meter("dhw_burner_starts", {26, 27, 29}, 3, 1),
};

// CRC (protocol.md 10): loads and timing jitter from read to read; the ROM checksums and bytes
// 10-23 are not exported. Tolerances are wide: no capture shows how much these move.
constexpr Field kDiagnostics[] = {
    u16("interrupt_time", 0, 100), u16("interrupt_load", 2, 100),   u16("main_load", 4, 100),
    u16("mains_frequency", 6, 5),  u16("reference_voltage", 8, 10),
};

// D2 (protocol.md 12.4), the Xtreme's alone: it comes with the XOR byte and so is never confirmed;
// the fields name what is exported. Speeds move like the S? fan; the valve stepper by a step no
// source gives, so wide. No range is known (no capture): none is set.
constexpr Field kStatusExtra2[] = {
    u16("fan_speed_target", 0, 300),
    u16("fan_speed_actual", 2, 300),
    u16("pump_speed_target", 10, 300),
    u16("pump_speed_actual", 12, 300),
    Field{"valve_position_target", {28, 29}, 2, true, 100, false, std::nullopt, std::nullopt},
    Field{"valve_position_actual", {30, 31}, 2, true, 100, false, std::nullopt, std::nullopt},
};

// V? (protocol.md 11): one signed byte per parameter; REV (12.1): text. Both stand still.
constexpr std::array<Field, kFrameSize> every_byte_exact() {
  std::array<Field, kFrameSize> f{};
  for (std::size_t i = 0; i < kFrameSize; ++i) f[i] = exact("byte", static_cast<std::uint8_t>(i));
  return f;
}
constexpr std::array<Field, kFrameSize> kEveryByte = every_byte_exact();
constexpr std::array<Field, kParameterCount> kParameterBytes = [] {
  std::array<Field, kParameterCount> f{};
  for (std::size_t i = 0; i < f.size(); ++i)
    f[i] = exact("parameter", static_cast<std::uint8_t>(i));
  return f;
}();

template <std::size_t N>
constexpr FieldList list(const Field (&a)[N]) {
  return FieldList{a, N};
}
template <std::size_t N>
constexpr FieldList list(const std::array<Field, N>& a) {
  return FieldList{a.data(), N};
}

std::uint64_t unsigned_value(const Field& f, ByteView data) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < f.width; ++i)
    v |= static_cast<std::uint64_t>(data[f.at[i]]) << (8 * i);
  return v;
}

bool same_bytes(const Field& f, ByteView a, ByteView b) {
  for (std::size_t i = 0; i < f.width; ++i) {
    if (a[f.at[i]] != b[f.at[i]]) return false;
  }
  return true;
}

bool known(const Field& f, const TrustedFrame& h) {
  for (std::size_t i = 0; i < f.width; ++i) {
    if (!h.known[f.at[i]]) return false;
  }
  return true;
}

bool agree(const Field& f, ByteView first, ByteView second) {
  if (f.rises) {
    // Modulo the field's width: a 16-bit counter that wraps between the reads still agrees.
    const std::uint64_t mask = f.width >= 8 ? ~0ULL : (1ULL << (8 * f.width)) - 1;
    const std::uint64_t step = (unsigned_value(f, second) - unsigned_value(f, first)) & mask;
    return step <= f.tolerance;
  }
  const std::int64_t a = f.value(first), b = f.value(second);
  return (a > b ? a - b : b - a) <= static_cast<std::int64_t>(f.tolerance);
}

}  // namespace

std::int64_t Field::value(ByteView data) const {
  const std::uint64_t v = unsigned_value(*this, data);
  if (!is_signed) return static_cast<std::int64_t>(v);
  const std::uint64_t sign = 1ULL << (8 * width - 1);
  return static_cast<std::int64_t>(v ^ sign) - static_cast<std::int64_t>(sign);
}

FieldList fields_of(Command c, Model m) {
  switch (c) {
    case Command::status:
      return m == Model::xtreme ? list(kStatusXtreme) : list(kStatusPlain);
    case Command::status_extra:
      return list(kStatusExtra);
    case Command::counters:
      return list(kCounters);
    case Command::diagnostics:
      return list(kDiagnostics);
    case Command::parameters:
      return list(kParameterBytes);
    case Command::version:
      return list(kEveryByte);
    case Command::fault_stats:
      return {};  // not exported (protocol.md 12.3)
    case Command::status_extra2:
      return list(kStatusExtra2);
  }
  return {};
}

FieldSet fields_named(Command c, Model m, std::initializer_list<std::string_view> names) {
  const FieldList fields = fields_of(c, m);
  FieldSet out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    for (std::string_view name : names) {
      if (fields[i].name == name) out.set(i);
    }
  }
  return out;
}

bool needs_confirmation(Command c, Model m) { return !uses_checksum(c, m); }

FieldSet fields_to_confirm(Command c, Model m, const TrustedFrame& history, ByteView data,
                           FieldSet require) {
  const FieldList fields = fields_of(c, m);
  FieldSet out = require;
  ByteView h(history.bytes.data(), history.bytes.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!known(fields[i], history) || !same_bytes(fields[i], data, h)) out.set(i);
  }
  return out;
}

Confirmation confirm(Command c, Model m, const TrustedFrame& history, ByteView first,
                     ByteView second, FieldSet require) {
  Confirmation r;
  for (std::size_t i = 0; i < kFrameSize; ++i) r.trusted[i] = r.other[i] = second[i];
  const FieldList fields = fields_of(c, m);
  ByteView h(history.bytes.data(), history.bytes.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    if (agree(f, first, second)) continue;
    // A single flip cannot reproduce the trusted bytes: a read that repeats them exactly shows the
    // field unchanged (or changed by the other read's noise). Not for a field that must repeat.
    if (!require.test(i) && known(f, history) &&
        (same_bytes(f, first, h) || same_bytes(f, second, h))) {
      for (std::size_t k = 0; k < f.width; ++k) r.trusted[f.at[k]] = r.other[f.at[k]] = h[f.at[k]];
      continue;
    }
    for (std::size_t k = 0; k < f.width; ++k) r.other[f.at[k]] = first[f.at[k]];
    r.disputed.set(i);
  }
  return r;
}

void remember(Command c, Model m, TrustedFrame& history, ByteView bytes, FieldSet disputed) {
  const FieldList fields = fields_of(c, m);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (disputed.test(i)) continue;
    for (std::size_t k = 0; k < fields[i].width; ++k) {
      history.bytes[fields[i].at[k]] = bytes[fields[i].at[k]];
      history.known.set(fields[i].at[k]);
    }
  }
}

FieldSet out_of_range(Command c, Model m, ByteView data) {
  FieldSet out;
  if (data.size < kFrameSize) return out;
  const FieldList fields = fields_of(c, m);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    if (!f.min && !f.max) continue;
    const std::int64_t v = f.value(data);
    if (f.is_signed && f.width == 2 && v == kNotAvailable) continue;  // "not available"
    if (f.ranged_when && !flag_of(data[26], data[28], *f.ranged_when)) continue;
    if ((f.min && v < *f.min) || (f.max && v > *f.max)) out.set(i);
  }
  return out;
}

}  // namespace intergas
