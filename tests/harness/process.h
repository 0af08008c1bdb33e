// A child process for integration tests: spawned with pipes, read line by line with deadlines,
// stopped with a signal. Test-only; nothing here is product code.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace intergas::test {

class Process {
 public:
  // Starts argv[0] (a path) with the given arguments; stdin, stdout and stderr are pipes.
  // stderr is also copied to `stderr_log` (appended) when given, so a failing test can show it.
  explicit Process(std::vector<std::string> argv, std::string stderr_log = {});
  ~Process();  // SIGKILL + wait if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Next stdout line, waiting up to `timeout`; nullopt on timeout or EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Reads lines until one starts with `prefix`; returns it (nullopt on timeout/EOF).
  std::optional<std::string> wait_for_line(const std::string& prefix,
                                           std::chrono::milliseconds timeout);
  // Writes a line to the child's stdin.
  bool write_line(const std::string& line);
  // Everything the child wrote on stderr so far (read without blocking).
  const std::string& stderr_text();
  // Sends `sig` and waits up to `timeout` for the exit; returns the wait status, or nullopt
  // (then the child is SIGKILLed).
  std::optional<int> stop(int sig, std::chrono::milliseconds timeout);
  // Waits for the child to exit on its own.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  void pump_stderr();
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string out_buf_, err_text_;
  std::string stderr_log_;
  std::optional<int> status_;
};

// Runs a command to completion (stdout+stderr captured); returns {exit status, output}.
struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string output;
};
RunResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// A free loopback TCP port (bound then released; good enough for tests).
int free_tcp_port();

// Polls `condition` every 20 ms until true or `timeout`.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    struct timespec ts {
      0, 20 * 1000 * 1000
    };
    nanosleep(&ts, nullptr);
  }
  return condition();
}

}  // namespace intergas::test
