// intergas-sim: plays one or many Intergas boilers on ptys or loopback TCP (see --help).
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "client/metrics.h"
#include "protocol/command.h"
#include "sim/boiler_state.h"
#include "sim/dynamics.h"
#include "sim/faults.h"
#include "sim/replay.h"
#include "sim/serve.h"

namespace {

using intergas::sim::ServeOptions;

constexpr const char* kHelp = R"(Usage: intergas-sim (--pty PATH | --tcp PORT) [options]
       intergas-sim (--print-state | --print-json) [--profile NAME] [--model M] [--state FILE]

Plays Intergas boilers for intergas-read and the collectd plugin: answers the service-port
commands (S? S2 CRC HN/H0 V? REV EN) from a simulated state, at 9600 baud, with optional faults.

Endpoints (one of):
  --pty PATH          serve on a pseudo-terminal; PATH becomes a symlink to it (PATH.0 ..
                      PATH.<N-1> with --count N > 1). Prints "pty <index> <device>".
  --tcp PORT          serve on 127.0.0.1:PORT .. PORT+N-1, one client each (0: free ports).
                      Prints "tcp <index> 127.0.0.1:<port>".
  Once everything listens, prints "ready".

Boilers:
  --count N           number of boilers (1..4096, default 1); each holds two descriptors
                      (pty master and slave, or TCP listener and client): the soft
                      RLIMIT_NOFILE is raised toward the hard limit when that needs it
  --profile NAME      idle (default), heating, hot_water, lockout, cw6, xtreme
  --model M           override the profile's model: hre, cw6, xtreme
  --state FILE        "key = value" lines applied after the profile (keys as --print-state)
  --replay FILE       answer with captured replies: "<command> <hex bytes>" lines as
                      intergas-read --raw prints them ('#' comments); several lines for one
                      command are served in turn; commands not captured get no reply
  --print-state       print the state as "key = value" lines and exit
  --print-json        print the state as the collectd identifiers intergas-read --json prints
                      for the same boiler (what the plugin dispatches), and exit

Timing:
  --latency-ms MS     delay from a request to the first reply byte (default 100)
  --no-pace           send each reply at once instead of one byte per 1.0417 ms

Firmware:
  --ignore LIST       never answer these commands (comma-separated names, e.g.
                      status_extra,counters, as older firmware; "all": a line on which
                      nothing answers, as with wrong wiring). A Xtreme (--profile xtreme)
                      already ignores requests without its XOR byte.

A boiler that changes between replies (deterministic for a given --seed and request times):
  --dynamic           burns start and stop on a cycle (rest first, then a burn), the meters
                      run while burning, temperatures and pressure wander; advanced on the
                      simulator's clock before each reply (not with --replay)
  --burn-s S          seconds each burn lasts (1..86400, default 300)
  --rest-s R          seconds of rest between burns (1..86400, default 120); after a CH
                      burn the first min(60, R/2) s are the pump's post-run
  --dhw-every N       every Nth burn is hot water, the others central heating (0 = never;
                      default 0)
  --gas-lph L         gas meter of the burning use, litres per hour (0..100000, default
                      1500); the fields that move and their maximum rates:
                      tools/sim/dynamics.h in the source

Faults (deterministic for a given --seed and request sequence):
  --fault-rate SPEC   KIND=P[,KIND=P...]: each reply gets fault KIND with probability P;
                      KIND: silence, short, garbage, stray, late, hangup, and line noise that
                      keeps the reply's length (wire bits LSB first, the Xtreme's XOR byte
                      included): flip (one bit of one byte), burst (2..8 consecutive bits),
                      flip2 (the same bit of two bytes: what an 8-bit XOR cannot see)
  --seed N            seed of the fault generator and of --dynamic (default 1)
  --late-ms MS        delay of a "late" reply (default 1500)
  --hangup-ms MS      how long a hung-up boiler stays unplugged (default 3000)

Other:
  -v, --verbose       log every request on stderr
  -h, --help          this text

