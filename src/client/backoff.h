// Capped doubling delay between reopen attempts. Pure: no clock, no sleeping.
#pragma once

#include <chrono>

namespace intergas {

class Backoff {
 public:
  using Delay = std::chrono::milliseconds;

  // first, 2*first, 4*first ... never more than cap (cap below first means first).
  Backoff(Delay first, Delay cap) : first_(first), cap_(cap < first ? first : cap), next_(first) {}

  // The delay to wait now; the one after it doubles, up to the cap.
  Delay next();
  // After a success: the next failure waits `first` again.
  void reset() { next_ = first_; }

 private:
  Delay first_, cap_, next_;
};

}  // namespace intergas
