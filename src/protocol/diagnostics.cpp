// CRC decoding (protocol.md 10): controller timing and load, mains frequency, Vref.
#include "protocol/diagnostics.h"

#include <algorithm>

#include "protocol/command.h"

namespace intergas {

bool DiagnosticsReading::operator==(const DiagnosticsReading& o) const {
  return interrupt_time == o.interrupt_time && interrupt_load_ratio == o.interrupt_load_ratio &&
         main_load_ratio == o.main_load_ratio && mains_frequency_hertz == o.mains_frequency_hertz &&
         reference_voltage_volts == o.reference_voltage_volts &&
         interrupt_time_raw == o.interrupt_time_raw && interrupt_load_raw == o.interrupt_load_raw &&
         main_load_raw == o.main_load_raw && mains_frequency_raw == o.mains_frequency_raw &&
         reference_voltage_raw == o.reference_voltage_raw &&
         std::equal(unknown, unknown + 14, o.unknown) &&
         std::equal(rom_checksum1, rom_checksum1 + 4, o.rom_checksum1) &&
         std::equal(rom_checksum2, rom_checksum2 + 4, o.rom_checksum2);
}

DiagnosticsReading decode_diagnostics(ByteView data, Model /*m*/) {
  DiagnosticsReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  // Formulas of RB (commit beccade) and EB, which agree; RB's sample gives 200.0 / 135.84 % /
  // 25.125 % for raw 1000 / 849 / 201.
  r.interrupt_time_raw = read_u16le(data, 0);
  r.interrupt_load_raw = read_u16le(data, 2);
  r.main_load_raw = read_u16le(data, 4);
  r.mains_frequency_raw = read_u16le(data, 6);
  r.reference_voltage_raw = read_u16le(data, 8);
  derive_diagnostics_values(r);
  std::copy(data.begin() + 10, data.begin() + 24, r.unknown);
  std::copy(data.begin() + 24, data.begin() + 28, r.rom_checksum1);
  std::copy(data.begin() + 28, data.begin() + 32, r.rom_checksum2);
  return r;
}

void derive_diagnostics_values(DiagnosticsReading& r) {
  r.interrupt_time = r.interrupt_time_raw / 5.0;
  // One division each: raw / 6.25 / 100 rounds twice and differs from raw / 625 in the last bit
  // for about a quarter of all raw values.
  r.interrupt_load_ratio = r.interrupt_load_raw / 625.0;  // raw / 6.25 %, as a ratio
  r.main_load_ratio = r.main_load_raw / 800.0;            // raw / 8 %, as a ratio
  r.mains_frequency_hertz = r.mains_frequency_raw != 0
                                ? std::optional<double>(2000.0 / r.mains_frequency_raw)
                                : std::nullopt;  // protocol.md 10: not 0 Hz
  r.reference_voltage_volts = r.reference_voltage_raw * 5.0 / 1024.0;
}

}  // namespace intergas
