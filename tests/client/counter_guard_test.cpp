// CounterGuard in virtual time: every expected figure is worked out by hand in the test.
#include "client/counter_guard.h"

#include <gtest/gtest.h>

#include <vector>

#include "client/metric_types.h"

namespace intergas {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Metric derive(std::string_view type, std::string_view instance, std::int64_t v) {
  Metric m;
  m.type = std::string(type);
  m.type_instance = std::string(instance);
  m.kind = DsKind::derive;
  m.derive = v;
  return m;
}
Metric gas_ch(std::int64_t litres) { return derive("gas_liters", "ch", litres); }
Metric ch_seconds(std::int64_t hours_) { return derive("operation_seconds", "ch", hours_ * 3600); }
Metric resets(std::int64_t n) { return derive("events", "reset", n); }

class CounterGuardTest : public ::testing::Test {
 protected:
  // Checks `m` `after` the previous check.
  CounterCheck at(Duration after, const Metric& m) {
    now += after;
    return guard.check(m, now);
  }

  CounterGuard guard;
  TimePoint now{hours(1000)};
};

TEST_F(CounterGuardTest, TheFirstValueIsTheBaseline) {
  const CounterCheck c = at(seconds(0), gas_ch(58558785));
  EXPECT_EQ(c.verdict, CounterVerdict::baseline);
  EXPECT_TRUE(c.dispatch());
  EXPECT_EQ(c.value, 58558785);
}

TEST_F(CounterGuardTest, GoingBackIsHeld) {
  at(seconds(0), gas_ch(58558785));
  // Issue 15's corrupted reply.
  const CounterCheck c = at(minutes(1), gas_ch(4871703));
  EXPECT_EQ(c.verdict, CounterVerdict::held_lower);
  EXPECT_FALSE(c.dispatch());
  EXPECT_EQ(c.value, 4871703) << "the value held, for the log";
  EXPECT_EQ(c.last, 58558785);
  EXPECT_EQ(c.held, 1u);
  EXPECT_EQ(c.agreeing, 1);
}

TEST_F(CounterGuardTest, AHighBitFlippedUpwardIsHeld) {
  at(seconds(0), derive("burner_starts", "all", 835836));
  // 835 836 with bit 20 (1 048 576) set: 1 884 412 starts in a minute.
  const CounterCheck c = at(minutes(1), derive("burner_starts", "all", 1884412));
  EXPECT_EQ(c.verdict, CounterVerdict::held_too_high);
  EXPECT_FALSE(c.dispatch());
}

TEST_F(CounterGuardTest, NormalGrowthPasses) {
  at(seconds(0), gas_ch(58558785));
  const CounterCheck c = at(minutes(1), gas_ch(58558885));  // 100 L in a minute: 6 m3/h
  EXPECT_EQ(c.verdict, CounterVerdict::passed);
  EXPECT_EQ(c.value, 58558885);
  EXPECT_EQ(at(minutes(1), gas_ch(58558885)).verdict, CounterVerdict::passed) << "unchanged";
  EXPECT_EQ(at(minutes(1), derive("burner_starts", "all", 7)).verdict, CounterVerdict::baseline)
      << "each series has its own baseline";
}

TEST_F(CounterGuardTest, HoursRiseAtMostByTheWholeHoursElapsedPlusOne) {
  at(seconds(0), ch_seconds(1000));
  // 2 h 59 min 59 s = 10 799 s: 2 whole hours elapsed, so at most 3 more hours.
  const Duration elapsed = seconds(10799);
  EXPECT_EQ(at(elapsed, ch_seconds(1004)).verdict, CounterVerdict::held_too_high);
  const CounterCheck c = at(seconds(0), ch_seconds(1003));
  EXPECT_EQ(c.verdict, CounterVerdict::passed);
  EXPECT_EQ(c.value, 1003 * 3600);
  // One second later is 0 whole hours after 1003 was let through: one more hour at most.
  EXPECT_EQ(at(seconds(1), ch_seconds(1005)).verdict, CounterVerdict::held_too_high);
  EXPECT_EQ(at(seconds(0), ch_seconds(1004)).verdict, CounterVerdict::passed);
}

TEST_F(CounterGuardTest, HoursAtExactlyWholeHours) {
  at(seconds(0), derive("operation_seconds", "powered", 1000 * 3600));
  // Exactly 3 h: 3 whole hours, so at most 4 more hours.
  EXPECT_EQ(at(hours(3), derive("operation_seconds", "powered", 1005 * 3600)).verdict,
            CounterVerdict::held_too_high);
  EXPECT_EQ(at(seconds(0), derive("operation_seconds", "powered", 1004 * 3600)).verdict,
            CounterVerdict::passed);
}

TEST_F(CounterGuardTest, GasRisesAtMostAtTheDefaultRate) {
  // 8 m3/h = 8000 L/h: one litre per 3600 s / 8000 = 0.45 s. In 60 s: 60 / 0.45 = 133.3, so
  // 133 whole litres, plus one: 134.
  at(seconds(0), gas_ch(1000));
  EXPECT_EQ(at(seconds(60), gas_ch(1135)).verdict, CounterVerdict::held_too_high);
  EXPECT_EQ(at(seconds(0), gas_ch(1134)).verdict, CounterVerdict::passed);
}

TEST(CounterGuard, TheGasRateIsConfigurable) {
  // 4 m3/h: one litre per 0.9 s. In 60 s: 66.7, so 66 litres, plus one: 67.
  CounterGuard guard(4.0);
  const TimePoint t0{hours(1)};
  guard.check(gas_ch(1000), t0);
  EXPECT_EQ(guard.check(gas_ch(1068), t0 + seconds(60)).verdict, CounterVerdict::held_too_high);
  EXPECT_EQ(guard.check(gas_ch(1067), t0 + seconds(60)).verdict, CounterVerdict::passed);
}

TEST_F(CounterGuardTest, WaterRisesAtMostAtTheHighestTapFlow) {
  // 60 l/min is one litre per second: in 60 s, 60 litres plus one.
  at(seconds(0), derive("dhw_water_liters", "", 500));
  EXPECT_EQ(at(seconds(60), derive("dhw_water_liters", "", 562)).verdict,
            CounterVerdict::held_too_high);
  EXPECT_EQ(at(seconds(0), derive("dhw_water_liters", "", 561)).verdict, CounterVerdict::passed);
}

TEST_F(CounterGuardTest, StartsRiseAtMostOnePerFiveSeconds) {
  // 60 s: 12 ignition sequences, plus one: 13.
  at(seconds(0), derive("burner_starts", "dhw", 100));
  EXPECT_EQ(at(seconds(60), derive("burner_starts", "dhw", 114)).verdict,
            CounterVerdict::held_too_high);
  EXPECT_EQ(at(seconds(0), derive("burner_starts", "dhw", 113)).verdict, CounterVerdict::passed);
}

TEST_F(CounterGuardTest, ASixteenBitHoursCountWrapsUpward) {
  at(seconds(0), ch_seconds(65535));
  // The boiler's 16-bit count went 65535 -> 65535 + 3 = 65538 = 2 modulo 65536. Three hours
  // need two whole hours elapsed (2 + 1).
  const CounterCheck c = at(hours(2), ch_seconds(2));
  EXPECT_EQ(c.verdict, CounterVerdict::wrapped);
  EXPECT_TRUE(c.dispatch());
  EXPECT_EQ(c.value, std::int64_t{65538} * 3600);
  const CounterCheck next = at(hours(3), ch_seconds(5));
  EXPECT_EQ(next.verdict, CounterVerdict::passed);
  EXPECT_EQ(next.value, std::int64_t{65541} * 3600) << "the wrap is kept";
}

TEST_F(CounterGuardTest, ASixteenBitEventCountWrapsUpward) {
  at(seconds(0), resets(65535));
  const CounterCheck c = at(minutes(1), resets(2));  // 3 resets in a minute: at most 13
  EXPECT_EQ(c.verdict, CounterVerdict::wrapped);
  EXPECT_EQ(c.value, 65538);
}

TEST_F(CounterGuardTest, AWrapTooFarForTheTimeIsAGoBack) {
  at(seconds(0), ch_seconds(65535));
  // 65535 -> 2 is three hours; one minute allows one.
  EXPECT_EQ(at(minutes(1), ch_seconds(2)).verdict, CounterVerdict::held_lower);
}

TEST_F(CounterGuardTest, TwentyFourBitCountsDoNotWrapAtSixteenBits) {
  at(seconds(0), derive("burner_starts", "all", 65535));
  EXPECT_EQ(at(minutes(1), derive("burner_starts", "all", 2)).verdict, CounterVerdict::held_lower);
}

TEST_F(CounterGuardTest, AConfirmedLowerValueBecomesTheBaselineOnce) {
  at(seconds(0), resets(4051));
  // A replaced controller counts from 12; three reads agree (each within 13 of the one before).
  const CounterCheck first = at(minutes(1), resets(12));
  EXPECT_EQ(first.verdict, CounterVerdict::held_lower);
  EXPECT_EQ(first.agreeing, 1);
  const CounterCheck second = at(minutes(1), resets(12));
  EXPECT_EQ(second.verdict, CounterVerdict::held_lower);
  EXPECT_EQ(second.agreeing, 2);
  const CounterCheck third = at(minutes(1), resets(13));
  EXPECT_EQ(third.verdict, CounterVerdict::rebaselined);
  EXPECT_TRUE(third.dispatch());
  EXPECT_EQ(third.value, 13);
  EXPECT_EQ(third.last, 4051);
  const CounterCheck after = at(minutes(1), resets(13));
  EXPECT_EQ(after.verdict, CounterVerdict::passed) << "the notice is given once";
  EXPECT_EQ(after.value, 13);
}

TEST_F(CounterGuardTest, AConfirmedRebaselineForgetsTheWraps) {
  at(seconds(0), resets(65535));
  ASSERT_EQ(at(minutes(1), resets(2)).value, 65538);
  at(minutes(1), resets(0));
  at(minutes(1), resets(0));
  const CounterCheck c = at(minutes(1), resets(0));
  EXPECT_EQ(c.verdict, CounterVerdict::rebaselined);
  EXPECT_EQ(c.value, 0) << "what the boiler sends";
  EXPECT_EQ(at(minutes(1), resets(1)).value, 1);
}

TEST_F(CounterGuardTest, AConfirmedFarHigherValueBecomesTheBaseline) {
  at(seconds(0), gas_ch(1000));
  EXPECT_EQ(at(minutes(1), gas_ch(900000)).verdict, CounterVerdict::held_too_high);
  EXPECT_EQ(at(minutes(1), gas_ch(900050)).verdict, CounterVerdict::held_too_high);
  const CounterCheck c = at(minutes(1), gas_ch(900100));
  EXPECT_EQ(c.verdict, CounterVerdict::rebaselined);
  EXPECT_EQ(c.value, 900100);
}

TEST_F(CounterGuardTest, ASingleLowerValueFollowedByTheNormalOneIsDroppedSilently) {
  at(seconds(0), gas_ch(58558785));
  EXPECT_EQ(at(minutes(1), gas_ch(4871703)).verdict, CounterVerdict::held_lower);
  const CounterCheck back = at(minutes(1), gas_ch(58558800));
  EXPECT_EQ(back.verdict, CounterVerdict::passed);
  EXPECT_EQ(back.value, 58558800);
  // Stray values between normal ones never add up to a rebaseline.
  for (int i = 0; i < 5; ++i) {
    const CounterCheck stray = at(minutes(1), gas_ch(4871703));
    EXPECT_EQ(stray.verdict, CounterVerdict::held_lower);
    EXPECT_EQ(stray.agreeing, 1);
    EXPECT_EQ(at(minutes(1), gas_ch(58558800)).verdict, CounterVerdict::passed);
  }
}

TEST_F(CounterGuardTest, HeldValuesThatDisagreeDoNotConfirmEachOther) {
  at(seconds(0), gas_ch(58558785));
  EXPECT_EQ(at(minutes(1), gas_ch(4871703)).agreeing, 1);
  EXPECT_EQ(at(minutes(1), gas_ch(9000000)).agreeing, 1) << "far above the one before";
  EXPECT_EQ(at(minutes(1), gas_ch(4871703)).agreeing, 1) << "below the one before";
  const CounterCheck c = at(minutes(1), gas_ch(58558785));
  EXPECT_EQ(c.verdict, CounterVerdict::passed);
  EXPECT_EQ(c.held, 3u);
}

TEST_F(CounterGuardTest, OtherMetricsAreNotGuarded) {
  Metric temperature;
  temperature.type = "temperature_celsius";
  temperature.type_instance = "supply";
  temperature.gauge = 55.5;
  EXPECT_EQ(at(seconds(0), temperature).verdict, CounterVerdict::unguarded);
  // The link's own counters come from the plugin's memory, not from the line.
  at(seconds(0), derive("requests_sent", "status", 100));
  const CounterCheck c = at(minutes(1), derive("requests_sent", "status", 1));
  EXPECT_EQ(c.verdict, CounterVerdict::unguarded);
  EXPECT_TRUE(c.dispatch());
  EXPECT_EQ(c.value, 1);
}

// The table covers every DERIVE value a reading gives: a counter added to metrics.cpp without a
// bound fails here.
TEST(CounterBounds, CoverEveryCounterOfTheBoilersData) {
  std::vector<Metric> metrics;
  append_reading_metrics(Reading{CountersReading{}}, metrics);
  int derives = 0;
  for (const Metric& m : metrics) {
    if (m.kind != DsKind::derive) continue;
    ++derives;
    EXPECT_NE(find_counter_bound(m.type, m.type_instance), nullptr)
        << m.type << "/" << m.type_instance;
  }
  EXPECT_EQ(derives, 12) << "protocol.md 9: 9 counts and 3 meters";
}

TEST(CounterBounds, TheSixteenBitCountsAreTheOnesThatWrapThere) {
  const char* sixteen[][2] = {{"operation_seconds", "ch"}, {"operation_seconds", "dhw"},
                              {"events", "power_loss"},    {"events", "ignition_failure"},
                              {"events", "flame_loss"},    {"events", "reset"}};
  for (const auto& s : sixteen) {
    const CounterBound* row = find_counter_bound(s[0], s[1]);
    ASSERT_NE(row, nullptr) << s[0] << "/" << s[1];
    EXPECT_EQ(row->width_bits, 16) << s[0] << "/" << s[1];
  }
}

}  // namespace
}  // namespace intergas
