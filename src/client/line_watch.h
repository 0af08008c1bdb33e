// What a boiler's read cycles are worth saying in the log, and no more: calm on a marginal line,
// explicit about a boiler that behaves unexpectedly. Pure: cycle reports and time points in,
// Notices out; no clock, no I/O (tested in virtual time).
//
// * Silence is reported only once the status request has failed for `silent_after` (and at least
//   `silent_min_cycles` cycles) in a row, and answering only after such a report ("again" only
//   for a boiler that answered before): a single failed cycle is a counter, not a log line.
// * A boiler that has not answered since its link opened is named after `silent_min_cycles`
//   reads, and again on every later read (the plugin rate-limits that notice with c_complain),
//   with what was tried and what to check.
// * A line that fails some requests without going silent is summarised once per
//   `summary_period` when more than `noisy_share` of its requests failed, and once more when a
//   period is clean again. "Noisy" is the shipped alert's threshold (IntergasLinkErrorsRising in
//   contrib/prometheus/intergas.rules.yml: more than 10 % of requests); the alert looks at 15
//   minutes to fire soon, the log sums up an hour to stay calm.
// * What meeting the boiler found (framing, firmware, the commands it answers) is said once, when
//   every enabled command (scheduled and asked of its framing, is_asked_of) has answered or been
//   marked unsupported; later changes one line each.
// * A frame rejected by the same rule `repeats_before_warning` times in a row is shown once, raw.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "client/notice.h"
#include "protocol/session.h"

namespace intergas {

struct CycleReport;

struct LineWatchOptions {
  Duration silent_after = std::chrono::seconds(60);
  int silent_min_cycles = 3;
  Duration summary_period = std::chrono::hours(1);
  double noisy_share = 0.10;  // more than 10 % of requests, as the shipped alert
  int repeats_before_warning = 5;
};

class LineWatch {
 public:
  explicit LineWatch(LineWatchOptions options = {}) : options_(options) {}

  void link_opened(TimePoint now);
  // After each cycle that ran on an open link. `device` names the link in the texts.
  void cycle_done(const CycleReport& report, const Session& session, const std::string& device,
                  TimePoint now, std::vector<Notice>& out);

  // Per command, as last known: answered (true) or marked unsupported (false); unknown until
  // either. Kept across a reopen, so command_supported does not vanish until each command
  // answers again.
  const std::array<std::optional<bool>, kCommandCount>& support() const { return known_support_; }

 private:
  void watch_status(const CycleReport& r, const Session& s, const std::string& device,
                    TimePoint now, std::vector<Notice>& out);
  void watch_support(const CycleReport& r, const Session& s, std::vector<Notice>& out);
  void watch_frames(const CycleReport& r, const std::string& device, std::vector<Notice>& out);
  void watch_noise(const CycleReport& r, TimePoint now, std::vector<Notice>& out);
  // Groups the cycle budget keeps leaving for a later read: said once.
  void watch_budget(const CycleReport& r, const Session& s, std::vector<Notice>& out);
  // Who the boiler is, as the identification line says it: said again only when this changes.
  struct Identity {
    std::string firmware;
    Model model = Model::hre;
    std::array<std::optional<bool>, kCommandCount> support{};  // of the enabled commands
    bool operator==(const Identity& o) const {
      return firmware == o.firmware && model == o.model && support == o.support;
    }
  };
  Identity identity(const Session& s) const;
  std::string identity_text(const Session& s) const;

  LineWatchOptions options_;
  // Status request
  bool answered_since_open_ = false;
  bool answered_ever_ = false;
  bool silent_reported_ = false;
  int failed_cycles_ = 0;
  TimePoint failing_since_{};
  TimePoint opened_at_{};
  std::array<std::uint64_t, kFailureCount> failures_since_open_{};
  // Meeting the boiler
  std::array<std::optional<bool>, kCommandCount> support_{};  // since the link opened
  std::array<std::optional<bool>, kCommandCount> known_support_{};
  std::string firmware_;
  std::optional<Identity> identified_;  // the last identification said
  bool reidentify_ = false;
  // Frame rules already shown once: (trusted rather than rejected, command, rule).
  std::set<std::tuple<bool, Command, std::string>> said_once_;
  bool said_deferred_ = false;  // the budget's deferrals were said
  // Repeated rejections, per command
  std::array<int, kCommandCount> rejections_in_a_row_{};
  std::array<std::string_view, kCommandCount> rejected_by_{};
  // Noise summary
  TimePoint window_start_{};
  bool window_started_ = false;
  bool silent_in_window_ = false;
  bool noisy_reported_ = false;
  std::uint64_t window_requests_ = 0;
  std::array<std::uint64_t, kFailureCount> window_failures_{};
};

}  // namespace intergas
