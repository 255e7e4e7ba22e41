#include "advx/nn/gradient_reversal.h"

#include <gtest/gtest.h>

#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::finite_difference;
using testing::random_tensor;
using testing::to_double;

TEST(GradientReversal, BackwardIsMinusLambdaTimesTheTrueGradient) {
  // The heads see L(z) = Σ c·z through the identity forward; the true gradient is c (finite differences),
  // and the GRL must hand −λ·c to the encoder.
  Rng rng(1);
  const Tensor z = random_tensor(5, 4, rng);
  const Tensor c = random_tensor(5, 4, rng);
  const auto cd = to_double(c);
  const auto fd = finite_difference([&](const std::vector<double>& v) { return testing::dot(cd, v); }, to_double(z));
  for (const float lambda : {0.5f, 1.0f, 25.0f}) {
    Tensor dz;
    gradient_reversal_backward(lambda, c, dz);
    std::vector<double> expected(fd.size());
    for (std::size_t i = 0; i < fd.size(); ++i) expected[i] = -static_cast<double>(lambda) * fd[i];
    EXPECT_TRUE(all_close(dz, expected, 1e-6, 1e-7));
    // Negative check: a GRL that forgot the reversal (+λ) fails the same comparison.
    Tensor wrong;
    gradient_reversal_backward(-lambda, c, wrong);
    EXPECT_FALSE(all_close(wrong, expected, 1e-6, 1e-7));
  }
}

TEST(GradientReversal, ZeroLambdaGivesExactlyZeroAndInPlaceWorks) {
  Rng rng(2);
  Tensor g = random_tensor(3, 3, rng);
  Tensor dz;
  gradient_reversal_backward(0.0f, g, dz);
  for (const float v : dz.values()) EXPECT_EQ(v, 0.0f);
  const Tensor before = g;
  gradient_reversal_backward(2.0f, g, g);
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_EQ(g.data()[i], -2.0f * before.data()[i]);
}

}  // namespace
}  // namespace advx::nn
