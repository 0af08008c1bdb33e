// Decoding, the session and the metric mapping, per frame and per read cycle.
#include <benchmark/benchmark.h>

#include <chrono>

#include "client/metrics.h"
#include "protocol/reading.h"
#include "protocol/session.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

const Bytes kStatus = golden::frame(golden::kMwStatus);      // protocol.md 14.1, idle HRE
const Bytes kCounters = golden::frame(golden::kRbCounters);  // protocol.md 14.5

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
    append_reading_metrics(reading, out);
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
