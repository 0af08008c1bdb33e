// intergas-sim as a child process: started with arguments, its endpoints read from its
// "pty <i> <path>" / "tcp <i> <addr>" lines, controlled through its stdin channel.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.h"

namespace intergas::test {

class SimProcess {
 public:
  // `binary` is the intergas-sim path; `args` its options (an endpoint option included).
  // Waits for "ready"; ok() tells whether it came.
  SimProcess(const std::string& binary, std::vector<std::string> args);
  // SIGTERM, which the simulator answers by removing its pty symlinks (a SIGKILL leaves them).
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  bool ok() const { return ready_; }
  // What intergas-read or the plugin takes as Device for boiler i: the symlink path given with
  // --pty (".i" appended when several), or "tcp://127.0.0.1:port".
  const std::string& device(std::size_t i = 0) const { return devices_.at(i); }
  std::size_t count() const { return devices_.size(); }

  // Sends a control line and waits for its "ok"/"error" answer; returns the answer line.
  std::string control(const std::string& line);
  // Lines of `print-state [i]` (without the framing lines).
  std::vector<std::string> state_lines(int index = 0);
  Process& process() { return *process_; }
  const std::string& log() { return process_->stderr_text(); }

 private:
  std::unique_ptr<Process> process_;
  std::vector<std::string> devices_;
  std::string pty_link_;
  bool ready_ = false;
};

}  // namespace intergas::test
