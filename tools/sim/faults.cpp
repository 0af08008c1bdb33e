#include "sim/faults.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <string>

namespace intergas::sim {

namespace {

// Indexed by FaultKind: the names the control channel and --fault-rate use.
constexpr std::string_view kFaultKindNames[kFaultKindCount] = {
    "silence", "short", "garbage", "stray", "late", "hangup", "flip", "burst", "flip2"};

int wire_bits(const Bytes& b) { return static_cast<int>(b.size()) * 8; }

}  // namespace

std::string_view fault_kind_name(FaultKind k) {
  const auto i = static_cast<std::size_t>(k);
  return i < std::size(kFaultKindNames) ? kFaultKindNames[i] : kFaultKindNames[0];
}

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
  if (name == "short_frame") return FaultKind::short_frame;
  for (std::size_t i = 0; i < std::size(kFaultKindNames); ++i) {
    if (kFaultKindNames[i] == name) return static_cast<FaultKind>(i);
  }
  return std::nullopt;
}

bool parse_fault_rates(std::string_view spec, FaultRates& out, std::string& error) {
  FaultRates rates;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    const auto eq = item.find('=');
    const auto kind = parse_fault_kind(item.substr(0, eq));
    if (eq == std::string_view::npos || !kind) {
      error =
          "want KIND=P with KIND one of silence, short, garbage, stray, late, hangup, flip, "
          "burst, flip2: '" +
          std::string(item) + "'";
      return false;
    }
    const std::string number(item.substr(eq + 1));
    char* end = nullptr;
    const double p = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !(p >= 0 && p <= 1)) {
      error = "probability must be in [0, 1]: '" + std::string(item) + "'";
      return false;
    }
    rates.p[static_cast<std::size_t>(*kind)] = p;
  }
  double sum = 0;
  for (double p : rates.p) sum += p;
  if (sum > 1.0 + 1e-9) {
    error = "fault probabilities add up to more than 1";
    return false;
  }
  out = rates;
  return true;
}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int Rng::between(int lo, int hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo + 1);
  return lo + static_cast<int>(next() % span);
}

void invert_wire_bits(Bytes& bytes, std::size_t first, std::size_t count) {
  for (std::size_t i = first; i < first + count; ++i) {
    bytes[i / 8] = static_cast<std::uint8_t>(bytes[i / 8] ^ (1u << (i % 8)));
  }
}

FaultInjector::FaultInjector(std::uint64_t seed, int index, const FaultRates& rates)
    : rng_(seed * 0x100000001B3ULL + static_cast<std::uint64_t>(index) + 1), rates_(rates) {}

ReplyPlan FaultInjector::plan(const Bytes& reply, std::chrono::milliseconds latency,
                              std::chrono::milliseconds late) {
  ReplyPlan plan;
  plan.bytes = reply;
  plan.delay = latency;
  // One draw per reply whatever happens, so a forced fault does not shift the seeded sequence.
  const double u = rng_.uniform();
  if (forced_) {
    plan.fault = forced_;
    forced_.reset();
  } else {
    double edge = 0;
    for (int i = 0; i < kFaultKindCount; ++i) {
      edge += rates_.p[static_cast<std::size_t>(i)];
      if (u < edge) {
        plan.fault = static_cast<FaultKind>(i);
        break;
      }
    }
  }
  if (!plan.fault) return plan;

  auto noise = [this](int n) {
    Bytes b;
    for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(rng_.next() & 0xFF));
    return b;
  };
  switch (*plan.fault) {
    case FaultKind::silence:
    case FaultKind::hangup:
      plan.bytes.clear();
      break;
    case FaultKind::short_frame: {
      const int k = rng_.between(1, 31);
      plan.bytes.resize(static_cast<std::size_t>(k));
      plan.detail = std::to_string(k) + " of " + std::to_string(reply.size()) + " bytes";
      break;
    }
    case FaultKind::garbage: {
      const int n = rng_.between(1, 8);
      const int where = rng_.between(0, 2);  // 0 before, 1 inside, 2 after
      const std::size_t at = where == 0   ? 0
                             : where == 2 ? reply.size()
                                          : static_cast<std::size_t>(rng_.between(1, 31));
      const Bytes extra = noise(n);
      plan.bytes.insert(plan.bytes.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(),
                        extra.end());
      plan.detail = std::to_string(n) + " noise bytes at offset " + std::to_string(at);
      break;
    }
    case FaultKind::stray: {
      const int n = rng_.between(1, 5);
      plan.stray = noise(n);
      plan.stray_after = std::chrono::milliseconds(rng_.between(20, 200));
      plan.detail = std::to_string(n) + " bytes " + std::to_string(plan.stray_after.count()) +
                    " ms after the reply";
      break;
    }
    case FaultKind::late:
      plan.delay = late;
      plan.detail = "after " + std::to_string(late.count()) + " ms";
      break;
    case FaultKind::flip: {
      if (reply.empty()) break;
      const auto bit = static_cast<std::size_t>(rng_.between(0, wire_bits(reply) - 1));
      invert_wire_bits(plan.bytes, bit, 1);
      plan.detail = "byte " + std::to_string(bit / 8) + " bit " + std::to_string(bit % 8);
      break;
    }
    case FaultKind::burst: {
      if (reply.size() < 2) break;
      const int length = rng_.between(2, 8);
      const auto first = static_cast<std::size_t>(rng_.between(0, wire_bits(reply) - length));
      invert_wire_bits(plan.bytes, first, static_cast<std::size_t>(length));
      plan.detail = std::to_string(length) + " bits from byte " + std::to_string(first / 8) +
                    " bit " + std::to_string(first % 8);
      break;
    }
    case FaultKind::flip2: {
      if (reply.size() < 2) break;
      const int n = static_cast<int>(reply.size());
      const int a = rng_.between(0, n - 1);
      const int b = (a + rng_.between(1, n - 1)) % n;  // any other byte
      const int bit = rng_.between(0, 7);
      invert_wire_bits(plan.bytes, static_cast<std::size_t>(a * 8 + bit), 1);
      invert_wire_bits(plan.bytes, static_cast<std::size_t>(b * 8 + bit), 1);
      plan.detail = "bytes " + std::to_string(std::min(a, b)) + " and " +
                    std::to_string(std::max(a, b)) + " bit " + std::to_string(bit);
      break;
    }
  }
  return plan;
}

}  // namespace intergas::sim
