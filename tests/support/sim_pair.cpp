#include "tests/support/sim_pair.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "protocol/command.h"
#include "sim/frame_encoder.h"

namespace intergas::test {

VirtualBoiler::VirtualBoiler(sim::BoilerState state, VirtualBoilerOptions options)
    : state_(std::move(state)),
      options_(options),
      faults_(options.seed, /*index=*/0, options.rates) {}

void VirtualBoiler::receive(const std::uint8_t* bytes, std::size_t size, TimePoint now) {
  if (!plugged(now)) return;
  for (std::size_t i = 0; i < size; ++i) {
    window_.push_back(bytes[i]);
    // The longest tail of the input that may still become a request: a boiler ignores the rest
    // (protocol.md 3 notes: garbage and unsupported commands get no answer).
    for (;;) {
      bool prefix = false;
      std::optional<Command> complete;
      for (Command c : kAllCommands) {
        const Bytes want = request_bytes(c, state_.model);
        if (want.size() < window_.size() ||
            !std::equal(window_.begin(), window_.end(), want.begin())) {
          continue;
        }
        prefix = true;
        if (want.size() == window_.size()) complete = c;
      }
      if (complete) {
        window_.clear();
        answer(*complete, now);
        break;
      }
      if (prefix || window_.empty()) break;
      window_.erase(window_.begin());
    }
  }
}

void VirtualBoiler::answer(Command c, TimePoint now) {
  const auto ms = [](Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d);
  };
  sim::ReplyPlan plan =
      faults_.plan(sim::encode_reply(state_, c), ms(options_.latency), ms(options_.late));
  requests_.push_back({now, c, plan.fault});
  if (plan.fault == sim::FaultKind::hangup) {
    unplug(now, options_.hangup);
    return;
  }
  if (plan.bytes.empty()) return;
  const TimePoint start = now + plan.delay;
  send(plan.bytes, start);
  if (!plan.stray.empty()) {
    const Duration wire = options_.pace ? Duration(kByteWireTime * plan.bytes.size()) : Duration(0);
    send(plan.stray, start + wire + plan.stray_after);
  }
}

void VirtualBoiler::send(const Bytes& bytes, TimePoint start) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    // A byte is there once its stop bit is: the first one a byte's time after the start.
    const TimePoint at = options_.pace
                             ? start + std::chrono::duration_cast<Duration>(kByteWireTime * (i + 1))
                             : start;
    wire_.emplace(at, bytes[i]);
  }
}

std::optional<TimePoint> VirtualBoiler::next_arrival() const {
  if (wire_.empty()) return std::nullopt;
  return wire_.begin()->first;
}

Bytes VirtualBoiler::take_arrived(TimePoint now) {
  Bytes out;
  while (!wire_.empty() && wire_.begin()->first <= now) {
    out.push_back(wire_.begin()->second);
    wire_.erase(wire_.begin());
  }
  return out;
}

void VirtualBoiler::unplug(TimePoint now, Duration for_how_long) {
  unplugged_until_ = now + for_how_long;
  window_.clear();
  wire_.clear();
}

// ---- VirtualLink ------------------------------------------------------------------------------

OpenResult VirtualLink::open() {
  open_attempts_.push_back(clock_);
  close();
  if (!boiler_.plugged(clock_)) {
    return {OpenState::failed, std::make_error_code(std::errc::no_such_file_or_directory)};
  }
  open_ = true;
  boiler_.take_arrived(clock_);  // nothing from before the open is read
  return {OpenState::open, {}};
}

OpenResult VirtualLink::finish_open(bool /*timed_out*/) {
  return {OpenState::failed, std::make_error_code(std::errc::invalid_argument)};
}

void VirtualLink::close() {
  open_ = false;
  input_.clear();
}

void VirtualLink::collect() {
  const Bytes arrived = boiler_.take_arrived(clock_);
  input_.insert(input_.end(), arrived.begin(), arrived.end());
}

std::error_code VirtualLink::write_all(const std::uint8_t* data, std::size_t size) {
  if (!open_) return std::make_error_code(std::errc::bad_file_descriptor);
  if (!boiler_.plugged(clock_)) {
    close();
    return std::make_error_code(std::errc::io_error);
  }
  boiler_.receive(data, size, clock_);
  return {};
}

