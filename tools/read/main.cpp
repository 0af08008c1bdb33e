// intergas-read: ask a boiler every known command once (or --watch), print a table, JSON or hex.
#include <getopt.h>
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/boiler_client.h"
#include "client/metrics.h"
#include "client/sync_driver.h"
#include "client/wording.h"
#include "link/open_link.h"
#include "link/usb_ports.h"
#include "print_table.h"

namespace intergas {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // cannot open, or the boiler did not answer
constexpr int kExitUsage = 2;

volatile sig_atomic_t interrupted = 0;

enum class Format { table, json, raw, probe };

struct Options {
  std::string device;
  std::optional<Model> model;  // unset: found on the line
  Format format = Format::table;
  std::vector<Command> commands;  // empty: all
  double watch_seconds = 0;       // 0: once
  double timeout_seconds = 1.0;
  bool list_ports = false;
};

void usage(FILE* to) {
  std::fprintf(
      to,
      "usage: intergas-read [options] DEVICE\n"
      "       intergas-read --list-ports\n"
      "\n"
      "Asks an Intergas boiler every known command once and prints the replies.\n"
      "DEVICE is a serial path (/dev/ttyUSB0, /dev/serial/by-id/...), tcp://HOST:PORT for a\n"
      "raw serial bridge (ser2net, ESP-link), or usb:VID:PID[:SERIAL] for a USB adapter.\n"
      "\n"
      "  -m, --model MODEL      auto (default: the framing is found on the line), hre\n"
      "                         (Kombi Kompakt HR/HRE/HReco), cw6 (Prestige CW6), xtreme\n"
      "  -c, --commands LIST    comma-separated: status,status_extra,diagnostics,counters,\n"
      "                         parameters,version,fault_stats,status_extra2 (default: all;\n"
      "                         status is always asked first; status_extra2, the D2 block,\n"
      "                         only of an Xtreme)\n"
      "  -j, --json             print the collectd identifiers of METRICS.md as JSON\n"
      "  -r, --raw              print each reply in hex (a capture intergas-sim --replay serves)\n"
      "  -p, --probe            ask every command, fault_stats too and status_extra2 of any\n"
      "                         boiler, and print which ones the boiler answers and how fast\n"
      "  -w, --watch SECONDS    repeat every SECONDS until interrupted\n"
      "  -t, --timeout SECONDS  reply timeout per request (default 1.0)\n"
      "  -l, --list-ports       list USB serial adapters and the DEVICE to use for each\n"
      "  -h, --help             this text\n"
      "\n"
      "Exit status: 0 when the boiler answered the status request, 1 when the device cannot\n"
      "be opened or the boiler did not answer, 2 on a usage error.\n");
}

bool parse_commands(const std::string& list, std::vector<Command>& out) {
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::string name =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto c = parse_command_name(name);
    if (!c) {
      std::fprintf(stderr, "intergas-read: unknown command \"%s\"\n", name.c_str());
      return false;
    }
    out.push_back(*c);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

int parse_options(int argc, char** argv, Options& o) {
  static const option long_options[] = {
      {"model", required_argument, nullptr, 'm'},   {"commands", required_argument, nullptr, 'c'},
      {"json", no_argument, nullptr, 'j'},          {"raw", no_argument, nullptr, 'r'},
      {"probe", no_argument, nullptr, 'p'},         {"watch", required_argument, nullptr, 'w'},
      {"timeout", required_argument, nullptr, 't'}, {"list-ports", no_argument, nullptr, 'l'},
      {"help", no_argument, nullptr, 'h'},          {nullptr, 0, nullptr, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "m:c:jrpw:t:lh", long_options, nullptr)) != -1) {
    switch (c) {
      case 'm': {
        if (std::string(optarg) == "auto") {
          o.model.reset();
          break;
        }
        const auto m = parse_model(optarg);
        if (!m) {
          std::fprintf(stderr, "intergas-read: unknown model \"%s\" (auto, hre, cw6, xtreme)\n",
                       optarg);
          return kExitUsage;
        }
        o.model = *m;
        break;
      }
      case 'c':
        if (!parse_commands(optarg, o.commands)) return kExitUsage;
        break;
      case 'j':
        o.format = Format::json;
        break;
      case 'r':
        o.format = Format::raw;
        break;
      case 'p':
        o.format = Format::probe;
        break;
      case 'w':
      case 't': {
        char* end = nullptr;
        const double v = std::strtod(optarg, &end);
        if (end == optarg || *end != '\0' || !(v > 0) || v > 86400) {
          std::fprintf(stderr, "intergas-read: --%s expects a positive number of seconds\n",
                       c == 'w' ? "watch" : "timeout");
          return kExitUsage;
        }
        (c == 'w' ? o.watch_seconds : o.timeout_seconds) = v;
        break;
      }
      case 'l':
        o.list_ports = true;
        break;
      case 'h':
        usage(stdout);
        std::exit(kExitOk);
      default:
        usage(stderr);
        return kExitUsage;
    }
  }
  if (o.list_ports) return kExitOk;
  if (optind + 1 != argc) {
    usage(stderr);
    return kExitUsage;
  }
  o.device = argv[optind];
  return kExitOk;
}

int list_ports() {
  std::vector<UsbPortInfo> ports;
  std::string error;
  if (list_usb_ports(ports, error)) {
    std::fprintf(stderr, "intergas-read: %s\n", error.c_str());
    return kExitFailure;
  }
  if (ports.empty()) {
    std::printf("no USB serial adapters found\n");
    return kExitOk;
  }
  for (const auto& p : ports) std::printf("%s\n", describe_usb_port(p).c_str());
  return kExitOk;
}

// --probe: one line per command asked, with what came back.
std::string probe_table(const CycleReport& report, Model model) {
  std::string out = "command       request       reply\n";
  auto row = [&](Command c, const std::string& result) {
    char line[160];
    std::snprintf(line, sizeof line, "%-13s %-13s %s\n", std::string(command_name(c)).c_str(),
                  to_hex(request_bytes(c, model)).c_str(), result.c_str());
    out += line;
  };
  for (Command c : kAllCommands) {
    for (const ReplyDecoded& r : report.replies) {
      if (r.command != c) continue;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.duration).count();
      row(c,
          "answered in " + std::to_string(ms) + " ms (" + std::to_string(r.raw.size()) + " bytes)");
    }
    for (const RequestFailed& f : report.failures) {
      if (f.command != c) continue;
      row(c, f.reason == Failure::timeout
                 ? std::string("no reply (timeout)")
                 : std::string(failure_name(f.reason)) + ": " + to_hex(f.raw));
    }
  }
  return out;
}

