// Seeded fault plans: deterministic, and each kind shapes the reply as documented.
#include "sim/faults.h"

#include <gtest/gtest.h>

#include <bitset>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/frame.h"
#include "tests/frames/golden_frames.h"

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

// ---- Line noise that keeps the length (issue 15) -----------------------------------------------

// LC's Xtreme S? reply with its XOR byte (protocol.md 14.4): 33 bytes, a valid checked frame.
Bytes xtreme_reply() { return golden::frame(golden::kLcXtremeStatus); }

// The wire bits (LSB first per byte) in which `a` and `b` differ, in wire order.
std::vector<std::size_t> differing_wire_bits(const Bytes& a, const Bytes& b) {
  std::vector<std::size_t> bits;
  for (std::size_t i = 0; i < a.size() * 8; ++i) {
    if (((a[i / 8] ^ b[i / 8]) >> (i % 8)) & 1) bits.push_back(i);
  }
  return bits;
}

int popcount_of_xor(const Bytes& a, const Bytes& b) {
  int n = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    n += static_cast<int>(std::bitset<8>(a[i] ^ b[i]).count());
  return n;
}

ReplyPlan forced(FaultInjector& f, FaultKind k, const Bytes& reply) {
  f.force_next(k);
  return f.plan(reply, milliseconds(100), milliseconds(1500));
}

TEST(SimFaults, ParsesTheLineNoiseKinds) {
  FaultRates r;
  std::string error;
  ASSERT_TRUE(parse_fault_rates("flip=0.05,burst=0.01,flip2=0.02", r, error)) << error;
  EXPECT_EQ(r.p[static_cast<int>(FaultKind::flip)], 0.05);
  EXPECT_EQ(r.p[static_cast<int>(FaultKind::burst)], 0.01);
  EXPECT_EQ(r.p[static_cast<int>(FaultKind::flip2)], 0.02);
  EXPECT_EQ(parse_fault_kind("flip2"), FaultKind::flip2);
  EXPECT_EQ(fault_kind_name(FaultKind::burst), "burst");
}

TEST(SimFaults, FlipInvertsExactlyOneBitItNames) {
  const Bytes reply = xtreme_reply();
  ASSERT_EQ(reply.size(), 33u);
  FaultInjector f(3, 0, FaultRates{});
  bool xor_byte_hit = false;
  for (int round = 0; round < 2000; ++round) {
    const ReplyPlan p = forced(f, FaultKind::flip, reply);
    ASSERT_EQ(p.bytes.size(), reply.size());
    ASSERT_EQ(popcount_of_xor(p.bytes, reply), 1);
    const std::size_t bit = differing_wire_bits(p.bytes, reply)[0];
    EXPECT_EQ(p.detail, "byte " + std::to_string(bit / 8) + " bit " + std::to_string(bit % 8));
    xor_byte_hit |= bit / 8 == 32;
  }
  EXPECT_TRUE(xor_byte_hit);  // 2000 draws over 264 bits reach the XOR byte too
}

TEST(SimFaults, BurstInvertsTwoToEightContiguousWireBits) {
  const Bytes reply = xtreme_reply();
  FaultInjector f(4, 0, FaultRates{});
  bool spans_bytes = false;
  std::vector<int> lengths(9, 0);
  for (int round = 0; round < 2000; ++round) {
    const ReplyPlan p = forced(f, FaultKind::burst, reply);
    ASSERT_EQ(p.bytes.size(), reply.size());
    const auto bits = differing_wire_bits(p.bytes, reply);
    const int n = popcount_of_xor(p.bytes, reply);
    ASSERT_GE(n, 2);
    ASSERT_LE(n, 8);
    EXPECT_EQ(bits.back() - bits.front() + 1, bits.size()) << p.detail;  // no gap
    EXPECT_EQ(p.detail, std::to_string(n) + " bits from byte " + std::to_string(bits.front() / 8) +
                            " bit " + std::to_string(bits.front() % 8));
    spans_bytes |= bits.front() / 8 != bits.back() / 8;
    ++lengths[static_cast<std::size_t>(n)];
  }
  EXPECT_TRUE(spans_bytes);
  for (int n = 2; n <= 8; ++n) EXPECT_GT(lengths[static_cast<std::size_t>(n)], 0) << n;
}

