// Readings -> the bytes a boiler sends: the exact inverse of the layouts in protocol.md 5-12.
// Encodes only; it never calls a decoder (the core decodes, the simulator encodes).
#pragma once

#include <array>
#include <cstdint>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/counters.h"
#include "protocol/diagnostics.h"
#include "protocol/fault_stats.h"
#include "protocol/model.h"
#include "protocol/parameters.h"
#include "protocol/status.h"
#include "protocol/status_extra.h"
#include "protocol/status_extra2.h"
#include "protocol/version.h"
#include "sim/boiler_state.h"

namespace intergas::sim {

// Each returns the 32 data bytes. Temperatures are written as lround(value * 100); an absent
// temperature as the model's open-sensor sentinel (0xEC14 = -51.00; on the CW6 as KH's frame has
// them, 0xF396 = -31.78 for bytes 10-11 and 0xF397 = -31.77 elsewhere).
// S?: byte 28 bit 5 (pressure_sensor) is forced to agree with status.pressure_bar; on Xtreme the
// fan fields are not written and bytes 18-21 come from `xtreme_bytes_18_21`.
Bytes encode_status(const StatusReading& s, Model m,
                    const std::array<std::uint8_t, 4>& xtreme_bytes_18_21 = {});
// S2: absent values are 0x7FFF (327.67, "not available").
Bytes encode_status_extra(const StatusExtraReading& s, Model m);
// CRC: from the *_raw fields (the derived doubles are ignored).
Bytes encode_diagnostics(const DiagnosticsReading& d, Model m);
// HN/H0: 24-bit hours/starts/water with their high bytes in 28-31.
Bytes encode_counters(const CountersReading& c, Model m);
Bytes encode_parameters(const ParametersReading& p, Model m);
// REV: hardware padded with spaces to 9 + '*', date code (7) + '*', software (5), separator,
// ROM checksums (protocol.md 12.1 and MW's frame 14.2).
Bytes encode_version(const VersionReading& v, Model m);
Bytes encode_fault_stats(const FaultStatsReading& f, Model m);
// D2 (Xtreme): speeds and stepper positions little-endian, the undecoded bytes as kept.
Bytes encode_status_extra2(const StatusExtra2Reading& r, Model m);

// The 32 data bytes answering `c` from boiler state `s`.
Bytes encode_data(const BoilerState& s, Command c);
// The complete reply: the data plus its XOR byte when the model checks `c` (33 bytes).
Bytes encode_reply(const BoilerState& s, Command c);
// `data` plus its XOR byte when the model checks `c`.
Bytes with_checksum(Bytes data, Command c, Model m);

}  // namespace intergas::sim
