#include "advx/nn/init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace advx::nn {
namespace {

struct Moments {
  double mean, var, min, max;
};
Moments moments(const Tensor& t) {
  double s = 0.0, s2 = 0.0, mn = 1e300, mx = -1e300;
  for (const float v : t.values()) {
    s += v;
    s2 += static_cast<double>(v) * v;
    mn = std::min(mn, static_cast<double>(v));
    mx = std::max(mx, static_cast<double>(v));
  }
  const double n = static_cast<double>(t.size());
  return {s / n, s2 / n - (s / n) * (s / n), mn, mx};
}

TEST(Init, XavierNormalHasTheReferenceStd) {
  // Decoder at ML-1M size: [3125 × 100], gain 5/3 → std = (5/3)·√(2/3225) ≈ 0.0415 (REFERENCE §2).
  Rng rng(42);
  Tensor w(3125, 100);
  init_xavier_normal(w, 100, 3125, 5.0 / 3.0, rng);
  const double expected_std = 5.0 / 3.0 * std::sqrt(2.0 / 3225.0);
  const Moments m = moments(w);
  // 312,500 samples: the relative standard error of the std is ≈ 1/√(2n) ≈ 0.13 %.
  EXPECT_NEAR(std::sqrt(m.var), expected_std, 0.01 * expected_std);
  EXPECT_NEAR(m.mean, 0.0, 0.01 * expected_std);
  EXPECT_THROW(init_xavier_normal(w, 0, 5, 1.0, rng), std::invalid_argument);
}

TEST(Init, TorchDefaultIsUniformWithinInverseSqrtFanIn) {
  Rng rng(1);
  Tensor w(5, 100);
  Tensor b(1, 5);
  init_torch_default(w, 100, rng);
  init_torch_default(b, 100, rng);
  const double bound = 0.1;
  const Moments m = moments(w);
  EXPECT_GE(m.min, -bound);
  EXPECT_LT(m.max, bound);
  EXPECT_LT(m.min, -0.9 * bound);
  EXPECT_GT(m.max, 0.9 * bound);
  // U(−a, a) has variance a²/3; 500 samples → ±10 % is about 3σ.
  EXPECT_NEAR(m.var, bound * bound / 3.0, 0.1 * bound * bound / 3.0);
  for (const float v : b.values()) EXPECT_LE(std::abs(v), bound);
}

TEST(Init, SameSeedSameParametersAndConstantBias) {
  Rng a(7), c(7);
  Tensor wa(4, 6), wc(4, 6), bias(1, 6);
  init_xavier_normal(wa, 6, 4, 5.0 / 3.0, a);
  init_xavier_normal(wc, 6, 4, 5.0 / 3.0, c);
  EXPECT_EQ(wa, wc);
  init_constant(bias, 0.01f);
  for (const float v : bias.values()) EXPECT_EQ(v, 0.01f);
}

}  // namespace
}  // namespace advx::nn
