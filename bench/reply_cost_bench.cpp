// What one reply costs the poll loop on a paced line (issue 11): wake-ups, system calls and CPU
// time per status exchange, reading each byte as it comes (before) and reading the rest of a
// reply after its wire time (after). intergas-sim plays the boiler on a pty at 9600 baud with
// 100 ms latency. Prints numbers; asserts nothing.
//
//   reply_cost_bench [replies]      (default 200 per mode)
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "client/boiler_client.h"
#include "link/open_link.h"
#include "sim_process.h"

namespace intergas {
namespace {

// Counts the link's system calls: each read_some, write_all and drain is one read(2)/write(2)
// (drain reads until EAGAIN: counted per read it makes).
class CountingLink : public Link {
 public:
  explicit CountingLink(std::unique_ptr<Link> inner) : inner_(std::move(inner)) {}
  OpenResult open() override { return inner_->open(); }
  OpenResult finish_open(bool timed_out) override { return inner_->finish_open(timed_out); }
  void close() override { inner_->close(); }
  bool is_open() const override { return inner_->is_open(); }
  int fd() const override { return inner_->fd(); }
  std::error_code write_all(const std::uint8_t* data, std::size_t size) override {
    ++syscalls;
    return inner_->write_all(data, size);
  }
  ReadResult read_some(std::uint8_t* buffer, std::size_t capacity) override {
    ++syscalls;
    return inner_->read_some(buffer, capacity);
  }
  bool drain() override {
    ++syscalls;  // tcflush, plus its reads (not seen here): a lower bound
    return inner_->drain();
  }
  const std::string& name() const override { return inner_->name(); }
  std::string resolved_name() const override { return inner_->resolved_name(); }

  long syscalls = 0;

 private:
  std::unique_ptr<Link> inner_;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void measure(const std::string& device, bool coalesce, int replies) {
  std::string error;
  auto inner = make_link(device, LinkOptions{}, error);
  if (!inner) {
    std::fprintf(stderr, "reply_cost_bench: %s\n", error.c_str());
    std::exit(1);
  }
  auto counting = std::make_unique<CountingLink>(std::move(inner));
  CountingLink& link = *counting;
  ClientOptions options;
  options.session.schedule = Schedule();  // status only
  options.coalesce_reads = coalesce;
  BoilerClient client(std::move(counting), options);

  long wakeups = 0, polls = 0, answered = 0, cycles = 0;
  double cpu = 0;
  bool measuring = false;
  const auto deadline = Clock::now() + std::chrono::seconds(replies);  // 2+ replies a second
  while (answered < replies && Clock::now() < deadline) {
    TimePoint now = Clock::now();
    while (auto r = client.take_report()) {
      if (measuring && r->health.up) ++answered;
    }
    while (client.take_notice()) {
    }
    if (!client.session().in_cycle() && client.link().is_open()) {
      if (!measuring && cycles == 1) {  // the first cycle opens the link: not counted
        measuring = true;
        wakeups = polls = 0;
        link.syscalls = 0;
        cpu = cpu_seconds();
      }
      client.begin_cycle(now);
      ++cycles;
    }
    if (auto t = client.next_wakeup(); t && *t <= now) client.on_tick(now);
    if (client.has_output()) continue;  // a cycle ended: start the next one at once
    TimePoint wake_at = now + std::chrono::seconds(1);
    if (auto t = client.next_wakeup()) wake_at = std::min(wake_at, *t);
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake_at - now);
    pollfd p{client.fd(), client.poll_events(), 0};
    const bool watch = p.fd >= 0 && p.events != 0;
    ::poll(watch ? &p : nullptr, watch ? 1 : 0,
           static_cast<int>(std::max<long long>(0, wait.count())));
    ++polls;
    ++wakeups;
    now = Clock::now();
    if (watch && p.revents) client.on_ready(p.revents, now);
  }
  cpu = cpu_seconds() - cpu;
  const double n = answered > 0 ? static_cast<double>(answered) : 1;
  std::printf(
      "%-28s replies %4ld  wake-ups/reply %6.1f  syscalls/reply %6.1f  CPU/reply %7.1f us\n",
      coalesce ? "after (rest after wire time)" : "before (every byte)", answered,
      static_cast<double>(wakeups) / n, static_cast<double>(polls + link.syscalls) / n,
      cpu * 1e6 / n);
}

}  // namespace
}  // namespace intergas

int main(int argc, char** argv) {
  const int replies = argc > 1 ? std::atoi(argv[1]) : 200;
  const std::string pty = "/tmp/intergas-reply-cost-" + std::to_string(::getpid());
  intergas::test::SimProcess sim(INTERGAS_SIM_BINARY, {"--pty", pty, "--latency-ms", "100"});
  if (!sim.ok()) {
    std::fprintf(stderr, "reply_cost_bench: the simulator did not start\n%s", sim.log().c_str());
    return 1;
  }
  std::printf(
      "status exchanges with a paced (9600 baud) simulated boiler on a pty; syscalls are\n"
      "poll(2) plus the link's read/write/drain calls\n");
  intergas::measure(sim.device(), /*coalesce=*/false, replies);
  intergas::measure(sim.device(), /*coalesce=*/true, replies);
  return 0;
}