void print_report(const CycleReport& report, const Options& o, Model model) {
  std::string out;
  std::vector<Metric> metrics;
  for (const ReplyDecoded& r : report.replies) {
    switch (o.format) {
      case Format::table:
        out += format_table(r.reading, model) + "\n";
        if (r.disputed) {
          out += "  (two reads disagreed on some of these values: --json leaves them out)\n";
        }
        break;
      case Format::json:
        append_reply_metrics(r, metrics);
        break;
      case Format::raw:
        out += std::string(command_name(r.command)) + " " + to_hex(r.raw) + "\n";
        break;
      case Format::probe:
        break;
    }
  }
  if (o.format != Format::probe) {
    for (const RequestFailed& f : report.failures) {
      std::fprintf(stderr, "intergas-read: %s: %s%s%s\n",
                   std::string(command_name(f.command)).c_str(),
                   std::string(failure_name(f.reason)).c_str(), f.raw.empty() ? "" : ": ",
                   to_hex(f.raw).c_str());
    }
  }
  if (o.format == Format::json) out = metrics_json(metrics);
  if (o.format == Format::probe) out = probe_table(report, model);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

// What was found on the line, for stderr: framing and firmware.
std::string found_text(const BoilerClient& client, const CycleReport& report) {
  const Session& s = client.session();
  std::string text(framing_name(s.model()));
  for (const ReplyDecoded& r : report.replies) {
    if (const auto* v = std::get_if<VersionReading>(&r.reading)) text += ", firmware " + v->label();
  }
  return text;
}

std::string nothing_answered_text(const Options& o) {
  const std::string tried = o.model ? "tried Model " + std::string(model_name(*o.model)) +
                                          " only; without --model every framing is tried"
                                    : std::string(kBothFramingsTried);
  return "the boiler on " + o.device + " did not answer the status request (" + tried +
         "): check that " + o.device + " is the boiler's adapter or bridge, " +
         std::string(kWiringAdvice) + " and that the boiler is powered";
}

int run(const Options& o) {
  std::string error;
  LinkOptions link_options;
  auto link = make_link(o.device, link_options, error);
  if (!link) {
    std::fprintf(stderr, "intergas-read: %s\n", error.c_str());
    return kExitUsage;
  }
  ClientOptions options;
  options.session.model = o.model.value_or(Model::hre);
  options.session.detect_model = !o.model;
  options.session.reply_timeout =
      std::chrono::milliseconds(static_cast<long>(o.timeout_seconds * 1000));
  Schedule schedule;
  for (Command c : kAllCommands) {
    bool wanted =
        o.commands.empty() ? c != Command::fault_stats || o.format == Format::probe : false;
    for (Command w : o.commands) wanted = wanted || w == c;
    if (wanted) schedule.set_every(c, 1);
  }
  options.session.schedule = schedule;
  options.session.ask_every_command = o.format == Format::probe;
  BoilerClient client(std::move(link), options);
  std::vector<Notice> notices;
  if (auto failed =
          open_blocking(client, link_options.connect_timeout + std::chrono::seconds(1), notices)) {
    std::fprintf(stderr, "intergas-read: %s\n", failed->c_str());
    return kExitFailure;
  }
  // A cycle of kCommandCount commands at most, each of which may wait a late window (one reply
  // timeout) and its own reply timeout, plus the settle time; one command's worth of slack.
  const auto per_command = 2 * options.session.reply_timeout + options.session.settle;
  const auto limit = per_command * (kCommandCount + 1);
  int status = kExitOk;
  bool said_found = false;
  for (;;) {
    const auto started = Clock::now();
    auto report = run_cycle_blocking(client, limit, notices);
    // Detecting: a plain S? went unanswered; the next cycle asks with the Xtreme's XOR byte.
    if (report && !report->health.up && !client.session().framing_known() &&
        options.session.detect_model && report->cycle == 1) {
      report = run_cycle_blocking(client, limit, notices);
    }
    for (const Notice& n : notices) {
      if (n.kind == Notice::Kind::link_lost)
        std::fprintf(stderr, "intergas-read: %s\n", n.text.c_str());
    }
    notices.clear();
    if (!report || !report->health.up) {
      std::fprintf(stderr, "intergas-read: %s\n", nothing_answered_text(o).c_str());
      status = kExitFailure;
    } else {
      status = kExitOk;
      if (!said_found && (!o.model || o.format == Format::probe)) {
        std::fprintf(stderr, "intergas-read: found %s\n", found_text(client, *report).c_str());
        said_found = true;
      }
    }
    if (report) print_report(*report, o, client.session().model());
    if (o.watch_seconds <= 0 || interrupted) break;
    const auto next = started + std::chrono::duration_cast<Duration>(
                                    std::chrono::duration<double>(o.watch_seconds));
    while (!interrupted && Clock::now() < next) {
      step(client, std::min(next, Clock::now() + std::chrono::milliseconds(200)));
      while (auto n = client.take_notice()) notices.push_back(std::move(*n));
    }
    if (interrupted) break;
  }
  return status;
}

}  // namespace
}  // namespace intergas

int main(int argc, char** argv) {
  try {
    struct sigaction sa {};
    sa.sa_handler = [](int) { intergas::interrupted = 1; };
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    intergas::Options o;
    if (int rc = intergas::parse_options(argc, argv, o); rc != 0) return rc;
    if (o.list_ports) return intergas::list_ports();
    return intergas::run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "intergas-read: %s\n", e.what());
    return 1;
  }
}
