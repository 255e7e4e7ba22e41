#include "advx/nn/adam.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::random_tensor;

// Fixed gradients g = [0.5, −2, 1e-3, 0] on θ₀ = [1, −0.5, 0.25, 0], lr 0.01, β = (0.9, 0.999), eps 1e-8.
//
// wd = 0, by hand: with a constant gradient m̂ₜ = g and v̂ₜ = g² at every step (the bias corrections
// exactly undo the EMA start: m₂ = 0.9·0.1g + 0.1g = 0.19g, 1 − 0.9² = 0.19), so each step moves
// θ by −lr·g/(|g| + eps) ≈ −lr·sign(g): 1 → 0.99 → 0.98 → 0.97, −0.5 → −0.49 → …, and for g = 1e-3 the
// eps shows: 0.01·1e-3/(1e-3 + 1e-8) = 0.0099999 → 0.2400001, 0.2300002, 0.2200003. θ = 0, g = 0 stays 0.
//
// wd = 0.1: g ← g + 0.1·θ. Values from torch.optim.Adam (torch 1.13, float32), printed with %.9g;
// we agree to within 1 ulp (6e-8 near 1).
struct AdamCase {
  double weight_decay;
  std::vector<std::vector<double>> expected;  // after steps 1, 2, 3
};

TEST(Adam, FixedGradientStepsMatchHandAndTorchValues) {
  const std::vector<AdamCase> cases{
      {0.0,
       {{0.99000001, -0.49000001, 0.240000099, 0},
        {0.980000019, -0.480000019, 0.230000198, 0},
        {0.970000029, -0.470000029, 0.220000297, 0}}},
      {0.1,
       {{0.99000001, -0.49000001, 0.24000001, 0},
        {0.980000436, -0.480000138, 0.230012149, 0},
        {0.970001578, -0.470000476, 0.220045224, 0}}}};
  for (const auto& c : cases) {
    Tensor theta(1, 4, std::vector<float>{1.0f, -0.5f, 0.25f, 0.0f});
    Tensor grad(1, 4, std::vector<float>{0.5f, -2.0f, 1e-3f, 0.0f});
    Adam adam({{&theta, &grad}}, AdamOptions{.lr = 0.01, .weight_decay = c.weight_decay});
    for (const auto& expected : c.expected) {
      adam.step();
      for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(theta.data()[i], expected[i], 6e-8) << "wd " << c.weight_decay;
    }
    EXPECT_EQ(adam.state().step, 3);
  }
}

TEST(Adam, MatchesDoublePrecisionReferenceOnRandomGradients) {
  // Several tensors, changing gradients, coupled weight decay: compare with a straightforward double
  // implementation of the torch formula.
  Rng rng(3);
  Tensor w = random_tensor(5, 7, rng), b = random_tensor(1, 7, rng);
  Tensor gw(5, 7), gb(1, 7);
  const AdamOptions opt{.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 1e-4};
  Adam adam({{&w, &gw}, {&b, &gb}}, opt);
  std::vector<double> theta;
  for (const float v : w.values()) theta.push_back(v);
  for (const float v : b.values()) theta.push_back(v);
  std::vector<double> m(theta.size(), 0.0), v(theta.size(), 0.0);
  for (int t = 1; t <= 20; ++t) {
    gw = random_tensor(5, 7, rng);
    gb = random_tensor(1, 7, rng, 1e-3);
    std::vector<double> g;
    for (const float x : gw.values()) g.push_back(x);
    for (const float x : gb.values()) g.push_back(x);
    adam.step();
    for (std::size_t i = 0; i < theta.size(); ++i) {
      const double gi = g[i] + opt.weight_decay * theta[i];
      m[i] = opt.beta1 * m[i] + (1 - opt.beta1) * gi;
      v[i] = opt.beta2 * v[i] + (1 - opt.beta2) * gi * gi;
      const double mhat = m[i] / (1 - std::pow(opt.beta1, t));
      const double vhat = v[i] / (1 - std::pow(opt.beta2, t));
      theta[i] -= opt.lr * mhat / (std::sqrt(vhat) + opt.eps);
    }
  }
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(w.data()[i], theta[i], 2e-6);
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(b.data()[i], theta[w.size() + i], 2e-6);
}

TEST(Adam, StateRoundTripContinuesIdentically) {
  Rng rng(4);
  Tensor a = random_tensor(3, 3, rng), ga = random_tensor(3, 3, rng);
  Tensor b = a, gb = ga;
  Adam first({{&a, &ga}}, AdamOptions{.weight_decay = 1e-4});
  for (int i = 0; i < 3; ++i) first.step();
  b = a;
  Adam second({{&b, &gb}}, AdamOptions{.weight_decay = 1e-4});
  second.set_state(first.state());
  for (int i = 0; i < 4; ++i) {
    first.step();
    second.step();
  }
  EXPECT_EQ(a, b);
  Adam::State bad = first.state();
  bad.exp_avg[0].pop_back();
  EXPECT_THROW(second.set_state(bad), std::invalid_argument);
}

TEST(Adam, LrIsSettableAndZeroLrFreezes) {
  Tensor t(1, 2, std::vector<float>{1, 2}), g(1, 2, std::vector<float>{1, -1});
  Adam adam({{&t, &g}}, AdamOptions{});
  EXPECT_EQ(adam.lr(), 1e-3);
  adam.set_lr(0.0);
  adam.step();
  EXPECT_EQ(t, Tensor(1, 2, std::vector<float>{1, 2}));
  Tensor wrong(2, 1);
  EXPECT_THROW(Adam({{&t, &wrong}}, AdamOptions{}), std::invalid_argument);
  EXPECT_THROW(Adam({{&t, nullptr}}, AdamOptions{}), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
