#include "client/backoff.h"

#include <gtest/gtest.h>

namespace intergas {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesFromTheFirstDelayUpToTheCap) {
  Backoff b(milliseconds(1000), milliseconds(30000));
  std::vector<long> seen;
  for (int i = 0; i < 8; ++i) seen.push_back(static_cast<long>(b.next().count()));
  EXPECT_EQ(seen, (std::vector<long>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
}

TEST(Backoff, ResetStartsOver) {
  Backoff b(milliseconds(500), milliseconds(4000));
  b.next();
  b.next();
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(500));
}

TEST(Backoff, ACapBelowTheFirstDelayMeansTheFirstDelay) {
  Backoff b(milliseconds(1000), milliseconds(10));
  EXPECT_EQ(b.next(), milliseconds(1000));
  EXPECT_EQ(b.next(), milliseconds(1000));
}

}  // namespace
}  // namespace intergas
