#include "client/backoff.h"

namespace intergas {

Backoff::Delay Backoff::next() {
  const Delay now = next_;
  next_ = (next_ > cap_ / 2) ? cap_ : next_ * 2;
  return now;
}

}  // namespace intergas