Control channel (stdin, one command per line; each answered "ok ..." or "error ..."):
  fault <kind> [index]      the next reply of boiler index (default: all) gets that fault
                            (any --fault-rate KIND)
  hangup [index]            unplug now (pty and symlink removed / TCP client and listener closed)
  return [index]            come back now (new pty behind the same symlink / same TCP port)
  profile <name> [index]    replace the state with a profile
  set <key> <value> [index] set one state field (byte arrays as hex without spaces)
  print-state [index]       "# boiler <i>" then "key = value" lines, then "ok print-state"
  quit                      exit

Faults, connects and disconnects are logged on stderr, one line each with the boiler index.
SIGINT/SIGTERM remove the symlinks and exit 0. Bad options exit 2.
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "intergas-sim: %s (see --help)\n", message.c_str());
  std::exit(2);
}

constexpr long kMaxCount = 4096;

// "all", or command names separated by commas.
bool parse_ignored(std::string_view list, std::array<bool, intergas::kCommandCount>& out) {
  if (list == "all") {
    out.fill(true);
    return true;
  }
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto command = intergas::parse_command_name(list.substr(0, comma));
    if (!command) return false;
    out[static_cast<std::size_t>(intergas::command_index(*command))] = true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return true;
}

// Two descriptors per boiler (pty master + slave, TCP listener + client) and a few of our own:
// raises the soft RLIMIT_NOFILE toward the hard limit when `count` needs more. False with
// `error` when the hard limit is too low.
bool raise_fd_limit(int count, std::string& error) {
  const rlim_t need = static_cast<rlim_t>(2 * count + 64);
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return true;  // try anyway; plug() will say what failed
  if (r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= need) return true;
  if (r.rlim_max != RLIM_INFINITY && r.rlim_max < need) {
    error = std::to_string(count) + " boilers need " + std::to_string(need) +
            " descriptors, the hard limit is " + std::to_string(r.rlim_max) + " (ulimit -Hn)";
    return false;
  }
  r.rlim_cur = need;
  if (setrlimit(RLIMIT_NOFILE, &r) != 0) {
    error = "cannot raise the descriptor limit to " + std::to_string(need) + ": " +
            std::strerror(errno);
    return false;
  }
  return true;
}

long parse_number(const std::string& option, const char* text, long lo, long hi) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
    usage_error(option + ": want a number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "], got '" + text + "'");
  }
  return v;
}