ReadResult VirtualLink::read_some(std::uint8_t* buffer, std::size_t capacity) {
  if (!open_) return {0, true, std::make_error_code(std::errc::bad_file_descriptor)};
  collect();
  if (input_.empty() && !boiler_.plugged(clock_)) {
    close();
    return {0, true, std::make_error_code(std::errc::io_error)};  // EIO, as a pty whose end went
  }
  const std::size_t n = std::min(capacity, input_.size());
  std::copy_n(input_.begin(), n, buffer);
  input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(n));
  return {n, false, {}};
}

bool VirtualLink::drain() {
  if (!open_) return false;
  collect();
  input_.clear();
  if (!boiler_.plugged(clock_)) {
    close();
    return false;
  }
  return true;
}

short VirtualLink::revents() {
  if (!open_) return 0;
  collect();
  short r = 0;
  if (!input_.empty()) r |= POLLIN;
  if (!boiler_.plugged(clock_)) r |= POLLHUP;
  return r;
}

// ---- ClientPair -------------------------------------------------------------------------------

ClientOptions test_client_options(Model m, Duration reply_timeout, Duration settle) {
  ClientOptions o;
  o.session.model = m;
  o.session.reply_timeout = reply_timeout;
  o.session.settle = settle;
  Schedule s;
  for (Command c : kAllCommands) s.set_every(c, 1);
  o.session.schedule = s;
  o.reopen_first = std::chrono::milliseconds(100);
  o.reopen_cap = std::chrono::milliseconds(400);
  return o;
}

ClientPair::ClientPair(sim::BoilerState state, ClientOptions options, VirtualBoilerOptions boiler)
    : boiler_(std::move(state), boiler) {
  auto link = std::make_unique<VirtualLink>(boiler_, now_);
  link_ = link.get();
  client_ = std::make_unique<BoilerClient>(std::move(link), options);
}

std::optional<TimePoint> ClientPair::next_event() const {
  std::optional<TimePoint> next = client_->next_wakeup();
  if (const auto a = boiler_.next_arrival(); a && (!next || *a < *next)) next = a;
  if (next && *next <= now_) next = now_ + std::chrono::microseconds(1);  // due, not yet taken
  return next;
}

void ClientPair::advance(TimePoint until) {
  short delivered = 0;  // what on_ready got at this time: level-triggered, but once is enough
  for (;;) {
    if (auto t = client_->next_wakeup(); t && *t <= now_) client_->on_tick(now_);
    // What poll() would report: the events the client asks for, and a hang-up always.
    const short asked = static_cast<short>(client_->poll_events() | POLLHUP | POLLERR);
    const short r = static_cast<short>(link_->revents() & asked);
    if (r != 0 && r != delivered) {
      client_->on_ready(r, now_);
      delivered = r;
      continue;  // look again at the same time
    }
    const std::optional<TimePoint> next = next_event();
    take_notices();
    if (!next || *next > until) {
      now_ = std::max(now_, until);
      return;
    }
    now_ = *next;
    delivered = 0;
  }
}

void ClientPair::take_notices() {
  while (auto n = client_->take_notice()) notices_.push_back(std::move(*n));
}

bool ClientPair::open() {
  const TimePoint until = now_ + std::chrono::seconds(1);
  while (now_ < until) {
    advance(now_ + std::chrono::milliseconds(1));
    if (link_->is_open() && client_->poll_events() != POLLOUT) return true;
  }
  return false;
}

std::optional<CycleReport> ClientPair::cycle(Duration limit) {
  const TimePoint until = now_ + limit;
  client_->begin_cycle(now_);
  for (;;) {
    take_notices();
    if (auto r = client_->take_report()) return r;
    if (now_ >= until) return std::nullopt;
    // One event at a time, so the report is taken at the time it was made.
    const std::optional<TimePoint> next = next_event();
    advance(next && *next < until ? *next : until);
  }
}

// ---- Session alone ----------------------------------------------------------------------------

void run_session(Session& session, VirtualBoiler& boiler, TimePoint& now, TimePoint until) {
  for (;;) {
    const Bytes arrived = boiler.take_arrived(now);
    if (!arrived.empty()) session.on_receive(arrived, now);
    session.on_timer(now);
    while (auto tx = session.take_transmit(now)) {
      boiler.receive(tx->bytes.data(), tx->bytes.size(), now);
    }
    std::optional<TimePoint> next = session.deadline();
    if (const auto a = boiler.next_arrival(); a && (!next || *a < *next)) next = a;
    if (next && *next <= now) next = now + std::chrono::microseconds(1);
    if (!next || *next > until) {
      now = std::max(now, until);
      return;
    }
    now = *next;
  }
}

}  // namespace intergas::test
