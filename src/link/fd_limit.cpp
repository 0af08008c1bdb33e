#include "link/fd_limit.h"

#include <sys/resource.h>
#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "link/fd_placement.h"

namespace intergas {
namespace {

constexpr std::uint64_t kSelectRange = FD_SETSIZE;
constexpr std::uint64_t kFixedMargin = 64;
constexpr std::uint64_t kRound = 1024;

std::uint64_t round_up(std::uint64_t v) { return (v + kRound - 1) / kRound * kRound; }

std::uint64_t to_plan_value(rlim_t v) {
  return v == RLIM_INFINITY ? kNoFdLimit : static_cast<std::uint64_t>(v);
}

rlim_t to_rlim(std::uint64_t v) { return v == kNoFdLimit ? RLIM_INFINITY : static_cast<rlim_t>(v); }

std::string limit_text(std::uint64_t v) {
  return v == kNoFdLimit ? std::string("unlimited") : std::to_string(v);
}

std::string fix_text(std::uint64_t want) {
  const std::string n = std::to_string(want);
  return "raise it to " + n + " or more: LimitNOFILE=" + n +
         " in a drop-in for collectd.service (systemctl edit collectd), or ulimit -n " + n +
         " before starting collectd";
}

std::string allows_text(std::uint64_t limit) {
  return limit == kNoFdLimit ? std::string("any number of boilers")
                             : "up to " + std::to_string(boilers_within(limit)) + " boilers";
}

}  // namespace

std::uint64_t fd_need(std::size_t boilers) {
  const auto b = static_cast<std::uint64_t>(boilers);
  return kSelectRange + kFixedMargin + b + b / 4;
}

std::uint64_t boilers_within(std::uint64_t limit) {
  if (limit == kNoFdLimit) return kNoFdLimit;
  if (limit < fd_need(0)) return 0;
  // b + b/4 <= limit - fd_need(0): start from the real-valued answer, then step to the exact one.
  const std::uint64_t room = limit - fd_need(0);
  std::uint64_t b = room * 4 / 5;
  while (b > 0 && fd_need(static_cast<std::size_t>(b)) > limit) --b;
  while (fd_need(static_cast<std::size_t>(b + 1)) <= limit) ++b;
  return b;
}

FdLimitPlan plan_fd_limit(std::uint64_t soft, std::uint64_t hard, std::size_t boilers) {
  FdLimitPlan p;
  p.boilers = boilers;
  p.soft = soft;
  p.hard = hard;
  p.need = fd_need(boilers);
  p.suggested = round_up(p.need);
  if (boilers <= kFewBoilers) {
    p.action = FdLimitPlan::Action::few;
    p.new_soft = soft;
  } else if (soft >= p.need) {
    p.action = FdLimitPlan::Action::keep;
    p.new_soft = soft;
  } else if (hard >= p.need) {
    p.action = FdLimitPlan::Action::raise;
    p.new_soft = std::min(hard, p.suggested);
  } else {
    p.action = FdLimitPlan::Action::too_low;
    p.new_soft = std::max(soft, hard);  // as far as it goes (hard >= soft, but be safe)
  }
  return p;
}

std::string describe_fd_limit(const FdLimitPlan& p) {
  const std::string boilers = std::to_string(p.boilers) + (p.boilers == 1 ? " boiler" : " boilers");
  const std::string range =
      "above the select() range (FD_SETSIZE " + std::to_string(kSelectRange) + ")";
  switch (p.action) {
    case FdLimitPlan::Action::few:
      return "";
    case FdLimitPlan::Action::keep:
      return "descriptor limit " + limit_text(p.soft) + " (hard " + limit_text(p.hard) +
             ") keeps the links of " + boilers + " " + range + ": room for " + allows_text(p.soft);
    case FdLimitPlan::Action::raise:
      return "raised the soft descriptor limit from " + limit_text(p.soft) + " to " +
             limit_text(p.new_soft) + " to keep the links of " + boilers + " " + range +
             ": room for " + allows_text(p.new_soft) + " (" +
             (p.hard == kNoFdLimit
                  ? std::string("no hard limit")
                  : allows_text(p.hard) + " within the hard limit " + limit_text(p.hard)) +
             ")";
    case FdLimitPlan::Action::too_low:
      break;
  }
  return "descriptor limit too low for " + boilers + ": the hard limit " + limit_text(p.hard) +
         " keeps " + allows_text(p.hard) + " " + range +
         ", the others take numbers select() users (write_prometheus) need and scrapes may be "
         "refused; " +
         fix_text(p.suggested);
}

FdLimitOutcome ensure_fd_limit(std::size_t boilers) {
  if (boilers <= kFewBoilers) return {true, ""};
  rlimit now{};
  if (::getrlimit(RLIMIT_NOFILE, &now) != 0) {
    return {false, "cannot read the descriptor limit (RLIMIT_NOFILE): " +
                       std::system_category().message(errno)};
  }
  const FdLimitPlan plan =
      plan_fd_limit(to_plan_value(now.rlim_cur), to_plan_value(now.rlim_max), boilers);
  if (plan.new_soft != plan.soft) {
    rlimit want = now;
    want.rlim_cur = to_rlim(plan.new_soft);
    if (::setrlimit(RLIMIT_NOFILE, &want) != 0) {
      return {false, "cannot raise the soft descriptor limit from " + limit_text(plan.soft) +
                         " to " + limit_text(plan.new_soft) + ": " +
                         std::system_category().message(errno) + "; " + fix_text(plan.suggested)};
    }
  }
  place_above_select_range(true);
  return {plan.ok(), describe_fd_limit(plan)};
}

}  // namespace intergas
