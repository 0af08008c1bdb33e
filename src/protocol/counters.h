// HN (H0 on Xtreme) frame -> CountersReading: 24-bit hours and starts, 32-bit meters (protocol.md
// 9).
#pragma once

#include <cstdint>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

struct CountersReading {
  std::uint32_t powered_hours = 0;         // bytes 0-1 + byte 30 (high)
  std::uint16_t power_losses = 0;          // bytes 2-3 (line power disconnections)
  std::uint16_t ch_hours = 0;              // bytes 4-5
  std::uint16_t dhw_hours = 0;             // bytes 6-7
  std::uint32_t burner_starts = 0;         // bytes 8-9 + byte 31 (high)
  std::uint16_t ignition_failures = 0;     // bytes 10-11
  std::uint16_t flame_losses = 0;          // bytes 12-13
  std::uint16_t resets = 0;                // bytes 14-15
  std::uint32_t gas_ch_decilitres = 0;     // bytes 16-19, 0.0001 m3 = 0.1 L units
  std::uint32_t gas_dhw_decilitres = 0;    // bytes 20-23
  std::uint32_t dhw_water_decilitres = 0;  // bytes 24-25 + byte 28 (high)
  std::uint32_t dhw_burner_starts = 0;     // bytes 26-27 + byte 29 (high)

  bool operator==(const CountersReading&) const;
  bool operator!=(const CountersReading& o) const { return !(*this == o); }
};

CountersReading decode_counters(ByteView data, Model m);

// Each count's width in bits as the boiler keeps it (the table in protocol.md 9): it wraps to 0
// after 2^bits - 1. The 16-bit ones can get there in a boiler's life (65 536 CH hours are 7.5
// years of round-the-clock demand); the counter guard continues them upward
// (client/counter_guard.h). The meters (gas 32-bit, water 24-bit, in 0.1 L) hold 429 000 m3 and
// 1 678 m3 and are not listed.
struct CountWidths {
  int powered_hours = 24;
  int power_losses = 16;
  int ch_hours = 16;
  int dhw_hours = 16;
  int burner_starts = 24;
  int ignition_failures = 16;
  int flame_losses = 16;
  int resets = 16;
  int dhw_burner_starts = 24;
};
inline constexpr CountWidths kCountWidths{};

}  // namespace intergas
