// intergas-read's default output: one readable section per decoded reply.
#pragma once

#include <string>

#include "protocol/model.h"
#include "protocol/reading.h"

namespace intergas {

// Field, value and unit per line, with the code tables' names and texts for status, burner
// state and faults. Values that are not known print as "-" with the reason.
std::string format_table(const Reading& reading, Model model);

}  // namespace intergas
