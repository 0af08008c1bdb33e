// poll()'s timeout for a wake-up `wait` away: whole milliseconds rounded up (waking a little late
// is fine, waking early spins), clamped to 0 .. INT_MAX (a wake-up in the past, or one further
// than an int of milliseconds, some 24 days, which the caller re-checks on waking).
#pragma once

#include <algorithm>
#include <chrono>
#include <climits>

namespace intergas {

template <class Rep, class Period>
int poll_timeout_ms(std::chrono::duration<Rep, Period> wait) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, INT_MAX));
}

}  // namespace intergas
