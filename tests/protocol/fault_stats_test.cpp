#include "protocol/fault_stats.h"

#include <gtest/gtest.h>

#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

TEST(DecodeFaultStats, KeepsRawBytesAndMaps0xFFToNone) {
  const Bytes b = golden::frame(golden::kSyntheticFaultStats);
  const FaultStatsReading r = decode_fault_stats(b, Model::hre);
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ(r.raw[i], b[i]) << i;
  EXPECT_EQ(r.entry(0), 1);
  EXPECT_EQ(r.entry(4), 2);
  EXPECT_EQ(r.entry(29), 0);  // 0 is a value, not "none"
  EXPECT_EQ(r.entry(1), std::nullopt);
  EXPECT_EQ(r.entry(31), std::nullopt);
}

TEST(FaultStatsEntry, OutOfRangeIsAbsent) {
  const FaultStatsReading r = decode_fault_stats(Bytes(32, 0), Model::hre);
  EXPECT_EQ(r.entry(31), 0);
  EXPECT_EQ(r.entry(-1), std::nullopt);
  EXPECT_EQ(r.entry(32), std::nullopt);
}

}  // namespace
}  // namespace intergas
