#include "protocol/session.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace intergas {

namespace {
// Raw bytes kept with a failed exchange, for --raw and debug logs; the rest is only counted.
constexpr std::size_t kMaxKeptBytes = 96;

ByteView view(const std::array<std::uint8_t, kFrameSize>& a) { return {a.data(), a.size()}; }
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
  late_reply_possible_ = false;
  // Behind a reopened link is most likely the same boiler (ScheduleState keeps its unsupported
  // marks, and asks each such command once), but it may be another: find the framing again, the
  // last one first, and trust no bytes read before.
  framing_known_ = !config_.detect_model;
  for (TrustedFrame& h : history_) h.clear();
  for (Bytes& b : first_read_) b.clear();
  for (FieldSet& s : said_out_of_range_) s.reset();
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
    const bool asked = config_.ask_every_command || is_asked_of(c, model_);
    if (c != Command::status && asked && schedule_.is_due(c, cycle_)) queue_.push_back(c);
  }
  std::stable_sort(queue_.begin() + static_cast<long>(first), queue_.end(),
                   [this](Command a, Command b) { return schedule_.asks_before(a, b, cycle_); });
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
  schedule_.sent(current_);
  return Transmit{current_, request_bytes(current_, model_)};
}

void Session::on_receive(ByteView bytes, TimePoint now) {
  if (bytes.size == 0) return;
  last_rx_ = now;
  has_rx_ = true;
  switch (phase_) {
    case Phase::idle:
    case Phase::ready_to_send:
      counters_.discarded_bytes += bytes.size;
      // A reply to the request that timed out, arriving in its late window: the boiler does
      // answer that command, only slowly. It is not used (it cannot be proven aligned), but it
      // ends the command's run of misses.
      if (now < late_window_end_ && late_bytes_ < reply_size(late_command_, model_)) {
        late_bytes_ += bytes.size;
        if (late_bytes_ >= reply_size(late_command_, model_) &&
            schedule_.heard(late_command_, true)) {
          events_.push_back(SupportChanged{late_command_, true});
        }
      }
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
        on_garbled(Failure::implausible, now);
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
      on_garbled(Failure::implausible, now);
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
    if (reply_.empty()) {
      on_silence(now);
    } else {
      on_garbled(Failure::short_frame, now);
    }
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
  std::string_view rule;
  const Result<CheckedReply> checked = check_reply(current_, model_, reply_, &rule);
  if (!checked.ok()) {
    on_garbled(checked.failure(), now, rule);
    return;
  }
  // A garbled frame rarely breaks only a cross-field rule, and never twice alike: the fields it
  // concerns must repeat on a second read (protocol.md 13, 19).
  const std::string_view cross_rule = checked->cross_field ? checked->cross_field->rule : "";
  const FieldSet cross_fields = checked->cross_field ? checked->cross_field->fields : FieldSet{};
  const Duration took = last_rx_ - sent_at_;
  counters_.last_duration[command_index(current_)] = took;
  if (current_ == Command::status) {
    status_ok_ = true;  // a valid status frame: the boiler answers, whatever confirmation finds
    if (!framing_known_) {
      framing_known_ = true;
      events_.push_back(FramingFound{model_});
      enqueue_due(/*with_status=*/false);
    }
  }
  take_reply(checked->data, cross_rule, cross_fields, now);
}

void Session::take_reply(ByteView data, std::string_view cross_rule, FieldSet cross_fields,
                         TimePoint now) {
  const int i = command_index(current_);
  TrustedFrame& history = history_[static_cast<std::size_t>(i)];
  Bytes& first = first_read_[static_cast<std::size_t>(i)];
  const bool confirms = needs_confirmation(current_, model_) || late_reply_possible_;

  if (confirming_ && !first.empty()) {
    const FieldSet require = must_repeat_[static_cast<std::size_t>(i)] | cross_fields;
    const Confirmation merged = confirm(current_, model_, history, first, data, require);
    remember(current_, model_, history, view(merged.trusted), merged.disputed);
    const std::string_view rule = broken_rule_[static_cast<std::size_t>(i)];
    first.clear();
    accept(merged, merged.disputed.none() ? (rule.empty() ? cross_rule : rule) : std::string_view{},
           2, now);
    return;
  }

  if (confirms && fields_to_confirm(current_, model_, history, data, cross_fields).any()) {
    // Read it again at once; the values come out with the confirming read.
    first.assign(data.begin(), data.end());
    must_repeat_[static_cast<std::size_t>(i)] = cross_fields;
    broken_rule_[static_cast<std::size_t>(i)] = cross_rule;
    queue_.push_front(current_);
    confirm_next_ = true;
    if (schedule_.heard(current_, true)) events_.push_back(SupportChanged{current_, true});
    reply_.clear();
    after_exchange(now);
    return;
  }

  // Checksummed, or every field as trusted before: no second read needed.
  Confirmation as_is;
  std::copy(data.begin(), data.begin() + kFrameSize, as_is.trusted.begin());
  as_is.other = as_is.trusted;
  remember(current_, model_, history, data);
  accept(as_is, cross_rule, 1, now);
}

void Session::accept(const Confirmation& merged, std::string_view despite_rule, int reads,
                     TimePoint now) {
  const ByteView trusted = view(merged.trusted);
  count_out_of_range(trusted);
  ReplyDecoded reply{current_, decode_data(current_, model_, trusted), {}, {}, {}, despite_rule,
                     reads};
  reply.duration = *counters_.last_duration[command_index(current_)];
  reply.raw = std::move(reply_);
  if (merged.disputed.none()) late_reply_possible_ = false;
  if (merged.disputed.any()) {
    last_noisy_cycle_ = cycle_;
    reply.disputed = decode_data(current_, model_, view(merged.other));
    ++counters_.failures[static_cast<int>(Failure::unconfirmed)];
    // The boiler answers; the values wait: the command stays due for the next cycle.
    if (schedule_.heard(current_, true)) events_.push_back(SupportChanged{current_, true});
  } else if (schedule_.succeeded(current_, cycle_)) {
    events_.push_back(SupportChanged{current_, true});
  }
  events_.push_back(std::move(reply));
  reply_.clear();
  after_exchange(now);
}

void Session::count_out_of_range(ByteView data) {
  const FieldSet bad = out_of_range(current_, model_, data);
  if (bad.none()) return;
  const FieldList fields = fields_of(current_, model_);
  FieldSet& said = said_out_of_range_[static_cast<std::size_t>(command_index(current_))];
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (!bad.test(f)) continue;
    ++counters_.out_of_range[fields[f].name];
    if (!said.test(f)) {
      said.set(f);
      events_.push_back(ValueOutOfRange{current_, fields[f].name, fields[f].value(data)});
    }
  }
}

