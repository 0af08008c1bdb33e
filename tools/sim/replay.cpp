#include "sim/replay.h"

#include <fstream>

#include "protocol/command.h"

namespace intergas::sim {

bool Replay::empty() const {
  for (const auto& r : replies) {
    if (!r.empty()) return false;
  }
  return true;
}

bool load_replay(const std::string& path, Replay& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  Replay replay;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto name_end = line.find_first_of(" \t", first);
    const std::string name = line.substr(first, name_end - first);
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const auto command = parse_command_name(name);
    if (!command) {
      error = where + "unknown command '" + name + "'";
      return false;
    }
    Bytes bytes;
    std::string rest = name_end == std::string::npos ? std::string() : line.substr(name_end);
    while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ')) rest.pop_back();
    if (!parse_hex(rest, bytes) || bytes.empty()) {
      error = where + "bad hex bytes for " + name;
      return false;
    }
    replay.replies[static_cast<std::size_t>(command_index(*command))].push_back(std::move(bytes));
  }
  if (replay.empty()) {
    error = path + ": no replies";
    return false;
  }
  out = std::move(replay);
  return true;
}

}  // namespace intergas::sim
