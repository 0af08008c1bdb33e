// The structural rules of a frame, which a misaligned or garbled frame rarely passes (protocol.md
// 13, recommendation 4; 19), and the physical ranges of single values. A frame that breaks a
// structural rule is counted as implausible and dropped. A value outside its range is unknown (the
// decoders leave it out, integrity.h counts it): one shorted sensor must not hide the rest of the
// frame, the lockout that explains it included.
#pragma once

#include <optional>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/integrity.h"
#include "protocol/model.h"

namespace intergas {

// Physical ranges of single values (protocol.md 13, 19): a connected temperature sensor, the
// pressure sensor, the fan, the flame (ionisation) current, the tap flow sensor.
inline constexpr double kMinCelsius = -55.0;
inline constexpr double kMaxCelsius = 130.0;
inline constexpr double kMaxBar = 6.0;
inline constexpr int kMaxFanRpm = 10000;
inline constexpr int kMaxFanPwmPermille = 1000;
inline constexpr double kMaxIonisationMicroamps = 100.0;
inline constexpr int kMaxTapFlowLitersPerMinute = 60;
constexpr bool celsius_in_range(double c) { return c >= kMinCelsius && c <= kMaxCelsius; }

// Structural rules on the 32 data bytes of a reply to `c` (all models; on Xtreme they back up the
// XOR):
// * status: byte 27 is 0 or a single bit; byte 29 is a fault number 0..31 or 0xFF (protocol.md
//   7, 12.3); the CH set point is 0..100 C.
// * counters: ch_hours + dhw_hours <= powered_hours (cross-field: overruled when those fields
//   repeat on a second read).
// * version: bytes 0-22 printable ASCII, byte 23 '-'.
// * status_extra, diagnostics, parameters, fault_stats: none (every S2 value has a range of its
//   own; no invariant is known for the others).
bool is_plausible(Command c, ByteView data, Model m);

// The first rule a frame breaks: its text for the log, and whether it relates fields to each other
// rather than bounding the frame's structure, with those fields (indexes into fields_of(c, m)).
struct Violation {
  std::string_view rule;  // e.g. "ch_hours + dhw_hours <= powered_hours"; a string literal
  bool cross_field = false;
  FieldSet fields;
};
std::optional<Violation> find_violation(Command c, ByteView data, Model m);

}  // namespace intergas
