// Boiler model families: they differ in frame layout, checksums, sentinels and fault texts.
#pragma once

#include <optional>
#include <string_view>

namespace intergas {

enum class Model {
  hre,     // Kombi Kompakt HR/HRE/HReco (IC2/IC3 boards): no checksum (protocol.md 15)
  cw6,     // Prestige CW6: HRE layout, no pressure sensor, open sensors read about -31.8 C
  xtreme,  // Xtreme: XOR byte on commands and replies, own S? layout, H0 for counters
};

constexpr std::string_view model_name(Model m) {
  switch (m) {
    case Model::hre:
      return "hre";
    case Model::cw6:
      return "cw6";
    case Model::xtreme:
      return "xtreme";
  }
  return "hre";
}
// Case-insensitive: "hre" (also "hr", "hreco", "kombi"), "cw6" (also "prestige"), "xtreme".
std::optional<Model> parse_model(std::string_view name);

// A temperature at or below this is an open/unconnected sensor, not a reading (protocol.md 4.2):
// -51.00 and -50.81 on HRE/Xtreme, about -31.8 on the CW6. The plain framing does not tell a CW6
// from an HRE, so every plain-framing model takes the CW6's bound whichever Model is set: an HRE's
// sensor below -30 C (colder than any Dutch record) is reported unknown.
constexpr double unconnected_below_celsius(Model m) { return m == Model::xtreme ? -50.0 : -30.0; }

}  // namespace intergas
