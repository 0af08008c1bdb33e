// The request commands: their wire bytes per model, reply lengths and metric labels.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

// One enumerator per command group; the names are the metric labels
// (requests_sent_total{type=...}).
enum class Command {
  status,  // S?\r   temperatures, pressure, fan, flags, status and fault codes (protocol.md 5)
  status_extra,  // S2\r   tap flow, pump, OpenTherm room data (protocol.md 8)
  diagnostics,   // CRC    controller load, mains frequency, reference voltage (protocol.md 10)
  counters,      // HN\r (H0\r on Xtreme)  hours, starts, gas and water meters (protocol.md 9)
  parameters,    // V?\r   installer parameters, signed bytes (protocol.md 11)
  version,       // REV    hardware and software version strings (protocol.md 12.1)
  fault_stats,   // EN\r   one byte per fault number, 0xFF = none (protocol.md 12.3)
  // Last, so that the indexes above keep their meaning.
  status_extra2,  // D2\r   Xtreme only: fan, pump and valve set points and actual
                  // (protocol.md 12.4)
};
inline constexpr int kCommandCount = 8;
inline constexpr Command kAllCommands[kCommandCount] = {
    Command::status,     Command::status_extra, Command::diagnostics, Command::counters,
    Command::parameters, Command::version,      Command::fault_stats, Command::status_extra2};

constexpr int command_index(Command c) { return static_cast<int>(c); }

constexpr std::string_view command_name(Command c) {
  switch (c) {
    case Command::status:
      return "status";
    case Command::status_extra:
      return "status_extra";
    case Command::diagnostics:
      return "diagnostics";
    case Command::counters:
      return "counters";
    case Command::parameters:
      return "parameters";
    case Command::version:
      return "version";
    case Command::fault_stats:
      return "fault_stats";
    case Command::status_extra2:
      return "status_extra2";
  }
  return "status";
}
std::optional<Command> parse_command_name(std::string_view name);

// Whether the plugin asks command c of a boiler in model m's framing. D2 exists only on the
// Xtreme (protocol.md 3, 12.4): a plain-framing boiler is never sent it. The one rule for the
// session's queue, the metric accounting and the "found" line; intergas-read --probe asks
// everything of any boiler, to list what it answers.
constexpr bool is_asked_of(Command c, Model m) {
  return c != Command::status_extra2 || m == Model::xtreme;
}

// The three ASCII command bytes as the boiler's documentation writes them ("S?\r", "CRC", "H0\r").
std::string_view command_text(Command c, Model m);

inline constexpr std::size_t kFrameSize = 32;

// One byte on the service port's wire: 10 bit times at 9600 baud, 8-N-1 (protocol.md 2).
inline constexpr std::chrono::microseconds kByteWireTime{1042};

// Xtreme checks every command except REV, which it answers only without the XOR byte
// (protocol.md 3, 13: LC sends REV plain).
bool uses_checksum(Command c, Model m);

// The bytes to write: the 3 command bytes, plus their XOR when the model checks this command.
Bytes request_bytes(Command c, Model m);

// Bytes in a complete reply: 32, or 33 with the XOR byte.
std::size_t reply_size(Command c, Model m);

// The command a boiler of model m recognises in `request` (3 bytes, or 4 with a valid XOR byte),
// used by the simulator, which plays the boiler. nullopt for anything else.
std::optional<Command> command_from_request(ByteView request, Model m);

}  // namespace intergas
