#include "client/line_watch.h"

#include <cstdio>

#include "client/boiler_client.h"
#include "client/wording.h"

namespace intergas {

namespace {

std::string seconds_text(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

// "the last hour", "the last 2 hours", "the last 10 minutes".
std::string period_text(Duration d) {
  using std::chrono::duration_cast;
  const auto hours = duration_cast<std::chrono::hours>(d).count();
  if (hours >= 1 && d == std::chrono::hours(hours)) {
    return hours == 1 ? "the last hour" : "the last " + std::to_string(hours) + " hours";
  }
  return "the last " + std::to_string(duration_cast<std::chrono::minutes>(d).count()) + " minutes";
}

// "timeout 20, short_frame 12"; reasons with no count left out.
std::string reasons_text(const std::array<std::uint64_t, kFailureCount>& counts) {
  std::string out;
  for (Failure f : kAllFailures) {
    const auto n = counts[static_cast<std::size_t>(f)];
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::string(failure_name(f)) + " " + std::to_string(n);
  }
  return out;
}

std::string command_list(const std::vector<Command>& commands) {
  std::string out;
  for (Command c : commands) {
    if (!out.empty()) out += ", ";
    out += command_name(c);
  }
  return out;
}

// What the wire bytes of a command look like, for texts: "HN", "REV".
std::string wire_name(Command c, Model m) {
  std::string text(command_text(c, m));
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// Enabled for this boiler: scheduled, and asked of its framing (no D2 for a plain one).
bool is_enabled(Command c, const Session& s) {
  return s.config().schedule.every(c) > 0 && is_asked_of(c, s.model());
}

std::string framing_text(const Session& s) {
  if (!s.config().detect_model) {
    return "Model \"" + std::string(model_name(s.model())) + "\" as configured";
  }
  std::string text(framing_name(s.model()));
  // The wire cannot tell a CW6 from an HRE (protocol.md 15).
  if (s.model() != Model::xtreme) text += "; set Model \"cw6\" for a CW6";
  return text;
}

// protocol.md 12.1: the third character of the hardware text tells the controller generation.
std::string board_text(const std::string& firmware) {
  if (firmware.size() > 2 && (firmware[0] == 'i' || firmware[0] == 'I') &&
      (firmware[2] == '2' || firmware[2] == '3')) {
    return std::string(" (IC") + firmware[2] + " board)";
  }
  return "";
}

}  // namespace

void LineWatch::link_opened(TimePoint now) {
  opened_at_ = now;
  answered_since_open_ = false;
  silent_reported_ = false;
  failed_cycles_ = 0;
  failures_since_open_.fill(0);
  support_.fill(std::nullopt);
  rejections_in_a_row_.fill(0);
  reidentify_ = true;
}

void LineWatch::cycle_done(const CycleReport& r, const Session& s, const std::string& device,
                           TimePoint now, std::vector<Notice>& out) {
  watch_status(r, s, device, now, out);
  watch_support(r, s, out);
  watch_frames(r, device, out);
  watch_noise(r, now, out);
  watch_budget(r, s, out);
}

namespace {
// The groups `r` shows waiting for room in the read interval at least `times`.
std::string waiting_groups(const CycleReport& r, std::uint64_t times) {
  std::string names;
  for (Command c : kAllCommands) {
    if (r.health.counters.deferred[static_cast<std::size_t>(command_index(c))] < times) continue;
    names += (names.empty() ? "" : ", ") + std::string(command_name(c));
  }
  return names;
}
std::string budget_text(const std::string& groups, const Session& s) {
  return groups + " waited for room in the read interval (reply timeout " +
         std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(s.config().reply_timeout)
                 .count()) +
         " ms): every group is still read, the most overdue first, one passed over " +
         std::to_string(kMaxTimesPassedOver) +
         " reads in a row is sent anyway, and requests_deferred_total counts the waits; a longer "
         "Interval reads every group on every read";
}
}  // namespace

void LineWatch::watch_budget(const CycleReport& r, const Session& s, std::vector<Notice>& out) {
  // Waits before the boiler is identified are said in its identification line; later ones once,
  // when a group has waited kMaxTimesPassedOver reads or more.
  if (said_deferred_ || !identified_) return;
  const std::string waiting = waiting_groups(r, static_cast<std::uint64_t>(kMaxTimesPassedOver));
  if (waiting.empty()) return;
  said_deferred_ = true;
  out.push_back({Notice::Kind::command_deferred, budget_text(waiting, s), {}});
}

void LineWatch::watch_status(const CycleReport& r, const Session& s, const std::string& device,
                             TimePoint now, std::vector<Notice>& out) {
  if (r.health.up) {
    if (silent_reported_ ||
        (!answered_since_open_ && failed_cycles_ >= options_.silent_min_cycles)) {
      out.push_back({Notice::Kind::boiler_answering,
                     answered_ever_ ? "boiler answering again" : "boiler answering",
                     {}});
    }
    answered_since_open_ = true;
    answered_ever_ = true;
    silent_reported_ = false;
    failed_cycles_ = 0;
    return;
  }
  if (failed_cycles_++ == 0) failing_since_ = now;
  std::array<std::uint64_t, kFailureCount> this_cycle{};
  for (const RequestFailed& f : r.failures) {
    if (f.command != Command::status) continue;
    ++failures_since_open_[static_cast<std::size_t>(f.reason)];
    ++this_cycle[static_cast<std::size_t>(f.reason)];
  }
  if (failed_cycles_ < options_.silent_min_cycles) return;
  if (!answered_since_open_) {
    // Not a flapping line but one that never worked: said after a few reads, both framings tried.
    std::string tried = s.config().detect_model ? std::string(kBothFramingsTried)
                                                : "tried " + framing_text(s) +
                                                      " only; Model \"auto\" tries every framing";
    out.push_back({Notice::Kind::no_answer,
                   "no valid reply to the status request on " + device + " since it was opened " +
                       seconds_text(now - opened_at_) + " ago (" + std::to_string(failed_cycles_) +
                       " tries: " + reasons_text(failures_since_open_) + "; " + tried +
                       "): check that Device is the boiler's adapter or bridge, " +
                       std::string(kWiringAdvice) + " and Model",
                   {}});
    return;
  }
  if (silent_reported_ || now - failing_since_ < options_.silent_after) return;
  silent_reported_ = true;
  silent_in_window_ = true;
  out.push_back({Notice::Kind::boiler_silent,
                 "no valid status reply for " + seconds_text(now - failing_since_) + " (" +
                     std::to_string(failed_cycles_) +
                     " reads; this read: " + reasons_text(this_cycle) + ")",
                 {}});
}

void LineWatch::watch_support(const CycleReport& r, const Session& s, std::vector<Notice>& out) {
  for (const ReplyDecoded& reply : r.replies) {
    support_[static_cast<std::size_t>(command_index(reply.command))] = true;
    known_support_[static_cast<std::size_t>(command_index(reply.command))] = true;
    if (const auto* v = std::get_if<VersionReading>(&reply.reading)) firmware_ = v->label();
  }
  const Schedule& schedule = s.config().schedule;
  for (Command c : kAllCommands) {
    if (!s.is_unsupported(c)) continue;
    support_[static_cast<std::size_t>(command_index(c))] = false;
    known_support_[static_cast<std::size_t>(command_index(c))] = false;
  }
  // Who the boiler is, said once the picture is complete: at first, and after a reopen when it
  // differs (another boiler, a firmware update). Changes found before that are part of it.
  if (!identified_ || reidentify_) {
    if (!s.framing_known()) return;
    for (Command c : kAllCommands) {
      if (is_enabled(c, s) && !support_[static_cast<std::size_t>(command_index(c))]) return;
    }
    reidentify_ = false;
    const Identity now = identity(s);
    if (!identified_ || !(now == *identified_)) {
      std::string text = identity_text(s);
      if (const std::string waiting = waiting_groups(r, 1); !said_deferred_ && !waiting.empty()) {
        said_deferred_ = true;
        text += "; " + budget_text(waiting, s);
      }
      out.push_back({Notice::Kind::identified, std::move(text), {}});
    }
    identified_ = now;
    return;
  }
  for (const SupportChanged& change : r.support_changes) {
    const std::string name(command_name(change.command));
    if (change.supported) {
      out.push_back({Notice::Kind::command_answering, name + " answers again", {}});
    } else {
      out.push_back({Notice::Kind::command_unsupported,
                     name + " (" + wire_name(change.command, s.model()) + "): no reply " +
                         std::to_string(change.misses) +
                         " times while status answers (may be unsupported by firmware " +
                         (firmware_.empty() ? "unknown" : firmware_) +
                         "); asking again after a growing pause, at most every " +
                         std::to_string(schedule.recheck_every()) + " reads",
                     {}});
    }
  }
  if (!r.support_changes.empty()) identified_ = identity(s);
}

LineWatch::Identity LineWatch::identity(const Session& s) const {
  Identity id;
  id.firmware = firmware_;
  id.model = s.model();
  for (Command c : kAllCommands) {
    const auto i = static_cast<std::size_t>(command_index(c));
    if (is_enabled(c, s)) id.support[i] = support_[i];
  }
  return id;
}

std::string LineWatch::identity_text(const Session& s) const {
  std::vector<Command> answers, silent;
  for (Command c : kAllCommands) {
    const auto& known = support_[static_cast<std::size_t>(command_index(c))];
    if (!is_enabled(c, s) || !known) continue;
    (*known ? answers : silent).push_back(c);
  }
  std::string text = "found " + (firmware_.empty() ? "firmware unknown" : firmware_) +
                     board_text(firmware_) + ", " + framing_text(s) + "; answers " +
                     command_list(answers);
  if (!silent.empty()) {
    text += "; no reply to " + command_list(silent) + " (asked " +
            std::to_string(kMissesBeforeUnsupported) +
            " times; asked again after a pause that doubles up to every " +
            std::to_string(s.config().schedule.recheck_every()) + " reads, and after a reconnect)";
  }
  return text;
}

void LineWatch::watch_frames(const CycleReport& r, const std::string& device,
                             std::vector<Notice>& out) {
  for (const RequestFailed& f : r.failures) {
    if (f.reason != Failure::implausible || f.rule.empty()) continue;
    const auto i = static_cast<std::size_t>(command_index(f.command));
    rejections_in_a_row_[i] = rejected_by_[i] == f.rule ? rejections_in_a_row_[i] + 1 : 1;
    rejected_by_[i] = f.rule;
    if (rejections_in_a_row_[i] != options_.repeats_before_warning) continue;
    const std::string name(command_name(f.command));
    if (!said_once_.insert({false, f.command, std::string(f.rule)}).second) continue;
    out.push_back({Notice::Kind::frame_rejected,
                   name + " replies rejected " + std::to_string(rejections_in_a_row_[i]) +
                       " times in a row by the rule \"" + std::string(f.rule) + "\", e.g. " +
                       to_hex(f.raw) + ": intergas-read --raw " + device +
                       " captures them for a bug report",
                   {}});
  }
  for (const ReplyDecoded& reply : r.replies) {
    rejections_in_a_row_[static_cast<std::size_t>(command_index(reply.command))] = 0;
    if (reply.despite_rule.empty()) continue;
    const std::string name(command_name(reply.command));
    if (!said_once_.insert({true, reply.command, std::string(reply.despite_rule)}).second) continue;
    out.push_back({Notice::Kind::frame_trusted,
                   name + " reply breaks the rule \"" + std::string(reply.despite_rule) +
                       "\" but its fields repeated on a second read, so it is exported as the "
                       "boiler's own data: " +
                       to_hex(reply.raw),
                   {}});
  }
  // The session reports each field once per link open.
  for (const ValueOutOfRange& v : r.out_of_range) {
    out.push_back({Notice::Kind::value_out_of_range,
                   std::string(command_name(v.command)) + " field \"" + std::string(v.field) +
                       "\" reads " + std::to_string(v.raw) +
                       " (raw), outside its physical range: that value is left out and counted "
                       "in values_out_of_range, the rest of the reply is exported. A sensor that "
                       "stays there is shorted, open or badly wired: have it checked",
                   {}});
  }
}

void LineWatch::watch_noise(const CycleReport& r, TimePoint now, std::vector<Notice>& out) {
  if (!window_started_) {
    window_started_ = true;
    window_start_ = now;
  }
  window_requests_ += r.replies.size() + r.failures.size();
  for (const RequestFailed& f : r.failures) {
    // A lost link and an unsupported command are reported on their own.
    if (f.reason == Failure::io || f.reason == Failure::unsupported) continue;
    ++window_failures_[static_cast<std::size_t>(f.reason)];
  }
  if (now - window_start_ < options_.summary_period) return;
  std::uint64_t failed = 0;
  for (auto n : window_failures_) failed += n;
  const bool noisy = failed > 0 && static_cast<double>(failed) >
                                       options_.noisy_share * static_cast<double>(window_requests_);
  const std::string counts = std::to_string(failed) + " of " + std::to_string(window_requests_) +
                             " requests failed in " + period_text(options_.summary_period);
  if (silent_in_window_) {
    // The silence was reported; its failures say nothing about the line's noise.
  } else if (noisy) {
    noisy_reported_ = true;
    out.push_back({Notice::Kind::line_noisy,
                   counts + " (" + reasons_text(window_failures_) +
                       "); check the cable or bridge (docs/troubleshooting.md)",
                   {}});
  } else if (noisy_reported_) {
    noisy_reported_ = false;
    out.push_back({Notice::Kind::line_recovered, "line recovered: " + counts, {}});
  }
  window_start_ = now;
  window_requests_ = 0;
  window_failures_.fill(0);
  silent_in_window_ = false;
}

}  // namespace intergas
