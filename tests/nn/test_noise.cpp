// fill_uniform / fill_normal: the distributions (moments, a χ² of the uniforms, a Kolmogorov–Smirnov
// distance of the normals, serial correlations across the 8 interleaved streams) and the contract with the
// caller's Rng (one draw per call, deterministic, a shorter request is a prefix of a longer one).

#include "advx/nn/noise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace advx::nn {
namespace {

constexpr std::size_t kMany = 1'000'000;

// Pearson correlation of x[i] and x[i + lag].
double lag_correlation(const std::vector<float>& x, std::size_t lag) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  const std::size_t n = x.size() - lag;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = x[i], b = x[i + lag];
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  }
  const double cov = sab / n - (sa / n) * (sb / n);
  return cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
}

TEST(Noise, UniformsAreUniformAndUncorrelated) {
  Rng rng(1);
  std::vector<float> u(kMany);
  fill_uniform(rng, u);
  std::vector<double> bins(64, 0.0);
  double mean = 0, var = 0;
  for (const float v : u) {
    ASSERT_GE(v, 0.0f);
    ASSERT_LT(v, 1.0f);
    mean += v;
    var += (v - 0.5) * (v - 0.5);
    bins[static_cast<std::size_t>(v * 64.0f)] += 1;
  }
  mean /= kMany;
  var /= kMany;
  EXPECT_NEAR(mean, 0.5, 0.002);           // σ of the mean ≈ 0.0003
  EXPECT_NEAR(var, 1.0 / 12.0, 0.001);     // σ ≈ 0.00007
  double chi2 = 0;
  const double expected = kMany / 64.0;
  for (const double c : bins) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 110.0);  // 63 degrees of freedom: P(χ² > 110) ≈ 2·10⁻⁴
  // Each block of 16 holds one step of the 8 lanes: lane l's two halves at l and 8 + l. Lags 1, 2, 15, 17
  // compare different lanes, 8 the two halves of one lane's draw, 16 one lane's consecutive steps.
  for (const std::size_t lag : {1u, 2u, 8u, 15u, 16u, 17u}) EXPECT_LT(std::fabs(lag_correlation(u, lag)), 0.005) << lag;
}

TEST(Noise, NormalsAreStandardNormal) {
  Rng rng(2);
  std::vector<float> x(kMany);
  fill_normal(rng, x);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (const float v : x) {
    ASSERT_TRUE(std::isfinite(v));
    ASSERT_LE(std::fabs(v), 5.78f);
    m1 += v;
    m2 += static_cast<double>(v) * v;
    m3 += static_cast<double>(v) * v * v;
    m4 += static_cast<double>(v) * v * v * v;
  }
  m1 /= kMany;
  m2 /= kMany;
  m3 /= kMany;
  m4 /= kMany;
  EXPECT_NEAR(m1, 0.0, 0.005);  // σ 0.001
  EXPECT_NEAR(m2, 1.0, 0.007);  // σ 0.0014
  EXPECT_NEAR(m3, 0.0, 0.012);  // σ 0.0024
  EXPECT_NEAR(m4, 3.0, 0.05);   // σ 0.01
  // Kolmogorov–Smirnov distance to Φ: the 0.1 % critical value at n = 10⁶ is 1.95/√n ≈ 0.00195.
  std::sort(x.begin(), x.end());
  double d = 0;
  for (std::size_t i = 0; i < kMany; ++i) {
    const double cdf = 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
    d = std::max({d, std::fabs(cdf - static_cast<double>(i) / kMany), std::fabs(cdf - static_cast<double>(i + 1) / kMany)});
  }
  EXPECT_LT(d, 0.00195);
  std::vector<float> y(kMany);
  fill_normal(rng, y);
  for (const std::size_t lag : {1u, 8u, 16u}) EXPECT_LT(std::fabs(lag_correlation(y, lag)), 0.005) << lag;
}

