// plan_fd_limit and its log line, on made-up limits (the process's own limit is not touched).
#include "link/fd_limit.h"

#include <gtest/gtest.h>
#include <sys/select.h>

#include <string>

namespace intergas {
namespace {

using Action = FdLimitPlan::Action;

// The documented rule, spelled out: FD_SETSIZE, one per boiler, 64 + a quarter per boiler.
constexpr std::uint64_t kNeed1100 = 1024 + 1100 + 64 + 1100 / 4;  // 2463

TEST(FdLimit, NeedIsTheSelectRangePlusOnePerBoilerPlusMargin) {
  ASSERT_EQ(FD_SETSIZE, 1024);
  EXPECT_EQ(fd_need(0), 1024u + 64u);
  EXPECT_EQ(fd_need(1100), kNeed1100);
  EXPECT_EQ(fd_need(4), 1024u + 64u + 4u + 1u);
}

TEST(FdLimit, BoilersWithinInvertsNeed) {
  EXPECT_EQ(boilers_within(1024), 0u);  // the usual soft limit: no room above the range at all
  EXPECT_EQ(boilers_within(1088), 0u);
  EXPECT_EQ(boilers_within(1089), 1u);
  EXPECT_EQ(boilers_within(kNeed1100), 1100u);
  EXPECT_EQ(boilers_within(kNeed1100 - 1), 1099u);
  EXPECT_EQ(boilers_within(kNoFdLimit), kNoFdLimit);
  for (std::uint64_t limit = 1000; limit < 20000; limit += 7) {
    const std::uint64_t b = boilers_within(limit);
    if (b > 0) {
      EXPECT_LE(fd_need(static_cast<std::size_t>(b)), limit) << limit;
    }
    EXPECT_GT(fd_need(static_cast<std::size_t>(b + 1)), limit) << limit;
  }
}

TEST(FdLimit, EnoughSoftLimitIsKept) {
  const FdLimitPlan p = plan_fd_limit(20000, 20000, 1100);
  EXPECT_EQ(p.action, Action::keep);
  EXPECT_EQ(p.new_soft, 20000u);
  EXPECT_TRUE(p.ok());
  const std::string text = describe_fd_limit(p);
  EXPECT_NE(text.find("1100 boilers"), std::string::npos) << text;
  // (20000 - 1088) = 18912 = b + b/4 -> b = 15130 (15130 + 3782 = 18912).
  EXPECT_NE(text.find("room for up to 15130 boilers"), std::string::npos) << text;
}

TEST(FdLimit, SoftLimitRaisedToNeedRoundedUpNotToTheHardLimit) {
  // systemd's default for services: soft 1024, hard 524288.
  const FdLimitPlan p = plan_fd_limit(1024, 524288, 1100);
  EXPECT_EQ(p.action, Action::raise);
  EXPECT_EQ(p.need, kNeed1100);
  EXPECT_EQ(p.new_soft, 3072u);  // 2463 rounded up to a multiple of 1024
  EXPECT_TRUE(p.ok());
  const std::string text = describe_fd_limit(p);
  EXPECT_NE(text.find("from 1024 to 3072"), std::string::npos) << text;
  EXPECT_NE(text.find("room for up to 1587 boilers"), std::string::npos) << text;  // 3072
  EXPECT_NE(text.find("up to 418560 boilers within the hard limit 524288"), std::string::npos)
      << text;
}

TEST(FdLimit, RaiseIsCappedAtTheHardLimit) {
  const FdLimitPlan p = plan_fd_limit(1024, 2500, 1100);  // 2463 <= 2500 < 3072
  EXPECT_EQ(p.action, Action::raise);
  EXPECT_EQ(p.new_soft, 2500u);
}

TEST(FdLimit, UnlimitedHardLimit) {
  const FdLimitPlan p = plan_fd_limit(1024, kNoFdLimit, 1100);
  EXPECT_EQ(p.action, Action::raise);
  EXPECT_EQ(p.new_soft, 3072u);
  EXPECT_NE(describe_fd_limit(p).find("(no hard limit)"), std::string::npos)
      << describe_fd_limit(p);
}

TEST(FdLimit, HardLimitTooLowSaysHowManyFitAndTheFix) {
  const FdLimitPlan p = plan_fd_limit(1024, 2048, 1100);
  EXPECT_EQ(p.action, Action::too_low);
  EXPECT_EQ(p.new_soft, 2048u);  // still as far as it goes
  EXPECT_FALSE(p.ok());
  const std::string text = describe_fd_limit(p);
  EXPECT_NE(text.find("too low for 1100 boilers"), std::string::npos) << text;
  // (2048 - 1088) = 960 = b + b/4 -> b = 768.
  EXPECT_NE(text.find("up to 768 boilers"), std::string::npos) << text;
  EXPECT_NE(text.find("LimitNOFILE=3072"), std::string::npos) << text;
  EXPECT_NE(text.find("collectd.service"), std::string::npos) << text;
  EXPECT_NE(text.find("ulimit -n 3072"), std::string::npos) << text;
}

// A few boilers: the limit is left alone whatever it is (no raise inherited by other plugins'
// children) and nothing is said.
TEST(FdLimit, AFewBoilersLeaveTheLimitAloneAndSayNothing) {
  for (std::uint64_t hard : {std::uint64_t{1024}, std::uint64_t{524288}, kNoFdLimit}) {
    const FdLimitPlan p = plan_fd_limit(1024, hard, kFewBoilers);
    EXPECT_EQ(p.action, Action::few) << hard;
    EXPECT_EQ(p.new_soft, 1024u);
    EXPECT_TRUE(p.ok());
    EXPECT_EQ(describe_fd_limit(p), "");
  }
  EXPECT_EQ(plan_fd_limit(1024, 524288, 1).action, Action::few);
  EXPECT_EQ(plan_fd_limit(1024, 524288, kFewBoilers + 1).action, Action::raise);
  EXPECT_FALSE(plan_fd_limit(1024, 1024, kFewBoilers + 1).ok());
}
}  // namespace
}  // namespace intergas
