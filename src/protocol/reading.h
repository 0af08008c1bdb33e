// Any decoded reply, and the one entry point that checks, decodes and sanity-checks a reply.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "protocol/command.h"
#include "protocol/counters.h"
#include "protocol/diagnostics.h"
#include "protocol/fault_stats.h"
#include "protocol/parameters.h"
#include "protocol/plausibility.h"
#include "protocol/result.h"
#include "protocol/status.h"
#include "protocol/status_extra.h"
#include "protocol/status_extra2.h"
#include "protocol/version.h"

namespace intergas {

using Reading =
    std::variant<StatusReading, StatusExtraReading, DiagnosticsReading, CountersReading,
                 ParametersReading, VersionReading, FaultStatsReading, StatusExtra2Reading>;

// The Command a reading answers.
Command reading_command(const Reading& r);

// The one decode pipeline, in this order (the session, intergas-read, the fuzzers and the
// benchmarks all go through it):
//   1. check_reply: the frame (size, Xtreme XOR) and its structural rules (plausibility.h);
//   2. the session's confirmation of the data bytes where the framing has no checksum
//      (integrity.h, protocol.md 19);
//   3. decode_data: values, with those outside their physical range unknown.

// A complete reply with its structure checked: the 32 data bytes, and the cross-field rule they
// break, if any (the session overrules it when the rule's fields repeat).
struct CheckedReply {
  ByteView data;
  std::optional<Violation> cross_field;
};
// checksum / short_frame from the frame check; implausible (with the rule in `rule`, when given)
// for a structural rule. Never throws, never reads past reply.size.
Result<CheckedReply> check_reply(Command c, Model m, ByteView reply,
                                 std::string_view* rule = nullptr);

// The decoder, for 32 data bytes that passed check_reply.
Reading decode_data(Command c, Model m, ByteView data);

// Steps 1 and 3 for one reply read once, with nothing to confirm it against (a cross-field rule
// broken is then implausible): for tests, benchmarks and the decode fuzzer.
Result<Reading> decode_reply(Command c, Model m, ByteView reply);

}  // namespace intergas
