#include "protocol/session.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace intergas {

namespace {
// Raw bytes kept with a failed exchange, for --raw and debug logs; the rest is only counted.
constexpr std::size_t kMaxKeptBytes = 96;
}  // namespace

Session::Session(SessionConfig config) : config_(config), schedule_(config.schedule) {}

void Session::on_link_opened(TimePoint now) {
  (void)now;
  link_up_ = true;
  schedule_.reset();
  reply_.clear();
  has_rx_ = false;
  late_window_end_ = TimePoint{};
}

void Session::on_link_lost(TimePoint now) {
  link_up_ = false;
  cycle_pending_ = false;  // the cycle that ends now reports the loss; no second report
  queue_.clear();          // the rest of this cycle cannot be sent
  if (phase_ == Phase::awaiting_reply || phase_ == Phase::settling) fail(Failure::io, now);
  if (cycle_active_) end_cycle(now);
}

void Session::begin_cycle(TimePoint now) {
  if (cycle_active_) {
    cycle_pending_ = true;
    return;
  }
  start_cycle(now);
}

void Session::start_cycle(TimePoint now) {
  ++cycle_;
  status_ok_ = false;
  if (!link_up_) {
    events_.push_back(CycleDone{cycle_, false});
    return;
  }
  for (Command c : kAllCommands) {
    if (schedule_.is_due(c, cycle_)) queue_.push_back(c);
  }
  assert(!queue_.empty() && queue_.front() == Command::status);
  cycle_active_ = true;
  phase_ = Phase::ready_to_send;
  ready_since_ = now;
}

std::optional<Transmit> Session::take_transmit(TimePoint now) {
  if (phase_ != Phase::ready_to_send || queue_.empty()) return std::nullopt;
  if (now < send_after()) return std::nullopt;
  current_ = queue_.front();
  queue_.pop_front();
  reply_.clear();
  sent_at_ = now;
  phase_ = Phase::awaiting_reply;
  ++counters_.requests[command_index(current_)];
  return Transmit{current_, request_bytes(current_, config_.model), true};
}

void Session::on_receive(ByteView bytes, TimePoint now) {
  if (bytes.size == 0) return;
  last_rx_ = now;
  has_rx_ = true;
  switch (phase_) {
    case Phase::idle:
    case Phase::ready_to_send:
      counters_.discarded_bytes += bytes.size;
      return;
    case Phase::awaiting_reply: {
      const std::size_t want = reply_size(current_, config_.model);
      const std::size_t take = std::min(bytes.size, want - reply_.size());
      reply_.insert(reply_.end(), bytes.begin(), bytes.begin() + take);
      if (take < bytes.size) {
        // More than a frame in one go: stray bytes or a second reply; no way to tell which
        // 32 bytes are the answer.
        reply_.insert(reply_.end(), bytes.begin() + take,
                      bytes.begin() + std::min(bytes.size, take + kMaxKeptBytes));
        fail(Failure::implausible, now);
      } else if (reply_.size() == want) {
        phase_ = Phase::settling;
      }
      return;
    }
    case Phase::settling:
      // A byte after a complete frame: the frame may be a late reply followed by the real one,
      // or be preceded by noise. Either way it cannot be proven aligned.
      reply_.insert(reply_.end(), bytes.begin(),
                    bytes.begin() + std::min(bytes.size, kMaxKeptBytes));
      fail(Failure::implausible, now);
      return;
  }
}

std::optional<TimePoint> Session::deadline() const {
  switch (phase_) {
    case Phase::idle:
      return std::nullopt;
    case Phase::ready_to_send:
      return send_after();
    case Phase::awaiting_reply:
      return sent_at_ + config_.reply_timeout;
    case Phase::settling:
      return last_rx_ + config_.settle;
  }
  return std::nullopt;
}

void Session::on_timer(TimePoint now) {
  if (phase_ == Phase::awaiting_reply && now >= sent_at_ + config_.reply_timeout) {
    fail(reply_.empty() ? Failure::timeout : Failure::short_frame, now);
  } else if (phase_ == Phase::settling && now >= last_rx_ + config_.settle) {
    finish_reply(now);
  }
}

std::optional<Event> Session::next_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void Session::finish_reply(TimePoint now) {
  Result<Reading> decoded = decode_reply(current_, config_.model, reply_);
  if (!decoded.ok()) {
    fail(decoded.failure(), now);
    return;
  }
  const Duration took = last_rx_ - sent_at_;
  counters_.last_duration[command_index(current_)] = took;
  schedule_.succeeded(current_, cycle_);
  if (current_ == Command::status) status_ok_ = true;
  events_.push_back(ReplyDecoded{current_, std::move(decoded).value(), took, std::move(reply_)});
  reply_.clear();
  after_exchange(now);
}

void Session::fail(Failure reason, TimePoint now) {
  // The boiler may still answer a request that timed out. Hold the next request back for one
  // more reply_timeout, so that a late reply arrives while nothing is outstanding and is
  // discarded, rather than being taken for the next command's reply (which, on a boiler without
  // checksums, an unsupported and so silent next command would let through).
  if (reason == Failure::timeout || reason == Failure::short_frame) {
    late_window_end_ = now + config_.reply_timeout;
  }
  ++counters_.failures[static_cast<int>(reason)];
  events_.push_back(RequestFailed{current_, reason, std::move(reply_)});
  reply_.clear();
  // A boiler that does not answer its status request will not answer the rest either.
  if (current_ == Command::status && reason == Failure::timeout) queue_.clear();
  after_exchange(now);
}

void Session::after_exchange(TimePoint now) {
  if (queue_.empty()) {
    end_cycle(now);
  } else {
    phase_ = Phase::ready_to_send;
    ready_since_ = now;
  }
}

TimePoint Session::send_after() const {
  TimePoint quiet = std::max(ready_since_, late_window_end_);
  if (has_rx_) quiet = std::max(quiet, last_rx_ + config_.settle);
  // Wait for a quiet line, but not for ever: on a line that never falls quiet (a chatty
  // bridge, the wrong baud rate) the request goes out after reply_timeout all the same and its
  // garbled reply is counted, so the cycle still ends and `up` still reports.
  return std::min(quiet, std::max(ready_since_, late_window_end_) + config_.reply_timeout);
}

void Session::end_cycle(TimePoint now) {
  phase_ = Phase::idle;
  if (!cycle_active_) return;
  cycle_active_ = false;
  events_.push_back(CycleDone{cycle_, status_ok_});
  if (cycle_pending_) {
    cycle_pending_ = false;
    start_cycle(now);
  }
}

}  // namespace intergas
