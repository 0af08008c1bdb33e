// Any decoded reply, and the one entry point that checks, decodes and sanity-checks a reply.
#pragma once

#include <variant>

#include "protocol/command.h"
#include "protocol/counters.h"
#include "protocol/diagnostics.h"
#include "protocol/fault_stats.h"
#include "protocol/parameters.h"
#include "protocol/result.h"
#include "protocol/status.h"
#include "protocol/status_extra.h"
#include "protocol/version.h"

namespace intergas {

using Reading = std::variant<StatusReading, StatusExtraReading, DiagnosticsReading, CountersReading,
                             ParametersReading, VersionReading, FaultStatsReading>;

// The Command a reading answers.
Command reading_command(const Reading& r);

// A complete reply to `c` (32 or 33 bytes) -> its reading: check_frame (size, XOR), then the
// decoder, then the plausibility rules (implausible on failure). Never throws, never reads past
// reply.size.
Result<Reading> decode_reply(Command c, Model m, ByteView reply);

// The decoder alone, for 32 data bytes that passed check_frame (and the rules, or were accepted
// despite a cross-field rule by the session).
Reading decode_data(Command c, Model m, ByteView data);

}  // namespace intergas
