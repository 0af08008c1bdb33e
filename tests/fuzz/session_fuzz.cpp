// Fuzzes the session as production runs it (framing detection, a cycle budget, confirmation)
// with a script of operations: begin a cycle, take a request, receive bytes in any split, let time
// pass, lose and reopen the link. Nothing may crash, and the session's books must balance: every
// request ends in a reply (one or two reads), a failure, or a first read whose confirming read
// never came; a decoded reply is exactly a frame long; counters match the events.
// First byte: model (mod 3) and schedule bits; second: detection and budget; then ops: byte % 6
// selects, following bytes are operands.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "protocol/session.h"

namespace intergas {
namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

constexpr Model kModels[] = {Model::hre, Model::cw6, Model::xtreme};

}  // namespace
}  // namespace intergas

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace intergas;
  if (size < 1) return 0;
  SessionConfig config;
  config.model = kModels[data[0] % 3];
  config.reply_timeout = std::chrono::milliseconds(500);
  config.settle = std::chrono::milliseconds(100);
  for (int i = 1; i < kCommandCount; ++i) {
    config.schedule.set_every(kAllCommands[i], (data[0] >> (i % 8)) & 1 ? 1 + i % 3 : 0);
  }
  const std::uint8_t mode = size > 1 ? data[1] : 0;
  config.detect_model = (mode & 1) != 0;
  config.cycle_budget = std::chrono::milliseconds((mode >> 1) * 40);  // 0 (none) .. 5 s
  Session s(config);
  TimePoint now{};
  std::uint64_t transmits = 0, reads = 0, failures = 0, disputed = 0, losses = 0;
  std::uint64_t cycles_begun = 0, cycles_done = 0;
  std::size_t i = 2;
  auto next = [&]() -> std::uint8_t { return i < size ? data[i++] : 0; };
  while (i < size) {
    switch (next() % 6) {
      case 0:
        s.begin_cycle(now);
        ++cycles_begun;
        break;
      case 1:
        if (auto tx = s.take_transmit(now)) {
          ++transmits;
          require(tx->bytes.size() == 3 || tx->bytes.size() == 4);
        }
        break;
      case 2: {
        const std::size_t n = next() % 48;
        const std::size_t take = n < size - i ? n : size - i;
        s.on_receive(ByteView(data + i, take), now);
        i += take;
        break;
      }
      case 3:
        now += std::chrono::milliseconds(next() * 4);
        if (auto d = s.deadline(); d && *d <= now) s.on_timer(now);
        break;
      case 4:
        s.on_link_lost(now);
        ++losses;
        break;
      case 5:
        if (!s.is_link_up()) s.on_link_opened(now);
        break;
    }
    while (auto e = s.next_event()) {
      if (auto* r = std::get_if<ReplyDecoded>(&*e)) {
        reads += static_cast<std::uint64_t>(r->reads);
        require(r->reads == 1 || r->reads == 2);
        require(r->raw.size() == reply_size(r->command, s.model()));
        require(reading_command(r->reading) == r->command);
        if (r->disputed) {
          ++disputed;
          require(reading_command(*r->disputed) == r->command);
        }
      } else if (std::get_if<RequestFailed>(&*e)) {
        ++failures;
      } else if (std::get_if<CycleDone>(&*e)) {
        ++cycles_done;
      }
    }
    // Each reply or failure ends its requests; a first read awaiting its confirming read, or
    // whose link was lost before it, ends none; at most one request is outstanding.
    require(reads + failures <= transmits);
    require(transmits <= 2 * (reads + failures) + 2 + losses);
    require(cycles_done <= cycles_begun);
  }
  std::uint64_t counted_requests = 0, counted_failures = 0;
  for (auto n : s.counters().requests) counted_requests += n;
  for (auto n : s.counters().failures) counted_failures += n;
  const auto unconfirmed = s.counters().failures[static_cast<int>(Failure::unconfirmed)];
  require(counted_requests == transmits);
  require(counted_failures == failures + unconfirmed);
  require(unconfirmed == disputed);
  return 0;
}
