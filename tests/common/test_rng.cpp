#include "advx/common/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace advx {
namespace {

TEST(Rng, SameSeedSameStream) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= (x != c.next_u64());
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, KnownFirstValueIsPinned) {
  // Value computed independently in Python from the xoshiro256** and SplitMix64 definitions.
  // Pins the generator so that a change to it (which would change every split and every trial)
  // cannot go unnoticed.
  Rng r(42);
  EXPECT_EQ(r.next_u64(), 0x15780B2E0C2EC716ULL) << std::hex << Rng(42).next_u64();
}

TEST(Rng, BelowIsInRangeAndRoughlyUniform) {
  Rng r(1);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) counts[r.below(7)]++;
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

TEST(Rng, NormalMoments) {
  Rng r(3);
  double s = 0, s2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    s += x;
    s2 += x * x;
  }
  EXPECT_NEAR(s / n, 0.0, 0.01);
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
}

TEST(Rng, ShuffleIsPermutationAndStateRoundTrips) {
  Rng r(5);
  std::vector<int> v(100);
  std::iota(v.begin(), v.end(), 0);
  r.normal();  // leave a cached normal in the state
  const auto st = r.state();
  auto w = v;
  r.shuffle(std::span<int>(v));
  Rng r2(0);
  r2.set_state(st);
  r2.shuffle(std::span<int>(w));
  EXPECT_EQ(v, w);
  EXPECT_EQ(r.normal(), r2.normal());
  std::sort(v.begin(), v.end());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(v[i], i);
}

}  // namespace
}  // namespace advx
