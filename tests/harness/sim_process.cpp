#include "sim_process.h"

#include <chrono>
#include <csignal>
#include <sstream>

namespace intergas::test {

using std::chrono::milliseconds;

SimProcess::SimProcess(const std::string& binary, std::vector<std::string> args) {
  int count = 1;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--pty") pty_link_ = args[i + 1];
    if (args[i] == "--count") count = std::stoi(args[i + 1]);
  }
  args.insert(args.begin(), binary);
  process_ = std::make_unique<Process>(args);
  while (auto line = process_->read_line(milliseconds(20000))) {
    std::istringstream in(*line);
    std::string kind, where;
    std::size_t index = 0;
    in >> kind;
    if (kind == "ready") {
      ready_ = true;
      break;
    }
    if (!(in >> index >> where)) continue;
    if (devices_.size() <= index) devices_.resize(index + 1);
    if (kind == "pty") {
      devices_[index] = count > 1 ? pty_link_ + "." + std::to_string(index) : pty_link_;
    } else if (kind == "tcp") {
      devices_[index] = "tcp://" + where;
    }
  }
}

SimProcess::~SimProcess() {
  if (process_ && process_->running()) process_->stop(SIGTERM, milliseconds(2000));
}

std::string SimProcess::control(const std::string& line) {
  process_->write_line(line);
  while (auto reply = process_->read_line(milliseconds(10000))) {
    if (reply->rfind("ok", 0) == 0 || reply->rfind("error", 0) == 0) return *reply;
  }
  return "error: no answer";
}

std::vector<std::string> SimProcess::state_lines(int index) {
  process_->write_line("print-state " + std::to_string(index));
  std::vector<std::string> lines;
  while (auto reply = process_->read_line(milliseconds(10000))) {
    if (reply->rfind("ok print-state", 0) == 0 || reply->rfind("error", 0) == 0) break;
    if (reply->rfind("#", 0) == 0) continue;
    lines.push_back(*reply);
  }
  return lines;
}

}  // namespace intergas::test
