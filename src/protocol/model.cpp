// Model names as the configuration spells them.
#include "protocol/model.h"

#include <cctype>
#include <string>

namespace intergas {

std::optional<Model> parse_model(std::string_view name) {
  std::string lower;
  lower.reserve(name.size());
  for (char c : name) {
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (lower == "hre" || lower == "hr" || lower == "hreco" || lower == "kombi") return Model::hre;
  if (lower == "cw6" || lower == "prestige") return Model::cw6;
  if (lower == "xtreme") return Model::xtreme;
  return std::nullopt;
}

}  // namespace intergas
