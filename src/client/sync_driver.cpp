#include "client/sync_driver.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "client/poll_timeout.h"

namespace intergas {

void step(BoilerClient& client, TimePoint until) {
  TimePoint now = Clock::now();
  if (auto t = client.next_wakeup(); t && *t <= now) client.on_tick(now);
  // The tick opened the link or ended a cycle: the caller acts on that first, rather than after
  // a poll that may wait out the whole `until` (an open link with nothing due has no wake-up).
  if (client.has_output()) return;
  TimePoint wake_at = until;
  if (auto t = client.next_wakeup()) wake_at = std::min(wake_at, *t);
  const int timeout_ms = poll_timeout_ms(wake_at - now);
  pollfd p{client.fd(), client.poll_events(), 0};
  const bool has_fd = p.fd >= 0 && p.events != 0;
  const int ready = ::poll(has_fd ? &p : nullptr, has_fd ? 1 : 0, timeout_ms);
  now = Clock::now();
  if (ready > 0 && p.revents) client.on_ready(p.revents, now);
  if (auto t = client.next_wakeup(); t && *t <= now) client.on_tick(now);
}

namespace {
void move_notices(BoilerClient& client, std::vector<Notice>& out) {
  while (auto n = client.take_notice()) out.push_back(std::move(*n));
}
}  // namespace

std::optional<std::string> open_blocking(BoilerClient& client, Duration limit,
                                         std::vector<Notice>& notices) {
  const TimePoint until = Clock::now() + limit;
  while (Clock::now() < until) {
    step(client, until);
    while (auto n = client.take_notice()) {
      const bool failed = n->kind == Notice::Kind::open_failed;
      const std::string text = n->text;
      notices.push_back(std::move(*n));
      if (failed) return text;
    }
    if (client.link().is_open() && client.poll_events() == POLLIN) return std::nullopt;
  }
  return "cannot open " + client.link().name() + ": timed out";
}

std::optional<CycleReport> run_cycle_blocking(BoilerClient& client, Duration limit,
                                              std::vector<Notice>& notices) {
  const TimePoint until = Clock::now() + limit;
  client.begin_cycle(Clock::now());
  for (;;) {
    move_notices(client, notices);
    if (auto r = client.take_report()) return r;
    if (Clock::now() >= until) return std::nullopt;
    step(client, until);
  }
}

}  // namespace intergas
