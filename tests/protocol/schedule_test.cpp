#include "protocol/schedule.h"

#include <gtest/gtest.h>

namespace intergas {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Schedule, DefaultsReadCountersOnceAMinuteAndVersionEveryFiveMinutes) {
  const Schedule s = Schedule::defaults(seconds(10));
  EXPECT_EQ(s.every(Command::status), 1);
  EXPECT_EQ(s.every(Command::status_extra), 1);
  EXPECT_EQ(s.every(Command::counters), 6);
  EXPECT_EQ(s.every(Command::diagnostics), 6);
  EXPECT_EQ(s.every(Command::parameters), 6);
  EXPECT_EQ(s.every(Command::version), 30);
  EXPECT_EQ(s.every(Command::fault_stats), 0);
}

TEST(Schedule, SlowIntervalsStillReadEveryGroupEachCycle) {
  const Schedule s = Schedule::defaults(seconds(120));
  EXPECT_EQ(s.every(Command::counters), 1);
  EXPECT_EQ(s.every(Command::version), 2) << "240 s: never past StalenessDelta (300 s)";
}

TEST(Schedule, StatusCannotBeTurnedOff) {
  Schedule s;
  s.set_every(Command::status, 0);
  EXPECT_EQ(s.every(Command::status), 1);
}

TEST(ScheduleState, DueAfterResetThenEveryN) {
  Schedule s;
  s.set_every(Command::counters, 3);
  ScheduleState st(s);
  EXPECT_TRUE(st.is_due(Command::counters, 10));
  EXPECT_FALSE(st.is_due(Command::version, 10)) << "off stays off";
  st.succeeded(Command::counters, 10);
  EXPECT_FALSE(st.is_due(Command::counters, 11));
  EXPECT_FALSE(st.is_due(Command::counters, 12));
  EXPECT_TRUE(st.is_due(Command::counters, 13));
  st.reset();
  EXPECT_TRUE(st.is_due(Command::counters, 11));
}

}  // namespace
}  // namespace intergas
