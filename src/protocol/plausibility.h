// Sanity checks that catch a misaligned or garbled frame on boilers without a checksum
// (protocol.md 13, recommendation 4). A frame that fails is counted as implausible, never exported.
#pragma once

#include <optional>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/model.h"

namespace intergas {

// Physical range of a connected temperature sensor (protocol.md 13: -55 .. +130 C).
inline constexpr double kMinCelsius = -55.0;
inline constexpr double kMaxCelsius = 130.0;

// Rules on the 32 data bytes of a reply to `c` (all models; on Xtreme they back up the XOR):
// * status: byte 27 is 0 or a single bit; byte 29 is a fault number 0..31 or 0xFF (protocol.md
//   7, 12.3); t1..t6 (and the Xtreme 16-17 outside sensor) each in -55..130 C or 0x7FFF; set
//   point 0..100 C; pressure 0..6 bar when the pressure-sensor flag is set; HRE fan
//   target/actual <= 10000 rpm and fan PWM <= 100.0 %; ionisation current 0..100 uA.
// * status_extra: tap flow 0..60 l/min; room and outside fields 0x7FFF or -55..130 C.
// * counters: ch_hours + dhw_hours <= powered_hours (24-bit).
// * version: bytes 0-22 printable ASCII, byte 23 '-'.
// * diagnostics, parameters, fault_stats: any content is accepted (no invariant is known).
bool is_plausible(Command c, ByteView data, Model m);

// The first rule a frame breaks: its text for the log, and whether it relates two fields to each
// other rather than bounding one. A frame that breaks only a cross-field rule and comes back
// identical on a second read is the boiler's own data (Session accepts it; protocol.md 13).
struct Violation {
  std::string_view rule;  // e.g. "ch_hours + dhw_hours <= powered_hours"; a string literal
  bool cross_field = false;
};
std::optional<Violation> find_violation(Command c, ByteView data, Model m);

}  // namespace intergas
