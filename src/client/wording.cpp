#include "client/wording.h"

namespace intergas {

std::string_view framing_name(Model m) {
  return m == Model::xtreme ? "checksummed framing (Xtreme)"
                            : "plain framing (Kombi Kompakt HR/HRE/HReco or Prestige CW6 layout)";
}

}  // namespace intergas
