#include "client/boiler_client.h"

#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <variant>

namespace intergas {

namespace {
// "<device>: <cause>", from the link's own account when it has one (it names a resolved
// usb:/by-id path and causes an error_code cannot carry, such as two matching adapters).
std::string problem(const Link& link, const std::error_code& e) {
  std::string text = link.last_error_text();
  if (!text.empty()) return text;
  return link.name() + ": " + (e ? e.message() : "closed by peer");
}
}  // namespace

BoilerClient::BoilerClient(std::unique_ptr<Link> link, ClientOptions options)
    : link_(std::move(link)),
      options_(options),
      session_(options.session),
      backoff_(options.reopen_first, options.reopen_cap),
      watch_(options.watch) {}

short BoilerClient::poll_events() const {
  switch (phase_) {
    case LinkPhase::open:
      return read_after_ ? 0 : POLLIN;
    case LinkPhase::connecting:
      return POLLOUT;
    case LinkPhase::closed:
      return 0;
  }
  return 0;
}

std::optional<TimePoint> BoilerClient::next_wakeup() const {
  switch (phase_) {
    case LinkPhase::closed:
      return reopen_at_;
    case LinkPhase::connecting:
      return connect_deadline_;
    case LinkPhase::open: {
      const auto deadline = session_.deadline();
      if (!read_after_) return deadline;
      return deadline ? std::min(*deadline, *read_after_) : *read_after_;
    }
  }
  return std::nullopt;
}

void BoilerClient::on_ready(short revents, TimePoint now) {
  if (phase_ == LinkPhase::connecting) {
    if (revents & (POLLOUT | POLLERR | POLLHUP)) {
      const OpenResult r = link_->finish_open(/*timed_out=*/false);
      if (r.state == OpenState::open) {
        opened(now);
      } else if (r.state == OpenState::failed) {
        open_failed(r.error, now);
      }
    }
    return;
  }
  if (phase_ == LinkPhase::open && (revents & (POLLIN | POLLHUP | POLLERR))) {
    pump_session(now);  // reads the input first
  }
}

void BoilerClient::on_tick(TimePoint now) {
  switch (phase_) {
    case LinkPhase::closed:
      if (now >= reopen_at_) try_open(now);
      break;
    case LinkPhase::connecting:
      if (now >= connect_deadline_) open_failed(link_->finish_open(/*timed_out=*/true).error, now);
      break;
    case LinkPhase::open:
      break;
  }
  pump_session(now);
}

void BoilerClient::begin_cycle(TimePoint now) {
  // A link whose (re)open is due is tried first: collectd's first read comes as it starts,
  // before the poll loop's first tick, and a link not yet tried is not down.
  if (phase_ == LinkPhase::closed && now >= reopen_at_) try_open(now);
  if (phase_ == LinkPhase::connecting) {
    // Resolving or connecting (TCP): the cycle starts once that ends, rather than reporting
    // a link that is merely still coming up as down.
    cycle_waits_for_open_ = true;
    return;
  }
  session_.begin_cycle(now);
  pump_session(now);
}

void BoilerClient::start_waiting_cycle(TimePoint now) {
  if (!cycle_waits_for_open_) return;
  cycle_waits_for_open_ = false;
  session_.begin_cycle(now);
}

void BoilerClient::try_open(TimePoint now) {
  const OpenResult r = link_->open();
  switch (r.state) {
    case OpenState::open:
      opened(now);
      break;
    case OpenState::in_progress:
      phase_ = LinkPhase::connecting;
      connect_deadline_ = now + options_.connect_timeout;
      break;
    case OpenState::failed:
      open_failed(r.error, now);
      break;
  }
}

void BoilerClient::opened(TimePoint now) {
  phase_ = LinkPhase::open;
  read_after_.reset();
  // The back-off is reset by the boiler's first valid reply, not here: a link that opens and
  // drops at once (a bridge that accepts and hangs up) must not be retried every second.
  session_.on_link_opened(now);
  watch_.link_opened(now);
  answered_since_open_ = false;
  if (ever_opened_) {
    ++reconnects_;
    if (last_loss_said_) notice(Notice::Kind::link_reopened, "reopened " + link_->resolved_name());
  } else {
    notice(Notice::Kind::link_opened, "opened " + link_->resolved_name());
  }
  ever_opened_ = true;
  start_waiting_cycle(now);
}

void BoilerClient::open_failed(const std::error_code& error, TimePoint now) {
  link_->close();
  phase_ = LinkPhase::closed;
  const auto delay = backoff_.next();
  reopen_at_ = now + delay;
  notice(Notice::Kind::open_failed, "cannot open " + problem(*link_, error), delay);
  start_waiting_cycle(now);  // ends at once: the link is down
}

namespace {
bool is_power_of_two(std::uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }
}  // namespace

void BoilerClient::lost(const std::error_code& error, TimePoint now) {
  const std::string why = problem(*link_, error);
  losses_unanswered_ = answered_since_open_ ? 0 : losses_unanswered_ + 1;
  link_->close();
  read_after_.reset();
  phase_ = LinkPhase::closed;
  session_.on_link_lost(now);
  collect_events(now);
  const auto delay = backoff_.next();
  reopen_at_ = now + delay;
  // A working link lost is always said; losses in a row without a reply at 1, 2, 4, 8 ...
  last_loss_said_ = losses_unanswered_ == 0 || is_power_of_two(losses_unanswered_);
  if (!last_loss_said_) return;
  std::string text = "lost " + why;
  if (losses_unanswered_ > 1) {
    text += " (" + std::to_string(losses_unanswered_) +
            " times in a row without a reply; said again at " +
            std::to_string(losses_unanswered_ * 2) + ")";
  }
  notice(Notice::Kind::link_lost, text, delay);
}

void BoilerClient::read_input(TimePoint now) {
  // Waiting for the rest of a reply; a session deadline that has come (the reply timeout) reads
  // what arrived all the same, so no byte is left unread when the session decides.
  if (const auto deadline = session_.deadline();
      read_after_ && now < *read_after_ && !(deadline && *deadline <= now)) {
    return;
  }
  read_after_.reset();
  // Bounded, so that a flooding bridge cannot hold the one poll loop that serves every boiler;
  // poll is level-triggered, the rest is read on the next pass.
  constexpr int kMaxReads = 16;
  std::uint8_t buffer[256];
  for (int reads = 0; reads < kMaxReads; ++reads) {
    const ReadResult r = link_->read_some(buffer, sizeof buffer);
    if (r.lost) {
      lost(r.error, now);
      return;
    }
    if (r.bytes == 0) break;
    session_.on_receive(ByteView(buffer, r.bytes), now);
  }
  // A reply has begun: its remaining bytes need their wire time at 9600 baud (a paced line
  // delivers them one by one), so wake once after that instead of once per byte.
  if (const std::size_t pending = session_.reply_bytes_pending();
      options_.coalesce_reads && pending > 0) {
    // Signed arithmetic: a size_t factor would turn the duration unsigned. A reply is at most
    // 33 bytes; the clamp only keeps a wild count from overflowing.
    read_after_ =
        now + kByteWireTime * static_cast<std::int64_t>(std::min<std::size_t>(pending, 4096));
  }
}

void BoilerClient::pump_session(TimePoint now) {
  if (phase_ == LinkPhase::open) {
    // Input not yet read goes to the session first, so that it delays a request that is due
    // (the line is not quiet) instead of being silently discarded by the drain before it.
    read_input(now);
  }
  if (phase_ == LinkPhase::open) {
    session_.on_timer(now);
    while (auto tx = session_.take_transmit(now)) {
      if (!link_->drain()) {
        lost({}, now);
        break;
      }
      if (auto e = link_->write_all(tx->bytes.data(), tx->bytes.size())) {
        lost(e, now);
        break;
      }
    }
  }
  collect_events(now);
}

const CycleDone* add_to_report(CycleReport& report, Event& event) {
  if (auto* reply = std::get_if<ReplyDecoded>(&event)) {
    report.replies.push_back(std::move(*reply));
  } else if (auto* failed = std::get_if<RequestFailed>(&event)) {
    report.failures.push_back(std::move(*failed));
  } else if (auto* change = std::get_if<SupportChanged>(&event)) {
    report.support_changes.push_back(*change);
  } else if (auto* range = std::get_if<ValueOutOfRange>(&event)) {
    report.out_of_range.push_back(*range);
  } else if (auto* done = std::get_if<CycleDone>(&event)) {
    report.cycle = done->cycle;
    report.health.up = done->status_ok;
    return done;
  }
  return nullptr;
}

void BoilerClient::collect_events(TimePoint now) {
  while (auto event = session_.next_event()) {
    if (const CycleDone* done = add_to_report(building_, *event)) {
      Health& h = building_.health;
      h.link_open = phase_ == LinkPhase::open;
      h.reconnects = reconnects_;
      h.counters = session_.counters();
      if (done->status_ok) {
        backoff_.reset();
        answered_since_open_ = true;
        if (!last_loss_said_) {
          // The end of a run of unsaid losses: the reopen that worked was not said either.
          notice(Notice::Kind::boiler_answering,
                 std::string(answered_ever_ ? "boiler answering again" : "boiler answering") +
                     " on the link reopened after " + std::to_string(losses_unanswered_) +
                     " losses in a row without a reply");
          last_loss_said_ = true;
        }
        losses_unanswered_ = 0;
        answered_ever_ = true;
      }
      // A cycle on a closed link says nothing about the boiler: the link notices speak.
      if (h.link_open) watch_.cycle_done(building_, session_, device_text(), now, notices_);
      h.supported = watch_.support();
      if (session_.framing_known()) h.checksummed_framing = session_.model() == Model::xtreme;
      reports_.push_back(std::move(building_));
      building_ = CycleReport{};
    }
  }
}

std::string BoilerClient::device_text() const {
  const std::string resolved = link_->resolved_name();
  return resolved == link_->name() ? resolved : link_->name() + " (" + resolved + ")";
}

std::optional<CycleReport> BoilerClient::take_report() {
  if (reports_.empty()) return std::nullopt;
  CycleReport r = std::move(reports_.front());
  reports_.erase(reports_.begin());
  return r;
}

std::optional<Notice> BoilerClient::take_notice() {
  if (notices_.empty()) return std::nullopt;
  Notice n = std::move(notices_.front());
  notices_.erase(notices_.begin());
  return n;
}

void BoilerClient::notice(Notice::Kind kind, std::string text, std::chrono::milliseconds retry_in) {
  notices_.push_back(Notice{kind, std::move(text), retry_in});
}

}  // namespace intergas
