// Decoding, the session and the metric mapping, per frame and per read cycle.
#include <benchmark/benchmark.h>

#include <chrono>

#include "client/metrics.h"
#include "protocol/reading.h"
#include "protocol/session.h"

namespace intergas {
namespace {

// protocol.md 14.1: an idle HRE status frame; 14.5: RB's counters.
const Bytes kStatus = {0xBC, 0x0F, 0xCD, 0x0F, 0xD4, 0x0F, 0x4E, 0x0D, 0x14, 0xEC, 0x14,
                       0xEC, 0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                       0x00, 0x00, 0x7E, 0x00, 0x80, 0x40, 0x20, 0xFF, 0x00, 0xFF};
const Bytes kCounters = {0x3B, 0x48, 0x16, 0x04, 0x09, 0x0F, 0xF6, 0x00, 0xD4, 0xCC, 0x04,
                         0x00, 0x01, 0x00, 0x03, 0x00, 0x58, 0x70, 0x35, 0x03, 0xE6, 0x35,
                         0x4F, 0x00, 0x09, 0xE3, 0xF4, 0x37, 0x0B, 0x00, 0x00, 0x00};

void DecodeStatusReply(benchmark::State& state) {
  for (auto _ : state) {
    auto r = decode_reply(Command::status, Model::hre, kStatus);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStatus.size()));
}
BENCHMARK(DecodeStatusReply);

void DecodeCountersReply(benchmark::State& state) {
  for (auto _ : state) {
    auto r = decode_reply(Command::counters, Model::hre, kCounters);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(DecodeCountersReply);

void StatusMetrics(benchmark::State& state) {
  const Reading reading = decode_reply(Command::status, Model::hre, kStatus).value();
  std::vector<Metric> out;
  for (auto _ : state) {
    out.clear();
    append_reading_metrics(reading, Model::hre, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["metrics"] = static_cast<double>(out.size());
}
BENCHMARK(StatusMetrics);

// One read cycle of status + counters through the session, the reply fed in `chunk`-byte pieces.
void SessionCycle(benchmark::State& state) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  SessionConfig config;
  config.schedule.set_every(Command::counters, 1);
  Session session(config);
  TimePoint now{};
  session.on_link_opened(now);
  for (auto _ : state) {
    session.begin_cycle(now);
    for (const Bytes* reply : {&kStatus, &kCounters}) {
      now += std::chrono::milliseconds(200);
      auto tx = session.take_transmit(now);
      benchmark::DoNotOptimize(tx);
      for (std::size_t at = 0; at < reply->size(); at += chunk) {
        session.on_receive(ByteView(reply->data() + at, std::min(chunk, reply->size() - at)), now);
      }
      now += std::chrono::milliseconds(200);
      session.on_timer(now);
    }
    while (auto e = session.next_event()) benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(SessionCycle)->Arg(1)->Arg(8)->Arg(32);

}  // namespace
}  // namespace intergas
