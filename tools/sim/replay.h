// --replay: captured replies ("<command> <hex bytes>" lines, as intergas-read --raw prints them)
// served verbatim instead of encoding the state.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/command.h"

namespace intergas::sim {

struct Replay {
  // The captured replies per command, in file order; served in turn, wrapping around.
  std::array<std::vector<Bytes>, kCommandCount> replies;
  bool empty() const;
};

// Reads a capture; '#' starts a comment line. False with `error` naming the line on bad input.
bool load_replay(const std::string& path, Replay& out, std::string& error);

}  // namespace intergas::sim
