// decode_reply: frame check, decoder, plausibility, in that order.
#include "protocol/reading.h"

#include "protocol/frame.h"
#include "protocol/plausibility.h"

namespace intergas {

Command reading_command(const Reading& r) {
  // The alternatives are declared in Command's order.
  static_assert(std::variant_size_v<Reading> == kCommandCount);
  return kAllCommands[r.index()];
}

Result<Reading> decode_reply(Command c, Model m, ByteView reply) {
  const Result<ByteView> frame = check_frame(c, m, reply);
  if (!frame.ok()) return frame.failure();
  const ByteView data = *frame;
  if (!is_plausible(c, data, m)) return Failure::implausible;
  switch (c) {
    case Command::status:
      return Reading(decode_status(data, m));
    case Command::status_extra:
      return Reading(decode_status_extra(data, m));
    case Command::diagnostics:
      return Reading(decode_diagnostics(data, m));
    case Command::counters:
      return Reading(decode_counters(data, m));
    case Command::parameters:
      return Reading(decode_parameters(data, m));
    case Command::version:
      return Reading(decode_version(data, m));
    case Command::fault_stats:
      return Reading(decode_fault_stats(data, m));
  }
  return Failure::implausible;
}

}  // namespace intergas
