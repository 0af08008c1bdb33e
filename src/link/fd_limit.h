// RLIMIT_NOFILE for a plugin whose descriptors live above the select() range (fd_placement.h):
// with the usual soft limit of 1024 there is no room above FD_SETSIZE at all, so for more than a
// few boilers the soft limit is raised (never past the hard limit) to what they need. A few
// boilers' links are left where they open and the limit alone: they cost select() users too few
// numbers to matter, and a raised limit is inherited by every child other plugins exec. The
// decision is a pure function of (soft, hard, boilers), so it is tested without touching the
// process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace intergas {

// RLIM_INFINITY, as plan_fd_limit takes and reports it.
inline constexpr std::uint64_t kNoFdLimit = UINT64_MAX;
// Up to this many boilers, links below FD_SETSIZE cost select() users too few numbers to matter:
// neither the limit nor the descriptors are touched.
inline constexpr std::size_t kFewBoilers = 64;

// Descriptors a process with `boilers` links needs to keep them all above the select() range:
// FD_SETSIZE, one per boiler, and a margin of 64 + a quarter per boiler (a link resolving a host
// name holds a pipe's two ends for a moment; the poll loop's eventfd; collectd's own).
std::uint64_t fd_need(std::size_t boilers);
// The most boilers a soft limit of `limit` descriptors keeps above the select() range
// (the inverse of fd_need; 0 when `limit` leaves no room, kNoFdLimit for kNoFdLimit).
std::uint64_t boilers_within(std::uint64_t limit);

struct FdLimitPlan {
  enum class Action {
    few,      // kFewBoilers or fewer: nothing to do, nothing to say
    keep,     // the soft limit is enough already
    raise,    // raise the soft limit to new_soft (enough)
    too_low,  // the hard limit is below fd_need: raise the soft limit as far as it goes (new_soft),
              // some links will take numbers below FD_SETSIZE; the administrator must raise it
  };
  Action action = Action::keep;
  std::size_t boilers = 0;
  std::uint64_t soft = 0, hard = 0;  // as found
  std::uint64_t need = 0;            // fd_need(boilers)
  std::uint64_t new_soft = 0;        // the soft limit to set (== soft for keep)
  // What to ask the administrator for (too_low): need rounded up to a multiple of 1024.
  std::uint64_t suggested = 0;
  // False (log a warning) when the links do not fit above.
  bool ok() const { return action != Action::too_low; }
};

// Pure: what to do with the soft limit for `boilers` links, given the limits found. A raise goes
// to `need` rounded up to a multiple of 1024 (capped at the hard limit), not to the hard limit
// itself: some programs close every possible descriptor when they fork (collectd's exec plugin),
// and the hard limit may be a million.
FdLimitPlan plan_fd_limit(std::uint64_t soft, std::uint64_t hard, std::size_t boilers);

// One line for the log: what was (or is to be) done and how many boilers the limit allows; for
// too_low also the fix (LimitNOFILE= in a systemd drop-in for collectd.service, or ulimit -n);
// "" for few.
std::string describe_fd_limit(const FdLimitPlan& plan);

struct FdLimitOutcome {
  bool ok = false;   // false: the limit is too low, or reading or raising it failed (log a warning)
  std::string text;  // one line, for the log; "" when there is nothing to say
};

// For more than kFewBoilers: getrlimit, plan_fd_limit, setrlimit when a raise is planned, and
// place_above_select_range(true). For a few: nothing. Call once, before the links open.
FdLimitOutcome ensure_fd_limit(std::size_t boilers);

}  // namespace intergas
