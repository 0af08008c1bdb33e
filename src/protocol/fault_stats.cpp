// EN decoding (protocol.md 12.3): kept raw, one byte per fault number.
#include "protocol/fault_stats.h"

#include "protocol/command.h"

namespace intergas {

std::optional<std::uint8_t> FaultStatsReading::entry(int fault) const {
  if (fault < 0 || fault >= static_cast<int>(raw.size())) return std::nullopt;
  const std::uint8_t v = raw[static_cast<std::size_t>(fault)];
  if (v == 0xFF) return std::nullopt;  // EB maps 255 to "never"
  return v;
}

FaultStatsReading decode_fault_stats(ByteView data, Model /*m*/) {
  FaultStatsReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  for (std::size_t i = 0; i < r.raw.size(); ++i) r.raw[i] = data[i];
  return r;
}

}  // namespace intergas
