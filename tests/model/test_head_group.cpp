// HeadGroup runs its n heads stacked (one batched Linear per layer, the loss over the stacked output).
// These tests pin that to what n separate single-head groups compute: the same initial weights from the
// same seed, the same dropout masks, a loss equal to the mean of the heads' losses, and gradients equal
// to 1/n of each separate head's (the group descends the mean).

#include "advx/model/head_group.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace advx {
namespace {

nn::Tensor latent(std::int64_t rows, std::int64_t cols, Rng& rng) {
  nn::Tensor z(rows, cols);
  for (float& v : z.values()) v = static_cast<float>(2.0 * rng.uniform_double() - 1.0);
  return z;
}

void expect_close(std::span<const float> a, std::span<const float> b, double tol, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], tol) << what << " [" << i << "]";
}

struct Case {
  bool categorical;
  std::int32_t outputs;
  std::vector<std::int32_t> hidden;
  Activation activation;
};

class StackedHeads : public ::testing::TestWithParam<Case> {};

TEST_P(StackedHeads, EqualSeparateHeadsFromTheSameSeed) {
  const Case c = GetParam();
  constexpr std::int32_t kHeads = 4, kIn = 6, kBatch = 7;
  const float scale = 2.5f;
  nn::Engine engine;
  Rng data_rng(1);
  const nn::Tensor z = latent(kBatch, kIn, data_rng);
  HeadTargets targets;
  if (c.categorical)
    targets.labels = {0, 2, 1, -1, 0, 2, 2};  // one missing label
  else
    targets.values = {0.5f, -1.0f, 1.5f, 0.2f, NAN, 0.0f, -0.3f};  // one missing value
  const std::vector<float> class_weights = c.categorical ? std::vector<float>{0.5f, 1.5f, 1.0f} : std::vector<float>{};
  HeadConfig stacked_cfg{.heads = kHeads, .hidden = c.hidden, .activation = c.activation, .dropout = 0.3f};
  HeadConfig one_cfg = stacked_cfg;
  one_cfg.heads = 1;

  Rng init_a(7), init_b(7);
  HeadGroup stacked(engine, kIn, c.outputs, c.categorical, stacked_cfg, class_weights, init_a);
  std::vector<HeadGroup> separate;
  for (int h = 0; h < kHeads; ++h)
    separate.emplace_back(engine, kIn, c.outputs, c.categorical, one_cfg, class_weights, init_b);

  Rng drop_a(11), drop_b(11);
  stacked.forward(z, nn::Mode::train, &drop_a);
  nn::Tensor dz_stacked;
  const double loss = stacked.loss(targets, true, scale, &dz_stacked);

  double mean = 0.0;
  std::vector<double> dz_sum(static_cast<std::size_t>(kBatch * kIn), 0.0);
  auto stacked_params = stacked.params();
  for (int h = 0; h < kHeads; ++h) {
    separate[static_cast<std::size_t>(h)].forward(z, nn::Mode::train, &drop_b);
    nn::Tensor dz;
    mean += separate[static_cast<std::size_t>(h)].loss(targets, true, scale, &dz) / kHeads;
    for (std::size_t i = 0; i < dz_sum.size(); ++i) dz_sum[i] += dz.values()[i] / kHeads;
    // Head h's block of every stacked parameter and gradient is the separate head's (gradient / n).
    auto params = separate[static_cast<std::size_t>(h)].params();
    ASSERT_EQ(params.size(), stacked_params.size());
    for (std::size_t p = 0; p < params.size(); ++p) {
      const auto block = static_cast<std::size_t>(params[p].param->size());
      const auto offset = static_cast<std::size_t>(h) * block;
      const auto sp = stacked_params[p].param->values().subspan(offset, block);
      const auto sg = stacked_params[p].grad->values().subspan(offset, block);
      expect_close(sp, params[p].param->values(), 0.0, "initial weights, head " + std::to_string(h));
      std::vector<float> expected(params[p].grad->values().begin(), params[p].grad->values().end());
      for (float& g : expected) g /= kHeads;
      expect_close(sg, expected, 1e-6, "gradient, tensor " + std::to_string(p) + ", head " + std::to_string(h));
    }
  }
  EXPECT_NEAR(loss, mean, 1e-6 * std::max(1.0, std::abs(mean)));
  std::vector<float> dz_expected(dz_sum.begin(), dz_sum.end());
  expect_close(dz_stacked.values(), dz_expected, 1e-6, "dz");
}

INSTANTIATE_TEST_SUITE_P(Groups, StackedHeads,
                         ::testing::Values(Case{true, 3, {5}, Activation::kReLU},
                                           Case{false, 1, {5}, Activation::kSigmoid},
                                           Case{true, 3, {}, Activation::kReLU},
                                           Case{false, 1, {4, 3}, Activation::kSigmoid}));

}  // namespace
}  // namespace advx
