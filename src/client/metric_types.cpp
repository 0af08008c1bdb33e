#include "client/metric_types.h"

#include <cstdio>

namespace intergas {

namespace {

// A bound as types.db writes it: "U" when there is none, else the number (-128, 0, 255).
std::string bound_text(const std::optional<double>& bound) {
  if (!bound) return "U";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", *bound);
  return buf;
}

}  // namespace

const MetricType* find_metric_type(std::string_view name) {
  for (const MetricType& t : kMetricTypes) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string types_db_spec(const MetricType& t) {
  return std::string("value:") + (t.kind == DsKind::derive ? "DERIVE" : "GAUGE") + ":" +
         bound_text(t.min) + ":" + bound_text(t.max);
}

}  // namespace intergas
