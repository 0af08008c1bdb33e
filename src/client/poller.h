// Drives many BoilerClients from one poll() loop on one thread, so that hundreds of boilers'
// round trips (about 130 ms each at 9600 baud) never hold the caller's threads.
#pragma once

#include <poll.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/boiler_client.h"

namespace intergas {

class Poller {
 public:
  // Called on the loop's thread when a boiler finishes a cycle or has a notice. Must not block
  // for long; an exception that escapes ends the loop (run() says why).
  using ReportFn = std::function<void(std::size_t boiler, CycleReport&& report)>;
  using NoticeFn = std::function<void(std::size_t boiler, Notice&& notice)>;

  // The poll(2) the loop calls; a unit test can pass one that fails.
  using PollFn = std::function<int(pollfd* fds, nfds_t count, int timeout_ms)>;

  Poller(ReportFn on_report, NoticeFn on_notice, PollFn poll_fn = ::poll);
  // False when the wake-up eventfd could not be made (out of descriptors); then run() returns.
  bool ok() const { return wake_fd_ >= 0; }
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Before run(): adds a boiler and returns its index.
  std::size_t add(std::unique_ptr<BoilerClient> client);
  std::size_t size() const { return clients_.size(); }

  // The loop: returns "" after stop(), or why it died (a failed poll() with its errno text, an
  // exception). Either way every link is closed on return and later request_cycle calls fail.
  // Run it on a thread of your choice.
  std::string run();
  // Thread-safe. Asks run() to return within a few milliseconds.
  void stop();
  // Thread-safe. Starts a read cycle of one boiler on the loop's thread; false when the loop is
  // not running any more (it died or was stopped) or there is no such boiler.
  bool request_cycle(std::size_t boiler);

 private:
  void wake();
  void take_requests(TimePoint now);
  void deliver(std::size_t i);
  void loop();

  PollFn poll_fn_;
  ReportFn on_report_;
  NoticeFn on_notice_;
  std::vector<std::unique_ptr<BoilerClient>> clients_;
  int wake_fd_ = -1;  // eventfd: request_cycle and stop write, the loop reads
  std::mutex mutex_;
  std::vector<char> cycle_requested_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::atomic<bool> ended_{false};  // run() has returned: reads cannot be served
};

}  // namespace intergas
