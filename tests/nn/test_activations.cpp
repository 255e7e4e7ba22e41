#include "advx/nn/activations.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::gradient_matches;
using testing::random_tensor;
using testing::to_double;

double ref_sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

class ActivationShapes : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(ActivationShapes, ForwardAndGradientsMatchReference) {
  const auto [rows, cols] = GetParam();
  Rng rng(12);
  Tensor x = random_tensor(rows, cols, rng, 3.0);
  // Keep ReLU inputs away from the kink so finite differences are well defined.
  for (float& v : x.values())
    if (std::abs(v) < 1e-3f) v = 0.5f;
  const Tensor c = random_tensor(rows, cols, rng);
  const auto xd = to_double(x), cd = to_double(c);

  Tensor y, dx;
  relu_forward(x, y);
  std::vector<double> relu_ref(xd.size());
  for (std::size_t i = 0; i < xd.size(); ++i) relu_ref[i] = std::max(xd[i], 0.0);
  EXPECT_TRUE(all_close(y, relu_ref, 0.0, 0.0));
  relu_backward(x, c, dx);
  EXPECT_TRUE(gradient_matches(
      dx.values(),
      [&](const std::vector<double>& v) {
        double s = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) s += cd[i] * std::max(v[i], 0.0);
        return s;
      },
      xd));

  sigmoid_forward(x, y);
  std::vector<double> sig_ref(xd.size());
  for (std::size_t i = 0; i < xd.size(); ++i) sig_ref[i] = ref_sigmoid(xd[i]);
  EXPECT_TRUE(all_close(y, sig_ref, 1e-6, 1e-7));
  sigmoid_backward(y, c, dx);
  EXPECT_TRUE(gradient_matches(
      dx.values(),
      [&](const std::vector<double>& v) {
        double s = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) s += cd[i] * ref_sigmoid(v[i]);
        return s;
      },
      xd));
}

INSTANTIATE_TEST_SUITE_P(Table, ActivationShapes,
                         ::testing::Values(std::pair{1, 1}, std::pair{1, 5}, std::pair{7, 3}, std::pair{64, 5}));

TEST(Activations, ReluGradientIsZeroAtZeroAndSigmoidSaturatesWithoutNaN) {
  const Tensor x(1, 4, std::vector<float>{0.0f, -1000.0f, 1000.0f, -88.0f});
  const Tensor ones(1, 4, 1.0f);
  Tensor y, dx;
  relu_backward(x, ones, dx);
  EXPECT_EQ(dx(0, 0), 0.0f);  // PyTorch: d relu / dx at 0 is 0
  sigmoid_forward(x, y);
  EXPECT_EQ(y(0, 0), 0.5f);
  EXPECT_EQ(y(0, 1), 0.0f);
  EXPECT_EQ(y(0, 2), 1.0f);
  EXPECT_GT(y(0, 3), 0.0f);
  for (const float v : y.values()) EXPECT_FALSE(std::isnan(v));
}

TEST(Activations, InPlaceUseIsAllowed) {
  Tensor x(1, 3, std::vector<float>{-1.0f, 2.0f, 0.0f});
  relu_forward(x, x);
  EXPECT_EQ(x, Tensor(1, 3, std::vector<float>{0.0f, 2.0f, 0.0f}));
}

}  // namespace
}  // namespace advx::nn
