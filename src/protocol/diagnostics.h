// CRC (controller diagnostics) frame -> DiagnosticsReading (protocol.md 10).
#pragma once

#include <cstdint>
#include <optional>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

struct DiagnosticsReading {
  double interrupt_time = 0;                    // bytes 0-1, raw / 5
  double interrupt_load_ratio = 0;              // bytes 2-3, raw / 6.25 %  -> ratio
  double main_load_ratio = 0;                   // bytes 4-5, raw / 8 %     -> ratio
  std::optional<double> mains_frequency_hertz;  // bytes 6-7, 2000 / raw; nullopt when raw is 0
  double reference_voltage_volts = 0;           // bytes 8-9, raw * 5 / 1024
  std::uint16_t interrupt_time_raw = 0, interrupt_load_raw = 0, main_load_raw = 0,
                mains_frequency_raw = 0, reference_voltage_raw = 0;
  std::uint8_t unknown[14] = {};       // bytes 10-23
  std::uint8_t rom_checksum1[4] = {};  // bytes 24-27, firmware ROM checksum (not a frame check)
  std::uint8_t rom_checksum2[4] = {};  // bytes 28-31

  bool operator==(const DiagnosticsReading&) const;
  bool operator!=(const DiagnosticsReading& o) const { return !(*this == o); }
};

DiagnosticsReading decode_diagnostics(ByteView data, Model m);

// Sets the decoded values (interrupt_time .. reference_voltage_volts) from the *_raw fields: the
// formulas of protocol.md 10, for the decoder and for anyone holding raw counts (the simulator).
void derive_diagnostics_values(DiagnosticsReading& r);

}  // namespace intergas