// The generator as noise.h describes it, written out in scalar double precision: one draw of the
// caller's stream, SplitMix64 into 8 xoshiro256** states (word-major), lane l's output r giving the
// floats at 16·step + l and 16·step + 8 + l. Checks the vector build the CPU runs, log and sincos included.
TEST(Noise, IsTheDocumentedLaneGenerator) {
  for (const std::uint64_t seed : {3u, 4u}) {
    Rng rng(seed), replay(seed);
    const std::size_t n = 16 * 40 + 5;  // 40 blocks and a partial one
    std::vector<float> u(n), z(n);
    fill_uniform(rng, u);
    fill_normal(rng, z);
    for (const bool normal : {false, true}) {
      std::uint64_t sm = replay.next_u64();
      std::uint64_t s[4][8];
      for (int lane = 0; lane < 8; ++lane)
        for (auto& word : s) word[lane] = splitmix64(sm);
      const auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
      double worst = 0;
      for (std::size_t block = 0; 16 * block < n; ++block)
        for (int lane = 0; lane < 8; ++lane) {
          const std::uint64_t r = rotl(s[1][lane] * 5, 7) * 9;
          const std::uint64_t t = s[1][lane] << 17;
          s[2][lane] ^= s[0][lane];
          s[3][lane] ^= s[1][lane];
          s[1][lane] ^= s[2][lane];
          s[0][lane] ^= s[3][lane];
          s[2][lane] ^= t;
          s[3][lane] = rotl(s[3][lane], 45);
          const double hi = static_cast<double>(r >> 40) * 0x1.0p-24, lo = static_cast<double>((r >> 16) & 0xFFFFFF) * 0x1.0p-24;
          const std::size_t first = 16 * block + static_cast<std::size_t>(lane), second = first + 8;
          if (!normal) {
            if (first < n) {
              EXPECT_EQ(u[first], static_cast<float>(hi));
            }
            if (second < n) {
              EXPECT_EQ(u[second], static_cast<float>(lo));
            }
          } else {
            const double radius = std::sqrt(-2.0 * std::log(hi + 0x1.0p-24)), angle = 2.0 * 3.14159265358979323846 * lo;
            if (first < n) worst = std::max(worst, std::fabs(z[first] - radius * std::cos(angle)));
            if (second < n) worst = std::max(worst, std::fabs(z[second] - radius * std::sin(angle)));
          }
        }
      EXPECT_LT(worst, 2e-6) << "seed " << seed;  // float Box–Muller: a few ulp of values up to 5.8
    }
  }
}

TEST(Noise, TakesOneDrawPerCallAndIsAPrefixOfLongerRequests) {
  for (const std::size_t n : {1u, 15u, 16u, 17u, 100u}) {
    Rng a(7), b(7), c(7);
    std::vector<float> short_u(n), long_u(n + 40), short_n(n), long_n(n + 40);
    fill_uniform(a, short_u);
    fill_uniform(b, long_u);
    EXPECT_TRUE(std::equal(short_u.begin(), short_u.end(), long_u.begin())) << n;
    c.next_u64();
    EXPECT_EQ(a.next_u64(), c.next_u64()) << n;  // exactly one draw, whatever the size
    Rng d(8), e(8);
    fill_normal(d, short_n);
    fill_normal(e, long_n);
    EXPECT_TRUE(std::equal(short_n.begin(), short_n.end(), long_n.begin())) << n;
  }
  Rng a(9), b(9);
  std::vector<float> none;
  fill_uniform(a, none);
  fill_normal(a, none);
  EXPECT_EQ(a.next_u64(), b.next_u64());  // an empty request draws nothing
  // Two calls give different numbers; the same seed gives the same ones.
  Rng r1(10), r2(10);
  std::vector<float> p(32), q(32), p2(32);
  fill_uniform(r1, p);
  fill_uniform(r1, q);
  fill_uniform(r2, p2);
  EXPECT_NE(p, q);
  EXPECT_EQ(p, p2);
  fill_normal(r1, p);
  fill_normal(r1, q);
  EXPECT_NE(p, q);
}

}  // namespace
}  // namespace advx::nn
