#include "client/poller.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "client/poll_timeout.h"
#include "link/fd_placement.h"

namespace intergas {

namespace {
// A loop with nothing to do still wakes this often (cheap insurance against a missed wake-up).
constexpr std::chrono::milliseconds kMaxSleep{1000};
}  // namespace

Poller::Poller(ReportFn on_report, NoticeFn on_notice, PollFn poll_fn)
    : poll_fn_(std::move(poll_fn)),
      on_report_(std::move(on_report)),
      on_notice_(std::move(on_notice)),
      // Above the select() range, like the links (link/fd_placement.h).
      wake_fd_(move_above_select_range(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))) {}

Poller::~Poller() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::size_t Poller::add(std::unique_ptr<BoilerClient> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  clients_.push_back(std::move(client));
  cycle_requested_.push_back(0);
  return clients_.size() - 1;
}

void Poller::wake() {
  const std::uint64_t one = 1;
  // A full counter (EAGAIN) already means "wake up"; nothing else can fail on an eventfd.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void Poller::stop() {
  stopping_ = true;
  wake();
}

bool Poller::request_cycle(std::size_t boiler) {
  if (ended_) return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (boiler >= cycle_requested_.size()) return false;
    cycle_requested_[boiler] = 1;
  }
  wake();
  return true;
}

void Poller::take_requests(TimePoint now) {
  std::vector<std::size_t> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < cycle_requested_.size(); ++i) {
      if (cycle_requested_[i]) {
        cycle_requested_[i] = 0;
        due.push_back(i);
      }
    }
  }
  for (std::size_t i : due) clients_[i]->begin_cycle(now);
}

void Poller::deliver(std::size_t i) {
  BoilerClient& c = *clients_[i];
  while (auto n = c.take_notice()) on_notice_(i, std::move(*n));
  while (auto r = c.take_report()) on_report_(i, std::move(*r));
}

std::string Poller::run() {
  std::string why;
  try {
    loop();
  } catch (const std::system_error& e) {
    why = e.what();
  } catch (const std::exception& e) {
    why = std::string("exception: ") + e.what();
  } catch (...) {
    why = "unknown exception";
  }
  if (!ok()) why = "no eventfd to wake the loop";
  ended_ = true;
  // A dead loop must not leave the boilers' lines open (and a serial port locked) behind it.
  for (auto& c : clients_) c->close();
  return why;
}

void Poller::loop() {
  std::vector<pollfd> fds;
  std::vector<std::size_t> owner;  // fds[k + 1] belongs to clients_[owner[k]]
  while (ok() && !stopping_) {
    TimePoint now = Clock::now();
    take_requests(now);
    TimePoint wake_at = now + kMaxSleep;
    fds.clear();
    owner.clear();
    fds.push_back(pollfd{wake_fd_, POLLIN, 0});
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      BoilerClient& c = *clients_[i];
      if (auto t = c.next_wakeup(); t && *t <= now) {
        c.on_tick(now);
      }
      deliver(i);
      if (auto t = c.next_wakeup()) wake_at = std::min(wake_at, *t);
      if (const short events = c.poll_events(); events != 0 && c.fd() >= 0) {
        fds.push_back(pollfd{c.fd(), events, 0});
        owner.push_back(i);
      }
    }
    const int timeout_ms = poll_timeout_ms(wake_at - now);
    const int ready = poll_fn_(fds.data(), fds.size(), timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      // EINVAL (more descriptors than RLIMIT_NOFILE), ENOMEM: nothing sensible left but to stop.
      throw std::system_error(errno, std::generic_category(), "poll() failed");
    }
    now = Clock::now();
    if (fds[0].revents & POLLIN) {
      std::uint64_t drained;
      [[maybe_unused]] ssize_t n = ::read(wake_fd_, &drained, sizeof drained);
    }
    for (std::size_t k = 1; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      clients_[owner[k - 1]]->on_ready(fds[k].revents, now);
      deliver(owner[k - 1]);
    }
  }
}

}  // namespace intergas
