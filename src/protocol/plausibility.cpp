// Range and shape checks that a misaligned or garbled 32-byte frame rarely passes
// (protocol.md 13, recommendation 4). Bounds are in raw units to avoid float edge cases.
#include "protocol/plausibility.h"

#include <cstdint>

#include "protocol/counters.h"

namespace intergas {

namespace {

constexpr std::int16_t kNotAvailable = 0x7FFF;  // protocol.md 4.2
constexpr int kMinCentiCelsius = static_cast<int>(kMinCelsius * 100);
constexpr int kMaxCentiCelsius = static_cast<int>(kMaxCelsius * 100);

bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

// A sensor slot: a connected reading, an open sensor (-51.00, -31.77; both above -55) or 0x7FFF.
bool temperature_ok(ByteView b, std::size_t at) {
  const std::int16_t raw = read_i16le(b, at);
  return raw == kNotAvailable || in_range(raw, kMinCentiCelsius, kMaxCentiCelsius);
}

bool status_ok(ByteView b, Model m) {
  // protocol.md 5.5: byte 27 is a single-bit enum (0 = startup); garbage there is likely.
  const std::uint8_t burner = b[27];
  if ((burner & (burner - 1)) != 0) return false;
  // protocol.md 7, 12.3: fault numbers are 0..31 (EN keeps one byte per fault), 0xFF = none.
  if (b[29] > 31 && b[29] != 0xFF) return false;
  // t1..t6; on Xtreme 10-11 is the flue sensor and 16-17 the outside sensor (5.6).
  constexpr std::size_t kSensors[] = {0, 2, 4, 6, 8, 10};
  for (std::size_t at : kSensors) {
    if (!temperature_ok(b, at)) return false;
  }
  if (m == Model::xtreme && !temperature_ok(b, 16)) return false;
  if (!in_range(read_i16le(b, 14), 0, 100 * 100)) return false;  // set point 0..100 C
  // protocol.md 5.4: pressure is only meaningful with the sensor flag (byte 28 bit 5).
  if ((b[28] & 0x20) != 0 && !in_range(read_i16le(b, 12), 0, 6 * 100)) return false;
  if (m != Model::xtreme) {
    if (read_u16le(b, 16) > 10000 || read_u16le(b, 18) > 10000) return false;  // rpm
    if (read_u16le(b, 20) > 1000) return false;  // fan PWM, 0.1 % units
  }
  return in_range(read_i16le(b, 22), 0, 100 * 100);  // ionisation current, 0.01 uA units
}

bool status_extra_ok(ByteView b) {
  const std::int16_t flow = read_i16le(b, 0);
  if (flow != kNotAvailable && !in_range(flow, 0, 60 * 100)) return false;  // l/min
  constexpr std::size_t kRoomFields[] = {4, 6, 8, 10, 12, 14, 16};
  for (std::size_t at : kRoomFields) {
    if (!temperature_ok(b, at)) return false;
  }
  return true;
}

bool counters_ok(ByteView b, Model m) {
  // Hours of CH and DHW function are parts of the powered hours.
  const CountersReading r = decode_counters(b, m);
  return static_cast<std::uint32_t>(r.ch_hours) + r.dhw_hours <= r.powered_hours;
}

bool version_ok(ByteView b) {
  for (std::size_t i = 0; i < 23; ++i) {
    if (b[i] < 0x20 || b[i] > 0x7E) return false;
  }
  return b[23] == '-';
}

}  // namespace

bool is_plausible(Command c, ByteView data, Model m) {
  if (data.size < kFrameSize) return false;
  switch (c) {
    case Command::status:
      return status_ok(data, m);
    case Command::status_extra:
      return status_extra_ok(data);
    case Command::counters:
      return counters_ok(data, m);
    case Command::version:
      return version_ok(data);
    case Command::diagnostics:
    case Command::parameters:
    case Command::fault_stats:
      return true;
  }
  return true;
}

}  // namespace intergas
