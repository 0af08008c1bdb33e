// Readings and link health -> the collectd identifiers of METRICS.md (type, type instance, value).
// The plugin dispatches exactly these; intergas-read --json and intergas-sim --print-json print
// them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/metric_types.h"
#include "protocol/command.h"
#include "protocol/reading.h"
#include "protocol/session.h"

namespace intergas {

struct Metric {
  std::string type;             // collectd type of metric_types.h, e.g. "temperature_celsius"
  std::string type_instance;    // e.g. "supply"; empty when the type has none
  DsKind kind = DsKind::gauge;  // always the kind metric_types.h gives the type
  double gauge = 0;             // when kind == gauge
  std::int64_t derive = 0;      // when kind == derive
  double value() const { return kind == DsKind::gauge ? gauge : static_cast<double>(derive); }
};

// Appends the metrics of one reading. Values that are not known are left out (METRICS.md). The
// model matters only to decoding: a reading maps to the same identifiers on every model.
// fault_stats readings give no metrics (the contract has none).
void append_reading_metrics(const Reading& reading, std::vector<Metric>& out);

// Appends the metrics of one reply whose values are confirmed: those of its reading, less every
// value its disputed reading gives differently (protocol.md 19). A state set (status,
// burner_state) is left out whole when any of its members is disputed.
void append_reply_metrics(const ReplyDecoded& reply, std::vector<Metric>& out);

// Health of one boiler at the end of a cycle (METRICS.md "Health of the link").
struct Health {
  bool up = false;
  bool link_open = false;
  std::uint64_t reconnects = 0;
  SessionCounters counters;
  // What meeting the boiler found (unset until known): the framing it answers in, and per command
  // whether it answers (false once marked unsupported), kept across a reopen until it changes.
  std::optional<bool> checksummed_framing;
  std::array<std::optional<bool>, kCommandCount> supported{};
};
// up and link_open: what this read did, dispatched on every read.
void append_link_state(const Health& health, std::vector<Metric>& out);
// The rest: requests_sent and request_duration_seconds for the commands the schedule enables and
// the boiler's framing is asked (is_asked_of; none framing-specific before it is known),
// request_failures, requests_deferred, values_out_of_range, reconnects; framing (both states, the
// one found 1) and command_supported once known. The plugin dispatches them every read, or every
// HealthInterval (with that period as their interval).
void append_link_accounting(const Health& health, const Schedule& schedule,
                            std::vector<Metric>& out);

// One metric as the JSON object of intergas-read --json:
// {"type": "...", "type_instance": "...", "value": ...} (value printed with %.15g, like
// write_prometheus prints gauges).
std::string metric_json(const Metric& m);
// A JSON array of metrics, one object per line.
std::string metrics_json(const std::vector<Metric>& metrics);

}  // namespace intergas
