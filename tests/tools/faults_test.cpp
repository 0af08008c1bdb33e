// Seeded fault plans: deterministic, and each kind shapes the reply as documented.
#include "sim/faults.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace intergas::sim {
namespace {

using std::chrono::milliseconds;

const Bytes kReply(32, 0x55);

std::vector<std::string> plan_log(std::uint64_t seed, const FaultRates& rates, int n) {
  FaultInjector f(seed, /*index=*/0, rates);
  std::vector<std::string> log;
  for (int i = 0; i < n; ++i) {
    const ReplyPlan p = f.plan(kReply, milliseconds(100), milliseconds(1500));
    log.push_back(p.fault ? std::string(fault_kind_name(*p.fault)) + " " + p.detail : "-");
  }
  return log;
}

TEST(SimFaults, ParsesRates) {
  FaultRates r;
  std::string error;
  ASSERT_TRUE(parse_fault_rates("silence=0.02,short=0.5,late=0", r, error)) << error;
  EXPECT_EQ(r.p[static_cast<int>(FaultKind::silence)], 0.02);
  EXPECT_EQ(r.p[static_cast<int>(FaultKind::short_frame)], 0.5);
  EXPECT_FALSE(parse_fault_rates("loud=0.1", r, error));
  EXPECT_FALSE(parse_fault_rates("silence=2", r, error));
  EXPECT_FALSE(parse_fault_rates("silence", r, error));
  EXPECT_FALSE(parse_fault_rates("silence=0.6,short=0.6", r, error));
}

TEST(SimFaults, SameSeedSamePlans) {
  FaultRates r;
  std::string error;
  ASSERT_TRUE(parse_fault_rates("silence=0.1,short=0.1,garbage=0.1,stray=0.1,late=0.1", r, error));
  const auto a = plan_log(7, r, 200);
  EXPECT_EQ(a, plan_log(7, r, 200));
  EXPECT_NE(a, plan_log(8, r, 200));
  int faults = 0;
  for (const auto& l : a) faults += l != "-";
  EXPECT_GT(faults, 50);
  EXPECT_LT(faults, 150);
}

TEST(SimFaults, EachKindShapesTheReply) {
  FaultInjector f(1, 0, FaultRates{});
  for (int round = 0; round < 20; ++round) {
    f.force_next(FaultKind::short_frame);
    ReplyPlan p = f.plan(kReply, milliseconds(100), milliseconds(1500));
    EXPECT_GE(p.bytes.size(), 1u);
    EXPECT_LT(p.bytes.size(), 32u);
    f.force_next(FaultKind::garbage);
    p = f.plan(kReply, milliseconds(100), milliseconds(1500));
    EXPECT_GT(p.bytes.size(), 32u);
    f.force_next(FaultKind::stray);
    p = f.plan(kReply, milliseconds(100), milliseconds(1500));
    EXPECT_EQ(p.bytes, kReply);
    EXPECT_GE(p.stray.size(), 1u);
    EXPECT_LE(p.stray.size(), 5u);
  }
  f.force_next(FaultKind::silence);
  EXPECT_TRUE(f.plan(kReply, milliseconds(100), milliseconds(1500)).bytes.empty());
  f.force_next(FaultKind::late);
  EXPECT_EQ(f.plan(kReply, milliseconds(100), milliseconds(1500)).delay, milliseconds(1500));
  const ReplyPlan normal = f.plan(kReply, milliseconds(100), milliseconds(1500));
  EXPECT_FALSE(normal.fault.has_value());  // forcing lasts one reply
  EXPECT_EQ(normal.delay, milliseconds(100));
}

}  // namespace
}  // namespace intergas::sim
