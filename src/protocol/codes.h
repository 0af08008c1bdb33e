// Code tables: status (display) codes, burner states and fault texts, with English names.
// Unknown codes are values ("unknown" plus the raw number), never errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/model.h"

namespace intergas {

struct StatusCodeInfo {
  std::uint8_t code;
  std::string_view name;         // snake_case, the status{type=...} label
  std::string_view description;  // English text
};

// Known status/display codes of S? byte 24 (protocol.md 6), in ascending code order.
// The Xtend-only heat-pump states are left out; they are reported as "unknown".
const StatusCodeInfo* status_codes_begin();
const StatusCodeInfo* status_codes_end();
// The entry for `code`, or nullptr when it is not known.
const StatusCodeInfo* find_status_code(std::uint8_t code);
// name of a known code, else "unknown".
std::string_view status_name(std::uint8_t code);

// Burner states of S? byte 27 (protocol.md 5.5): startup, interpurge, postpurge, prepurge,
// ignition, waiting, running, rest, lockout; anything else is "unknown".
inline constexpr int kBurnerStateCount = 9;
std::string_view burner_state_name(std::uint8_t raw);
// The i-th known burner state (0 <= i < kBurnerStateCount) and its raw value.
std::string_view burner_state_name_at(int i);
std::uint8_t burner_state_value_at(int i);

enum class FaultFamily {
  hre_e,     // the HRE/Lan2RF gateway "E" list (protocol.md 7, IC column)
  xtreme_f,  // the Xtreme "F" list (protocol.md 7, LC column)
};
constexpr FaultFamily fault_family(Model m) {
  return m == Model::xtreme ? FaultFamily::xtreme_f : FaultFamily::hre_e;
}
// "E04"/"F04"-style code as the boiler shows it.
std::string fault_display(std::uint8_t fault, Model m);
// English text of a fault in the model's family, or "unknown".
std::string_view fault_text(std::uint8_t fault, Model m);

}  // namespace intergas
