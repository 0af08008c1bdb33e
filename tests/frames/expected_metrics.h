// The frames table's expectations as the client's Metric values, and the comparison every test
// of the mapping uses (metric mapping, intergas-read --json, collectd end to end). Header-only:
// a test that includes it links intergas_client and intergas_frames.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "client/metric_types.h"
#include "client/metrics.h"
#include "tests/frames/golden_frames.h"

namespace intergas::golden {

// Equal, or within the last digits %.15g keeps (the JSON and Prometheus texts round there).
inline bool same_value(double got, double want) {
  return got == want || std::fabs(got - want) <= 1e-12 * std::fabs(want);
}

// The series the row expects to be dispatched, with their kinds from the metric contract.
inline std::vector<Metric> expected_metrics(const RealFrame& f) {
  std::vector<Metric> out;
  for (const Expected& e : f.expected) {
    if (!e.value) continue;
    Metric m;
    m.type = std::string(e.type);
    m.type_instance = std::string(e.instance);
    const MetricType* t = find_metric_type(e.type);
    m.kind = t != nullptr ? t->kind : DsKind::gauge;
    if (m.kind == DsKind::derive) {
      m.derive = static_cast<std::int64_t>(*e.value);
    } else {
      m.gauge = *e.value;
    }
    out.push_back(std::move(m));
  }
  return out;
}

// "" when `got` is exactly the series of `want` (same identifiers, kinds and values, nothing
// missing, nothing else); otherwise the first difference, for a test's failure message.
inline std::string first_difference(const std::vector<Metric>& got,
                                    const std::vector<Metric>& want) {
  auto id = [](const Metric& m) { return m.type + "/" + m.type_instance; };
  for (const Metric& w : want) {
    int found = 0;
    for (const Metric& g : got) {
      if (g.type != w.type || g.type_instance != w.type_instance) continue;
      ++found;
      if (g.kind != w.kind) return id(w) + ": wrong data-source kind";
      if (!same_value(g.value(), w.value())) {
        return id(w) + " = " + std::to_string(g.value()) + ", the source says " +
               std::to_string(w.value());
      }
    }
    if (found != 1) return id(w) + ": dispatched " + std::to_string(found) + " times, want once";
  }
  for (const Metric& g : got) {
    bool wanted = false;
    for (const Metric& w : want)
      wanted = wanted || (g.type == w.type && g.type_instance == w.type_instance);
    if (!wanted)
      return id(g) + " = " + std::to_string(g.value()) + ": not in the source's decoding";
  }
  return "";
}

}  // namespace intergas::golden
