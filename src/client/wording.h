// How the log (LineWatch) and intergas-read name the framing they found and what to check when
// nothing answers: one wording for both.
#pragma once

#include <string_view>

#include "protocol/model.h"

namespace intergas {

// "checksummed framing (Xtreme)" or "plain framing (Kombi Kompakt HR/HRE/HReco or Prestige CW6
// layout)".
std::string_view framing_name(Model m);
inline constexpr std::string_view kBothFramingsTried =
    "tried the plain and the checksummed (Xtreme) framing";
inline constexpr std::string_view kWiringAdvice =
    "the wiring (adapter TX to boiler RX, RX to TX, GND)";

}  // namespace intergas
