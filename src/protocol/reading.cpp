// The decode pipeline: frame check and structural rules, then the decoder (reading.h).
#include "protocol/reading.h"

#include "protocol/frame.h"
#include "protocol/plausibility.h"

namespace intergas {

Command reading_command(const Reading& r) {
  // The alternatives are declared in Command's order.
  static_assert(std::variant_size_v<Reading> == kCommandCount);
  return kAllCommands[r.index()];
}

Result<CheckedReply> check_reply(Command c, Model m, ByteView reply, std::string_view* rule) {
  const Result<ByteView> frame = check_frame(c, m, reply);
  if (!frame.ok()) return frame.failure();
  std::optional<Violation> violation = find_violation(c, *frame, m);
  if (violation && !violation->cross_field) {
    if (rule) *rule = violation->rule;
    return Failure::implausible;
  }
  return CheckedReply{*frame, std::move(violation)};
}

Result<Reading> decode_reply(Command c, Model m, ByteView reply) {
  const Result<CheckedReply> checked = check_reply(c, m, reply);
  if (!checked.ok()) return checked.failure();
  if (checked->cross_field) return Failure::implausible;
  return decode_data(c, m, checked->data);
}

Reading decode_data(Command c, Model m, ByteView data) {
  switch (c) {
    case Command::status:
      return decode_status(data, m);
    case Command::status_extra:
      return decode_status_extra(data, m);
    case Command::diagnostics:
      return decode_diagnostics(data, m);
    case Command::counters:
      return decode_counters(data, m);
    case Command::parameters:
      return decode_parameters(data, m);
    case Command::version:
      return decode_version(data, m);
    case Command::fault_stats:
      return decode_fault_stats(data, m);
    case Command::status_extra2:
      return decode_status_extra2(data, m);
  }
  return decode_status(data, m);
}

}  // namespace intergas
