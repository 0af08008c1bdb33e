// Structural rules that a misaligned or garbled 32-byte frame rarely passes (protocol.md 13,
// recommendation 4; 19). Bounds are in raw units to avoid float edge cases.
#include "protocol/plausibility.h"

#include <cstdint>

#include "protocol/counters.h"
#include "protocol/status.h"
#include "protocol/status_extra.h"

namespace intergas {

namespace {

using Verdict = std::optional<Violation>;
Verdict broken(std::string_view rule) { return Violation{rule, false, {}}; }

Verdict status_verdict(ByteView b) {
  // protocol.md 5.5: byte 27 is a single-bit enum (0 = startup); garbage there is likely.
  const std::uint8_t burner = b[27];
  if ((burner & (burner - 1)) != 0) return broken("burner state (byte 27) has one bit set at most");
  // protocol.md 7, 12.3: fault numbers are 0..31 (EN keeps one byte per fault), 0xFF = none.
  if (b[29] > 31 && b[29] != 0xFF) return broken("fault number (byte 29) is 0..31 or 0xFF");
  const std::int16_t setpoint = read_i16le(b, 14);
  if (setpoint < 0 || setpoint > 100 * 100) return broken("set point (bytes 14-15) in 0..100 C");
  return std::nullopt;
}

Verdict counters_verdict(ByteView b, Model m) {
  // Hours of CH and DHW function are parts of the powered hours.
  const CountersReading r = decode_counters(b, m);
  if (static_cast<std::uint32_t>(r.ch_hours) + r.dhw_hours > r.powered_hours)
    return Violation{
        "ch_hours + dhw_hours <= powered_hours", true,
        fields_named(Command::counters, m, {"powered_hours", "ch_hours", "dhw_hours"})};
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
      return status_verdict(data);
    case Command::counters:
      return counters_verdict(data, m);
    case Command::version:
      return version_verdict(data);
    case Command::status_extra:
    case Command::diagnostics:
    case Command::parameters:
    case Command::fault_stats:
    // D2 comes only with the Xtreme's XOR byte, and no capture shows its ranges (protocol.md 12.4).
    case Command::status_extra2:
      return std::nullopt;
  }
  return std::nullopt;
}

bool is_plausible(Command c, ByteView data, Model m) { return !find_violation(c, data, m); }

}  // namespace intergas
