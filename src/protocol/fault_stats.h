// EN frame -> FaultStatsReading: one raw byte per fault number 0..31 (protocol.md 12.3).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

// Whether entries are per-fault counters or a lockout history is unsettled (protocol.md 18.5),
// so the bytes are kept raw; 0xFF means "none".
struct FaultStatsReading {
  std::array<std::uint8_t, 32> raw{};

  std::optional<std::uint8_t> entry(int fault) const;  // nullopt for 0xFF

  bool operator==(const FaultStatsReading& o) const { return raw == o.raw; }
  bool operator!=(const FaultStatsReading& o) const { return !(*this == o); }
};

FaultStatsReading decode_fault_stats(ByteView data, Model m);

}  // namespace intergas