int run(int argc, char** argv) {
  ServeOptions options;
  bool has_pty = false, has_tcp = false, print_state = false, print_json = false;
  std::string profile = "idle", model, state_file, replay_file;
  bool dynamic = false;
  intergas::sim::DynamicsOptions dynamics;

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage_error(arg + ": missing value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    } else if (arg == "--pty") {
      options.pty_path = value();
      has_pty = true;
    } else if (arg == "--tcp") {
      options.tcp_port = static_cast<int>(parse_number(arg, value(), 0, 65535));
      has_tcp = true;
    } else if (arg == "--count") {
      options.count = static_cast<int>(parse_number(arg, value(), 1, kMaxCount));
    } else if (arg == "--profile") {
      profile = value();
    } else if (arg == "--model") {
      model = value();
    } else if (arg == "--state") {
      state_file = value();
    } else if (arg == "--replay") {
      replay_file = value();
    } else if (arg == "--print-state") {
      print_state = true;
    } else if (arg == "--print-json") {
      print_json = true;
    } else if (arg == "--latency-ms") {
      options.latency = std::chrono::milliseconds(parse_number(arg, value(), 0, 600'000));
    } else if (arg == "--no-pace") {
      options.pace = false;
    } else if (arg == "--ignore") {
      if (!parse_ignored(value(), options.ignored)) {
        usage_error("--ignore: want \"all\" or commands such as status_extra,counters");
      }
    } else if (arg == "--fault-rate") {
      std::string error;
      if (!intergas::sim::parse_fault_rates(value(), options.rates, error)) {
        usage_error("--fault-rate: " + error);
      }
    } else if (arg == "--seed") {
      const char* text = value();
      char* end = nullptr;
      errno = 0;
      options.seed = std::strtoull(text, &end, 10);
      if (*text == '\0' || *end != '\0' || errno != 0) usage_error("--seed: want a number");
    } else if (arg == "--late-ms") {
      options.late = std::chrono::milliseconds(parse_number(arg, value(), 0, 600'000));
    } else if (arg == "--hangup-ms") {
      options.hangup = std::chrono::milliseconds(parse_number(arg, value(), 0, 600'000));
    } else if (arg == "--dynamic") {
      dynamic = true;
    } else if (arg == "--burn-s") {
      dynamics.burn = std::chrono::seconds(parse_number(arg, value(), 1, 86'400));
    } else if (arg == "--rest-s") {
      dynamics.rest = std::chrono::seconds(parse_number(arg, value(), 1, 86'400));
    } else if (arg == "--dhw-every") {
      dynamics.dhw_every = static_cast<int>(parse_number(arg, value(), 0, 1'000'000));
    } else if (arg == "--gas-lph") {
      dynamics.gas_lph = static_cast<std::uint32_t>(parse_number(arg, value(), 0, 100'000));
    } else if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else {
      usage_error("unknown option '" + arg + "'");
    }
  }

  if (!intergas::sim::make_profile(profile, options.initial)) {
    usage_error("--profile: unknown profile '" + profile +
                "' (idle, heating, hot_water, lockout, cw6, xtreme)");
  }
  if (!model.empty()) {
    std::string error;
    if (!intergas::sim::set_field(options.initial, "model", model, error)) {
      usage_error("--model: " + error);
    }
  }
  if (!state_file.empty()) {
    std::string error;
    if (!intergas::sim::load_state_file(state_file, options.initial, error)) {
      usage_error("--state: " + error);
    }
  }
  if (print_state) {
    for (const std::string& line : intergas::sim::state_lines(options.initial)) {
      std::printf("%s\n", line.c_str());
    }
    return 0;
  }
  if (print_json) {
    // The expected output of `intergas-read --json` for this boiler: every group the reader
    // asks for, mapped by the same code the plugin dispatches with.
    const intergas::sim::BoilerState& st = options.initial;
    std::vector<intergas::Metric> metrics;
    for (intergas::Command c : intergas::kAllCommands) {
      if (!intergas::is_asked_of(c, st.model)) continue;  // no D2 from a plain boiler
      intergas::append_reading_metrics(intergas::sim::reading_of(st, c), metrics);
    }
    std::fputs(intergas::metrics_json(metrics).c_str(), stdout);
    return 0;
  }
  if (has_pty == has_tcp) usage_error("need exactly one of --pty PATH and --tcp PORT");
  if (has_pty && options.pty_path.empty()) usage_error("--pty: empty path");
  if (has_tcp && options.tcp_port != 0 && options.tcp_port + options.count - 1 > 65535) {
    usage_error("--tcp: ports past 65535");
  }
  if (dynamic && !replay_file.empty()) usage_error("--dynamic and --replay exclude each other");
  if (dynamic) options.dynamics = dynamics;
  options.transport = has_pty ? ServeOptions::Transport::pty : ServeOptions::Transport::tcp;
  if (!replay_file.empty()) {
    intergas::sim::Replay replay;
    std::string error;
    if (!intergas::sim::load_replay(replay_file, replay, error)) usage_error("--replay: " + error);
    options.replay = std::move(replay);
  }

  std::string error;
  if (!raise_fd_limit(options.count, error)) {
    std::fprintf(stderr, "intergas-sim: %s\n", error.c_str());
    return 1;
  }
  intergas::sim::Server server(std::move(options));
  if (!server.start(error)) {
    std::fprintf(stderr, "intergas-sim: %s\n", error.c_str());
    return 1;
  }
  return server.run();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "intergas-sim: %s\n", e.what());
    return 1;
  }
}
