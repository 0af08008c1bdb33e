// Seeded fault injection: decides, per reply, whether and how a boiler misbehaves, and turns the
// reply into what goes on the wire. Pure: no I/O, no clock; the same seed gives the same plans.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/bytes.h"

namespace intergas::sim {

enum class FaultKind {
  silence,      // no reply
  short_frame,  // only the first k < 32 bytes ("short")
  garbage,      // noise bytes before, inside or after the reply
  stray,        // the reply, then 1-5 unsolicited bytes a little later
  late,         // the reply after --late-ms instead of the latency
  hangup,       // unplug instead of replying; back after --hangup-ms
  // Line noise that keeps the reply's length (issue 15): the bits of the reply as they go on the
  // wire, LSB first, the data bits of consecutive bytes taken as one stream (start and stop bits
  // are not modelled). The Xtreme's XOR byte is part of the reply and may be hit too.
  flip,   // one bit of one byte inverted
  burst,  // a run of 2..8 consecutive wire bits inverted (may span a byte boundary)
  flip2,  // the same bit of two different bytes inverted: what an 8-bit XOR cannot see
};
inline constexpr int kFaultKindCount = 9;

// "silence", "short", "garbage", "stray", "late", "hangup", "flip", "burst", "flip2".
std::string_view fault_kind_name(FaultKind k);
// Accepts the names above (and "short_frame").
std::optional<FaultKind> parse_fault_kind(std::string_view name);

// Probability per reply of each kind, indexed by FaultKind.
struct FaultRates {
  std::array<double, kFaultKindCount> p{};
};
// Parses "silence=0.02,short=0.01"; false with `error` on a bad kind, number or a sum above 1.
bool parse_fault_rates(std::string_view spec, FaultRates& out, std::string& error);

// splitmix64: small, fast and identical on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();             // [0, 1)
  int between(int lo, int hi);  // [lo, hi]

 private:
  std::uint64_t state_;
};

// Inverts `count` consecutive bits of `bytes` in wire order, starting at wire bit `first`: wire
// bit i is bit i % 8 (LSB first) of byte i / 8. The run must lie inside the bytes.
void invert_wire_bits(Bytes& bytes, std::size_t first, std::size_t count);

// What to send for one reply.
struct ReplyPlan {
  std::optional<FaultKind> fault;
  Bytes bytes;                         // empty for silence and hangup
  std::chrono::milliseconds delay{0};  // from the request to the first byte
  Bytes stray;                         // sent stray_after the end of `bytes`
  std::chrono::milliseconds stray_after{0};
  std::string detail;  // for the log, e.g. "12 of 32 bytes", "byte 12 bit 3"
};

// One per boiler: its own stream, seeded from (seed, index).
class FaultInjector {
 public:
  FaultInjector(std::uint64_t seed, int index, const FaultRates& rates);

  // The next reply gets fault `k` regardless of the rates.
  void force_next(FaultKind k) { forced_ = k; }

  // Plans the reply `reply` that would otherwise be sent after `latency`.
  ReplyPlan plan(const Bytes& reply, std::chrono::milliseconds latency,
                 std::chrono::milliseconds late);

 private:
  Rng rng_;
  FaultRates rates_;
  std::optional<FaultKind> forced_;
};

}  // namespace intergas::sim