bool Session::switch_framing_after(Failure reason) const {
  if (framing_known_ || current_ != Command::status) return false;
  if (reason == Failure::timeout) return true;
  // A reply of the other framing's length (32 bytes where the Xtreme's 33 were expected): the
  // boiler answers, in the other framing. A garbled reply of the expected length shows the
  // framing is right and the line noisy.
  const Model other = model_ == Model::xtreme ? Model::hre : Model::xtreme;
  return reason == Failure::short_frame && reply_.size() == reply_size(Command::status, other);
}

void Session::on_silence(TimePoint now) {
  // The boiler may still answer a request that timed out. Hold the next request back for one
  // more reply_timeout, so that a late reply arrives while nothing is outstanding and is
  // discarded (and credits its command); and confirm every reply until one is confirmed, so that
  // a reply later still is not taken for the answer to a silent later command.
  late_window_end_ = now + config_.reply_timeout;
  late_command_ = current_;
  late_bytes_ = 0;
  late_reply_possible_ = true;
  Failure counted = Failure::timeout;
  const bool quiet_line =
      !last_noisy_cycle_ || cycle_ - *last_noisy_cycle_ >= kQuietCyclesBeforeAMissCounts;
  if (current_ != Command::status && status_ok_ &&
      (quiet_line || schedule_.is_unsupported(current_))) {
    // Silence from a boiler that answers its status request this very cycle, on a line without
    // noise: the command may be one this firmware does not know.
    if (schedule_.is_unsupported(current_)) {
      counted = Failure::unsupported;
      schedule_.missed(current_, cycle_);
    } else if (schedule_.missed(current_, cycle_)) {
      events_.push_back(SupportChanged{current_, false, kMissesBeforeUnsupported});
    }
  }
  fail(counted, now);
}

void Session::on_garbled(Failure reason, TimePoint now, std::string_view rule) {
  last_noisy_cycle_ = cycle_;
  if (reason == Failure::short_frame) {
    late_window_end_ = now + config_.reply_timeout;  // the rest may still come
    late_command_ = current_;
    late_bytes_ = reply_.size();
  }
  // Some reply arrived: the boiler does answer this command, so its run of misses ends (and a
  // whole reply, if garbled, shows a command marked unsupported answers after all).
  const bool whole = reply_.size() >= reply_size(current_, model_);
  if (schedule_.heard(current_, whole)) events_.push_back(SupportChanged{current_, true});
  fail(reason, now, rule);
}

void Session::fail(Failure reason, TimePoint now, std::string_view rule) {
  ++counters_.failures[static_cast<int>(reason)];
  if (switch_framing_after(reason)) model_ = model_ == Model::xtreme ? Model::hre : Model::xtreme;
  events_.push_back(RequestFailed{current_, reason, std::move(reply_), rule});
  reply_.clear();
  // A confirming read that failed leaves its first read unconfirmed: its values wait a cycle.
  first_read_[static_cast<std::size_t>(command_index(current_))].clear();
  // A boiler that does not answer its status request will not answer the rest either.
  if (current_ == Command::status && (reason == Failure::timeout || reason == Failure::io))
    queue_.clear();
  after_exchange(now);
}

void Session::after_exchange(TimePoint now) {
  phase_ = Phase::ready_to_send;
  ready_since_ = now;
  // A confirming read always fits: its first read was planned with it.
  while (!queue_.empty() && !(confirm_next_ && queue_.front() == current_) &&
         !fits(queue_.front())) {
    ++counters_.deferred[command_index(queue_.front())];
    schedule_.passed_over(queue_.front());
    queue_.pop_front();  // stays due: the most overdue goes first next cycle
  }
  if (queue_.empty()) end_cycle(now);
}

bool Session::fits(Command c) const {
  if (config_.cycle_budget <= Duration::zero() || c == Command::status) return true;
  if (schedule_.times_passed_over(c) >= kMaxTimesPassedOver) return true;
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
  // Where a confirming read may follow, both reads and the quiet time between them.
  if (needs_confirmation(c, model_) || late_reply_possible_)
    expected = 2 * expected + config_.settle;
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
