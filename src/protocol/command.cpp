// Command bytes per model (protocol.md 3) and recognition of a request by the simulator.
#include "protocol/command.h"

namespace intergas {

std::optional<Command> parse_command_name(std::string_view name) {
  for (Command c : kAllCommands) {
    if (command_name(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view command_text(Command c, Model m) {
  switch (c) {
    case Command::status:
      return "S?\r";
    case Command::status_extra:
      return "S2\r";
    // protocol.md 3: CRC and REV are 3-letter commands and carry no CR (RB commit beccade).
    case Command::diagnostics:
      return "CRC";
    // protocol.md 3, 9: the Xtreme calls the counters H0; an old HRE does not answer H0 (ESP).
    case Command::counters:
      return m == Model::xtreme ? "H0\r" : "HN\r";
    case Command::parameters:
      return "V?\r";
    case Command::version:
      return "REV";
    case Command::fault_stats:
      return "EN\r";
    // protocol.md 12.4: LC's Xtreme reader; on the Xtreme with the XOR byte 7B like the others.
    case Command::status_extra2:
      return "D2\r";
  }
  return "S?\r";
}

bool uses_checksum(Command c, Model m) { return m == Model::xtreme && c != Command::version; }

Bytes request_bytes(Command c, Model m) {
  const std::string_view text = command_text(c, m);
  Bytes out(text.begin(), text.end());
  // protocol.md 3, 13: the Xtreme wants a 4th byte, the XOR of the three command bytes.
  if (uses_checksum(c, m)) out.push_back(xor_of(out));
  return out;
}

std::size_t reply_size(Command c, Model m) {
  return uses_checksum(c, m) ? kFrameSize + 1 : kFrameSize;
}

std::optional<Command> command_from_request(ByteView request, Model m) {
  for (Command c : kAllCommands) {
    // A plain-framing boiler has no D2 (protocol.md 12.4): it ignores it like any unknown request.
    if (!is_asked_of(c, m)) continue;
    const Bytes expected = request_bytes(c, m);
    if (request.size != expected.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (request[i] != expected[i]) same = false;
    }
    if (same) return c;
  }
  return std::nullopt;
}

}  // namespace intergas
