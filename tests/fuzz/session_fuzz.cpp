// Fuzzes the session with a script of operations: begin a cycle, take a request, receive bytes
// in any split, let time pass, lose and reopen the link. Nothing may crash, and the session's
// books must balance: every request ends in exactly one reply or failure (at most one is
// outstanding), a decoded reply is exactly a frame long, and counters match the events.
// First byte: model (mod 3) and schedule bits; then ops: byte % 6 selects, following bytes are
// operands.
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
  Session s(config);
  TimePoint now{};
  std::uint64_t transmits = 0, replies = 0, failures = 0, cycles_begun = 0, cycles_done = 0;
  std::size_t i = 1;
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
        break;
      case 5:
        if (!s.is_link_up()) s.on_link_opened(now);
        break;
    }
    while (auto e = s.next_event()) {
      if (auto* r = std::get_if<ReplyDecoded>(&*e)) {
        ++replies;
        require(r->raw.size() == reply_size(r->command, config.model));
        require(reading_command(r->reading) == r->command);
      } else if (std::get_if<RequestFailed>(&*e)) {
        ++failures;
      } else {
        ++cycles_done;
      }
    }
    require(replies + failures <= transmits && transmits <= replies + failures + 1);
    require(cycles_done <= cycles_begun);
  }
  std::uint64_t counted_requests = 0, counted_failures = 0;
  for (auto n : s.counters().requests) counted_requests += n;
  for (auto n : s.counters().failures) counted_failures += n;
  require(counted_requests == transmits);
  require(counted_failures == failures);
  return 0;
}