TEST(SimFaults, Flip2InvertsTheSameBitInTwoBytes) {
  const Bytes reply = xtreme_reply();
  FaultInjector f(5, 0, FaultRates{});
  for (int round = 0; round < 2000; ++round) {
    const ReplyPlan p = forced(f, FaultKind::flip2, reply);
    ASSERT_EQ(p.bytes.size(), reply.size());
    const auto bits = differing_wire_bits(p.bytes, reply);
    ASSERT_EQ(bits.size(), 2u);
    EXPECT_NE(bits[0] / 8, bits[1] / 8);  // two different bytes
    EXPECT_EQ(bits[0] % 8, bits[1] % 8);  // the same bit position
    EXPECT_EQ(p.detail, "bytes " + std::to_string(bits[0] / 8) + " and " +
                            std::to_string(bits[1] / 8) + " bit " + std::to_string(bits[0] % 8));
  }
}

TEST(SimFaults, LineNoiseIsDeterministicPerSeed) {
  FaultRates r;
  std::string error;
  ASSERT_TRUE(parse_fault_rates("flip=0.2,burst=0.2,flip2=0.2", r, error));
  const auto a = plan_log(11, r, 300);
  EXPECT_EQ(a, plan_log(11, r, 300));
  EXPECT_NE(a, plan_log(12, r, 300));
}

// What the Xtreme's XOR byte catches and misses (issue 15, protocol.md 14.4: byte 33 is the XOR
// of the 32 data bytes). XOR-8 is longitudinal parity: bit b of the check byte is the parity of
// column b (bit b of every byte, the check byte included, XORs to 0 on a good frame). An error
// pattern is detected exactly when some column holds an odd number of inverted bits. So:
// * one flipped bit: its column has one error -> always caught;
// * a burst of 2..8 consecutive wire bits: consecutive wire bits are bits b, b+1, ... of one byte
//   then 0, 1, ... of the next, so at most 8 consecutive bits fall in 8 different columns, each
//   with one error -> always caught (every burst of length <= 8);
// * two flips in the same column of two bytes: that column has two errors, parity unchanged ->
//   never caught; the frame passes with wrong data.
TEST(SimFaults, XtremeXorCatchesEveryFlipAndBurstButNotFlip2) {
  const Bytes good = xtreme_reply();
  ASSERT_TRUE(check_frame(Command::status, Model::xtreme, good).ok());
  const std::size_t wire = good.size() * 8;

  auto verdict = [](const Bytes& reply) {
    return check_frame(Command::status, Model::xtreme, reply);
  };
  // Exhaustive over every position: each single flip and each burst length 2..8.
  for (std::size_t length = 1; length <= 8; ++length) {
    for (std::size_t first = 0; first + length <= wire; ++first) {
      Bytes bad = good;
      invert_wire_bits(bad, first, length);
      const auto r = verdict(bad);
      ASSERT_FALSE(r.ok()) << length << " bits from wire bit " << first;
      EXPECT_EQ(r.failure(), Failure::checksum);
    }
  }
  // Exhaustive over flip2: every pair of bytes, every column, passes the check.
  int missed = 0;
  for (std::size_t a = 0; a < good.size(); ++a) {
    for (std::size_t b = a + 1; b < good.size(); ++b) {
      for (std::size_t bit = 0; bit < 8; ++bit) {
        Bytes bad = good;
        invert_wire_bits(bad, a * 8 + bit, 1);
        invert_wire_bits(bad, b * 8 + bit, 1);
        missed += verdict(bad).ok();
      }
    }
  }
  EXPECT_EQ(missed, 33 * 32 / 2 * 8);

  // And through the injector, as intergas-sim sends them.
  FaultInjector f(9, 0, FaultRates{});
  for (int round = 0; round < 1000; ++round) {
    for (FaultKind k : {FaultKind::flip, FaultKind::burst}) {
      const ReplyPlan p = forced(f, k, good);
      const auto r = verdict(p.bytes);
      ASSERT_FALSE(r.ok()) << fault_kind_name(k) << " " << p.detail;
      EXPECT_EQ(r.failure(), Failure::checksum);
    }
    const ReplyPlan p = forced(f, FaultKind::flip2, good);
    const auto r = verdict(p.bytes);
    ASSERT_TRUE(r.ok()) << p.detail;
    EXPECT_NE(to_hex(*r), to_hex(ByteView(good).first(32))) << p.detail;  // wrong data passed
  }
}

}  // namespace
}  // namespace intergas::sim
