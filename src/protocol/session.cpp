#include "protocol/session.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "protocol/frame.h"
#include "protocol/plausibility.h"

namespace intergas {

namespace {
// Raw bytes kept with a failed exchange, for --raw and debug logs; the rest is only counted.
constexpr std::size_t kMaxKeptBytes = 96;
}  // namespace

Session::Session(SessionConfig config)
    : config_(config),
      schedule_(config.schedule),
      model_(config.model),
      framing_known_(!config.detect_model) {}

void Session::on_link_opened(TimePoint now) {
  (void)now;
  link_up_ = true;
  schedule_.reset();
  reply_.clear();
  has_rx_ = false;
  late_window_end_ = TimePoint{};
  // Another boiler may be behind a reopened link: find its framing again, the last one first.
  framing_known_ = !config_.detect_model;
  for (Bytes& r : rejected_) r.clear();
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
  confirm_next_ = false;
  if (!link_up_) {
    events_.push_back(CycleDone{cycle_, false});
    return;
  }
  // Until the framing is known a cycle is the status request alone; the rest follows its reply.
  if (framing_known_) {
    enqueue_due(/*with_status=*/true);
  } else {
    queue_.push_back(Command::status);
  }
  assert(!queue_.empty() && queue_.front() == Command::status);
  cycle_active_ = true;
  cycle_started_ = now;
  phase_ = Phase::ready_to_send;
  ready_since_ = now;
}

void Session::enqueue_due(bool with_status) {
  if (with_status) queue_.push_back(Command::status);
  const auto first = queue_.size();
  for (Command c : kAllCommands) {
    if (c != Command::status && schedule_.is_due(c, cycle_)) queue_.push_back(c);
  }
  std::stable_sort(queue_.begin() + static_cast<long>(first), queue_.end(),
                   [this](Command a, Command b) { return schedule_.asks_before(a, b); });
}

std::optional<Transmit> Session::take_transmit(TimePoint now) {
  if (phase_ != Phase::ready_to_send || queue_.empty()) return std::nullopt;
  if (now < send_after()) return std::nullopt;
  current_ = queue_.front();
  queue_.pop_front();
  confirming_ = confirm_next_;
  confirm_next_ = false;
  reply_.clear();
  sent_at_ = now;
  phase_ = Phase::awaiting_reply;
  ++counters_.requests[command_index(current_)];
  return Transmit{current_, request_bytes(current_, model_), true};
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
      const std::size_t want = reply_size(current_, model_);
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

std::size_t Session::reply_bytes_pending() const {
  if (phase_ != Phase::awaiting_reply || reply_.empty()) return 0;
  return reply_size(current_, model_) - reply_.size();
}

std::optional<Event> Session::next_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void Session::finish_reply(TimePoint now) {
  const Result<ByteView> frame = check_frame(current_, model_, reply_);
  if (!frame.ok()) {
    fail(frame.failure(), now);
    return;
  }
  Bytes& rejected = rejected_[static_cast<std::size_t>(command_index(current_))];
  std::string_view despite_rule;
  if (const auto violation = find_violation(current_, *frame, model_)) {
    // A garbled frame rarely breaks only a cross-field rule, and never twice alike: read such a
    // frame again at once, and take it when the same bytes come back.
    if (!violation->cross_field || reply_ != rejected) {
      if (violation->cross_field && !confirming_) {
        queue_.push_front(current_);
        confirm_next_ = true;
      }
      rejected = reply_;
      fail(Failure::implausible, now, violation->rule);
      return;
    }
    despite_rule = violation->rule;
  } else {
    rejected.clear();
  }
  Reading reading = decode_data(current_, model_, *frame);
  const Duration took = last_rx_ - sent_at_;
  counters_.last_duration[command_index(current_)] = took;
  if (schedule_.succeeded(current_, cycle_)) events_.push_back(SupportChanged{current_, true});
  if (current_ == Command::status) {
    status_ok_ = true;
    if (!framing_known_) {
      framing_known_ = true;
      events_.push_back(FramingFound{model_});
      enqueue_due(/*with_status=*/false);
    }
  }
  events_.push_back(
      ReplyDecoded{current_, std::move(reading), took, std::move(reply_), despite_rule});
  reply_.clear();
  after_exchange(now);
}

void Session::fail(Failure reason, TimePoint now, std::string_view rule) {
  // The boiler may still answer a request that timed out. Hold the next request back for one
  // more reply_timeout, so that a late reply arrives while nothing is outstanding and is
  // discarded, rather than being taken for the next command's reply (which, on a boiler without
  // checksums, an unsupported and so silent next command would let through).
  if (reason == Failure::timeout || reason == Failure::short_frame) {
    late_window_end_ = now + config_.reply_timeout;
  }
  Failure counted = reason;
  if (reason == Failure::timeout && current_ != Command::status && status_ok_) {
    // Silence from a boiler that answers its status request this very cycle: the command may be
    // one this firmware does not know.
    if (schedule_.is_unsupported(current_)) {
      counted = Failure::unsupported;
      schedule_.missed(current_, cycle_);
    } else if (schedule_.missed(current_, cycle_)) {
      events_.push_back(SupportChanged{current_, false});
    }
  } else if (reason == Failure::short_frame || reason == Failure::checksum ||
             reason == Failure::implausible) {
    schedule_.heard(current_);
  }
  ++counters_.failures[static_cast<int>(counted)];
  events_.push_back(RequestFailed{current_, counted, std::move(reply_), rule});
  reply_.clear();
  if (current_ == Command::status) {
    // Not answered in this framing: the next cycle tries the other one.
    if (!framing_known_) model_ = model_ == Model::xtreme ? Model::hre : Model::xtreme;
    // A boiler that does not answer its status request will not answer the rest either.
    if (reason == Failure::timeout) queue_.clear();
  }
  after_exchange(now);
}

void Session::after_exchange(TimePoint now) {
  phase_ = Phase::ready_to_send;
  ready_since_ = now;
  while (!queue_.empty() && !fits(queue_.front())) {
    queue_.pop_front();  // stays due: it is sent next cycle
    confirm_next_ = false;
  }
  if (queue_.empty()) end_cycle(now);
}

bool Session::fits(Command c) const {
  if (config_.cycle_budget <= Duration::zero() || c == Command::status) return true;
  // A command not timed yet is expected to take as long as the slowest one timed (replies take
  // about the same time, protocol.md 13), or the whole reply timeout before any was.
  Duration expected = config_.reply_timeout;
  if (const auto& own = counters_.last_duration[command_index(c)]) {
    expected = *own;
  } else {
    std::optional<Duration> slowest;
    for (const auto& took : counters_.last_duration) {
      if (took && (!slowest || *took > *slowest)) slowest = took;
    }
    if (slowest) expected = *slowest;
  }
  return send_after() + expected <= cycle_started_ + config_.cycle_budget;
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
