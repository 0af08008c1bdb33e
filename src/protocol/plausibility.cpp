// Range and shape checks that a misaligned or garbled 32-byte frame rarely passes
// (protocol.md 13, recommendation 4). Bounds are in raw units to avoid float edge cases.
#include "protocol/plausibility.h"

#include <cstdint>

#include "protocol/counters.h"
#include "protocol/status.h"
#include "protocol/status_extra.h"

namespace intergas {

namespace {

constexpr int kMinCentiCelsius = static_cast<int>(kMinCelsius * 100);
constexpr int kMaxCentiCelsius = static_cast<int>(kMaxCelsius * 100);

bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

using Verdict = std::optional<Violation>;
Verdict broken(std::string_view rule) { return Violation{rule, false}; }

// A sensor slot: a connected reading, an open sensor (-51.00, -31.77; both above -55) or 0x7FFF.
bool temperature_ok(ByteView b, std::size_t at) {
  const std::int16_t raw = read_i16le(b, at);
  return raw == kNotAvailable || in_range(raw, kMinCentiCelsius, kMaxCentiCelsius);
}

Verdict status_verdict(ByteView b, Model m) {
  // protocol.md 5.5: byte 27 is a single-bit enum (0 = startup); garbage there is likely.
  const std::uint8_t burner = b[27];
  if ((burner & (burner - 1)) != 0) return broken("burner state (byte 27) has one bit set at most");
  // protocol.md 7, 12.3: fault numbers are 0..31 (EN keeps one byte per fault), 0xFF = none.
  if (b[29] > 31 && b[29] != 0xFF) return broken("fault number (byte 29) is 0..31 or 0xFF");
  // t1..t6; on Xtreme 10-11 is the flue sensor and 16-17 the outside sensor (5.6).
  constexpr std::size_t kSensors[] = {0, 2, 4, 6, 8, 10};
  for (std::size_t at : kSensors) {
    if (!temperature_ok(b, at)) return broken("temperatures (bytes 0-11) in -55..130 C");
  }
  if (m == Model::xtreme && !temperature_ok(b, 16))
    return broken("outside temperature (bytes 16-17) in -55..130 C");
  if (!in_range(read_i16le(b, 14), 0, 100 * 100))
    return broken("set point (bytes 14-15) in 0..100 C");
  // protocol.md 5.4: pressure is only meaningful with the sensor flag (byte 28 bit 5).
  if (flag_of(b[26], b[28], Flag::pressure_sensor) && !in_range(read_i16le(b, 12), 0, 6 * 100))
    return broken("pressure (bytes 12-13) in 0..6 bar");
  if (m != Model::xtreme) {
    if (read_u16le(b, 16) > 10000 || read_u16le(b, 18) > 10000)
      return broken("fan speeds (bytes 16-19) at most 10000 rpm");
    if (read_u16le(b, 20) > 1000) return broken("fan PWM (bytes 20-21) at most 100 %");
  }
  if (!in_range(read_i16le(b, 22), 0, 100 * 100))
    return broken("ionisation current (bytes 22-23) in 0..100 uA");
  return std::nullopt;
}

Verdict status_extra_verdict(ByteView b) {
  const std::int16_t flow = read_i16le(b, 0);
  if (flow != kNotAvailable && !in_range(flow, 0, kMaxTapFlowLitresPerMinute * 100))
    return broken("tap flow (bytes 0-1) in 0..60 l/min");
  constexpr std::size_t kRoomFields[] = {4, 6, 8, 10, 12, 14, 16};
  for (std::size_t at : kRoomFields) {
    if (!temperature_ok(b, at)) return broken("room temperatures (bytes 4-17) in -55..130 C");
  }
  return std::nullopt;
}

Verdict counters_verdict(ByteView b, Model m) {
  // Hours of CH and DHW function are parts of the powered hours.
  const CountersReading r = decode_counters(b, m);
  if (static_cast<std::uint32_t>(r.ch_hours) + r.dhw_hours > r.powered_hours)
    return Violation{"ch_hours + dhw_hours <= powered_hours", true};
  return std::nullopt;
}

Verdict version_verdict(ByteView b) {
  for (std::size_t i = 0; i < 23; ++i) {
    if (!is_printable(b[i])) return broken("version text (bytes 0-22) printable ASCII");
  }
  if (b[23] != '-') return broken("version byte 23 is '-'");
  return std::nullopt;
}

}  // namespace

std::optional<Violation> find_violation(Command c, ByteView data, Model m) {
  if (data.size < kFrameSize) return broken("a frame is 32 bytes");
  switch (c) {
    case Command::status:
      return status_verdict(data, m);
    case Command::status_extra:
      return status_extra_verdict(data);
    case Command::counters:
      return counters_verdict(data, m);
    case Command::version:
      return version_verdict(data);
    case Command::diagnostics:
    case Command::parameters:
    case Command::fault_stats:
      return std::nullopt;
  }
  return std::nullopt;
}

bool is_plausible(Command c, ByteView data, Model m) { return !find_violation(c, data, m); }

}  // namespace intergas
