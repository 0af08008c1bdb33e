// One <Boiler "name"> block -> BoilerConfig. Reads oconfig_item_t (plain data) itself, so it is
// testable without the daemon; every error names the boiler and the option.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/counter_guard.h"
#include "client/metrics.h"
#include "link/open_link.h"
#include "protocol/command.h"
#include "protocol/model.h"
#include "protocol/schedule.h"

extern "C" {
#include <collectd/liboconfig/oconfig.h>
}

namespace intergas {

struct BoilerConfig {
  std::string name;
  std::string device;
  // Unset (or "auto"): the framing is found on each opened link (plain, then the Xtreme's).
  std::optional<Model> model;
  std::chrono::milliseconds interval{0};  // 0: collectd's interval for this plugin
  // Unset: 1 s, shortened to fit a short read interval (see resolve_timing).
  std::optional<std::chrono::milliseconds> reply_timeout;
  std::chrono::milliseconds settle{150};
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds reconnect_max{30000};         // further capped at the read interval
  std::chrono::milliseconds health_interval{0};           // 0: the link accounting on every read
  std::array<std::optional<int>, kCommandCount> every{};  // from Schedule lines
  std::set<std::string> excluded;                         // "type" or "type/type_instance"
  double max_gas_rate = kDefaultMaxGasRate;               // m3/h, bounds gas_liters

  // The command schedule for a given read interval: defaults, then the Schedule lines.
  Schedule schedule(std::chrono::milliseconds read_interval) const;
  bool is_excluded(const Metric& m) const;
};

// Appends the boilers of one <Plugin intergas> block. On error returns the message, e.g.
// `Boiler "kitchen": Device: missing (required)`, and appends nothing of the failing block.
std::optional<std::string> parse_plugin_block(const oconfig_item_t& plugin_block,
                                              std::vector<BoilerConfig>& boilers);

// The read interval and reply timeout a boiler runs with.
struct Timing {
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds reply_timeout{0};
  std::string note;     // for an INFO line: the default reply timeout was shortened
  std::string warning;  // for a WARNING line: the read interval was lengthened
};

// The rule (docs in collectd.conf.example, "ReplyTimeout"): a default reply timeout (1 s) is
// shortened to (interval - SettleTime) / 2, down to 250 ms, so that a silent boiler's timeout and
// the late window after it (another reply timeout) fit one read interval. An explicit
// ReplyTimeout is only held to ReplyTimeout + SettleTime < interval: the late window may then
// push the next cycle's first request back (the session waits it out; the cycle budget says
// what still fits). When what the block sets cannot fit collectd's global Interval, the boiler
// is read at the shortest whole-second interval that fits, with a warning; a contradiction
// inside the block (its own Interval) is an error, returned as the message.
std::optional<std::string> resolve_timing(const BoilerConfig& boiler,
                                          std::chrono::milliseconds global_interval, Timing& out);

// The command schedule a boiler runs with at read interval `interval`: the defaults, then the
// Schedule lines, each held to a period (reads x interval) of at most write_prometheus' default
// StalenessDelta (kLongestDefaultPeriod, 300 s), as HealthInterval is by its range. Like
// resolve_timing: a Schedule line that contradicts the block's own Interval is an error (the
// message is returned); one that only the global Interval makes too slow is shortened to the
// most reads that fit, with one warning naming the boiler and the commands.
std::optional<std::string> resolve_schedule(const BoilerConfig& boiler,
                                            std::chrono::milliseconds interval, Schedule& out,
                                            std::string& warning);

}  // namespace intergas
