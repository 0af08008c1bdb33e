// Plays N boilers on ptys or loopback TCP from one poll loop: recognises requests, answers from
// the boiler state (or a replay) at 9600-baud pace, injects faults and obeys the stdin control
// channel. Data lines go to stdout, the story (faults, connects, hang-ups) to stderr.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/command.h"
#include "sim/boiler_state.h"
#include "sim/dynamics.h"
#include "sim/faults.h"
#include "sim/replay.h"

namespace intergas::sim {

struct ServeOptions {
  enum class Transport { pty, tcp };
  Transport transport = Transport::pty;
  std::string pty_path;  // the symlink; PATH.0 .. PATH.(N-1) when count > 1
  int tcp_port = 0;      // first port; 0 picks a free port per boiler
  int count = 1;
  std::chrono::milliseconds latency{100};  // request end -> first reply byte
  std::chrono::milliseconds late{1500};    // the `late` fault's delay
  std::chrono::milliseconds hangup{3000};  // how long an unplugged boiler stays away
  bool pace = true;                        // 9600 baud: one byte per 1.0417 ms
  bool verbose = false;                    // log every request on stderr
  // Commands the boiler never answers, as older firmware does (protocol.md 3 notes, 15).
  std::array<bool, kCommandCount> ignored{};
  std::uint64_t seed = 1;
  FaultRates rates;
  BoilerState initial;
  std::optional<Replay> replay;
  // --dynamic: each boiler's state moves on the server's clock, advanced before each reply.
  std::optional<DynamicsOptions> dynamics;
};

class Server {
 public:
  explicit Server(ServeOptions options);
  ~Server();  // closes every endpoint and removes the symlinks
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens every endpoint and prints "pty <i> <path>" / "tcp <i> 127.0.0.1:<port>" lines, then
  // "ready". False with `error` when an endpoint cannot be opened.
  bool start(std::string& error);

  // Serves until `quit` on stdin, SIGINT or SIGTERM. Returns the exit status (0).
  int run();

  int count() const;
  // The state boiler i serves now (the hook for printing it in other forms).
  const BoilerState& state(int i) const;

 private:
  struct Boiler;
  std::vector<std::unique_ptr<Boiler>> boilers_;
  ServeOptions options_;
  std::string stdin_buffer_;
  bool stdin_open_ = true;
  bool quit_ = false;

  bool plug(Boiler& b, std::string& error);
  void unplug(Boiler& b, const char* why);
  void on_input(Boiler& b, const std::uint8_t* data, std::size_t n);
  void on_request(Boiler& b, int command_index);
  void log_unanswered(const Boiler& b);
  void accept_client(Boiler& b);
  void drop_client(Boiler& b, const char* why);
  void drain(Boiler& b, std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::steady_clock::time_point> deadline(const Boiler& b) const;
  void on_control_line(const std::string& line);
};

}  // namespace intergas::sim
