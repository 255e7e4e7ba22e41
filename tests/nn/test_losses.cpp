#include "advx/nn/losses.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::gradient_matches;
using testing::random_tensor;
using testing::to_double;

// ---------------------------------------------------------------------------------------------------
// Multinomial NLL

// Sparse targets of `rows` × `cols` with the given density; values 1 (binary) or random positive.
SparseRows random_targets(std::int64_t rows, std::int64_t cols, double density, bool binary, Rng& rng) {
  SparseRows t;
  t.cols = cols;
  for (std::int64_t r = 0; r < rows; ++r) {
    // Row 1 (if any) stays empty: a user without held-out items contributes 0.
    for (std::int64_t c = 0; c < cols && r != 1; ++c) {
      if (rng.uniform_double() < density) {
        t.col_idx.push_back(static_cast<std::int32_t>(c));
        t.values.push_back(binary ? 1.0f : static_cast<float>(0.5 + rng.uniform_double()));
      }
    }
    t.row_ptr.push_back(static_cast<std::int64_t>(t.col_idx.size()));
  }
  return t;
}

// −(1/B) Σ_u Σ_i y_ui · log_softmax(l_u)_i on dense double y.
double ref_nll(const std::vector<double>& logits, const Tensor& y, std::int64_t rows, std::int64_t cols) {
  double total = 0.0;
  for (std::int64_t r = 0; r < rows; ++r) {
    double mx = -std::numeric_limits<double>::infinity();
    for (std::int64_t c = 0; c < cols; ++c) mx = std::max(mx, logits[static_cast<std::size_t>(r * cols + c)]);
    double s = 0.0;
    for (std::int64_t c = 0; c < cols; ++c) s += std::exp(logits[static_cast<std::size_t>(r * cols + c)] - mx);
    const double lse = mx + std::log(s);
    for (std::int64_t c = 0; c < cols; ++c)
      total -= y(r, c) * (logits[static_cast<std::size_t>(r * cols + c)] - lse);
  }
  return total / static_cast<double>(rows);
}

struct NllShape {
  std::int64_t rows, cols;
  double density;
};

class NllShapes : public ::testing::TestWithParam<NllShape> {};

TEST_P(NllShapes, ValueAndGradientMatchDenseReference) {
  const NllShape s = GetParam();
  Rng rng(31);
  const Tensor logits = random_tensor(s.rows, s.cols, rng, 4.0);
  for (const bool binary : {true, false}) {
    const SparseRows y = random_targets(s.rows, s.cols, s.density, binary, rng);
    const Tensor dense_y = densify(y);
    Tensor grad;
    const double loss = multinomial_nll(logits, y, &grad);
    const auto ld = to_double(logits);
    const double ref = ref_nll(ld, dense_y, s.rows, s.cols);
    EXPECT_NEAR(loss, ref, 1e-6 * (1.0 + std::abs(ref)));
    EXPECT_EQ(multinomial_nll(logits, y, nullptr), loss);
    Tensor in_place = logits;  // the gradient overwrites the logits: the same loss and bits
    EXPECT_EQ(multinomial_nll(in_place, y, &in_place), loss);
    EXPECT_TRUE(std::equal(in_place.values().begin(), in_place.values().end(), grad.values().begin()));
    if (s.rows * s.cols <= 400) {
      EXPECT_TRUE(gradient_matches(
          grad.values(), [&](const std::vector<double>& v) { return ref_nll(v, dense_y, s.rows, s.cols); }, ld));
    } else {
      // Closed form for the large shape: (softmax·Σy − y)/B.
      std::vector<double> expected(grad.size());
      for (std::int64_t r = 0; r < s.rows; ++r) {
        double mx = -1e300, sum = 0.0, ysum = 0.0;
        for (std::int64_t c = 0; c < s.cols; ++c) mx = std::max(mx, static_cast<double>(logits(r, c)));
        for (std::int64_t c = 0; c < s.cols; ++c) sum += std::exp(logits(r, c) - mx);
        for (std::int64_t c = 0; c < s.cols; ++c) ysum += dense_y(r, c);
        for (std::int64_t c = 0; c < s.cols; ++c)
          expected[static_cast<std::size_t>(r * s.cols + c)] =
              (std::exp(logits(r, c) - mx) / sum * ysum - dense_y(r, c)) / static_cast<double>(s.rows);
      }
      EXPECT_TRUE(all_close(grad, expected, 1e-4, 1e-9));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NllShapes,
                         ::testing::Values(NllShape{1, 1, 1.0}, NllShape{1, 5, 0.5}, NllShape{3, 7, 0.4},
                                           NllShape{5, 11, 0.3}, NllShape{64, 3125, 0.03}, NllShape{36, 3125, 0.03}));

TEST(MultinomialNll, StableForHugeLogits) {
  // Shifting every logit of a row by a constant changes nothing (log-softmax is shift invariant);
  // ±1000 would overflow a naive exp.
  Rng rng(2);
  const Tensor base = random_tensor(2, 6, rng);
  Tensor shifted = base;
  for (float& v : shifted.row(0)) v += 1000.0f;
  for (float& v : shifted.row(1)) v -= 1000.0f;
  SparseRows y;
  y.cols = 6;
  y.row_ptr = {0, 2, 3};
  y.col_idx = {1, 4, 0};
  y.values = {1, 1, 1};
  Tensor g0, g1;
  const double l0 = multinomial_nll(base, y, &g0);
  const double l1 = multinomial_nll(shifted, y, &g1);
  EXPECT_TRUE(std::isfinite(l1));
  // 1000 + x in float loses ~6e-5 of x: that, not the algorithm, limits the agreement.
  EXPECT_NEAR(l0, l1, 1e-3);
  EXPECT_TRUE(all_close(g1, to_double(g0), 1e-3, 1e-4));
}

// ---------------------------------------------------------------------------------------------------
// KL

double ref_kl(const std::vector<double>& mu, const std::vector<double>& lv, std::int64_t rows) {
  double s = 0.0;
  for (std::size_t i = 0; i < mu.size(); ++i) s += -lv[i] + std::exp(lv[i]) + mu[i] * mu[i] - 1.0;
  return 0.5 * s / static_cast<double>(rows);
}

TEST(GaussianKl, ValueAndGradientsMatchReference) {
  for (const auto& [rows, cols] : {std::pair{1, 1}, std::pair{3, 4}, std::pair{64, 10}}) {
    Rng rng(5);
    const Tensor mu = random_tensor(rows, cols, rng, 2.0);
    const Tensor lv = random_tensor(rows, cols, rng, 2.0);
    Tensor dmu, dlv;
    const double kl = gaussian_kl(mu, lv, &dmu, &dlv);
    const auto md = to_double(mu), lvd = to_double(lv);
    // exp(logvar) is a float (≤ 2 ulp, as PyTorch computes it), the sum a double.
    EXPECT_NEAR(kl, ref_kl(md, lvd, rows), 3e-7 * (1 + kl));
    EXPECT_TRUE(gradient_matches(dmu.values(), [&](const std::vector<double>& v) { return ref_kl(v, lvd, rows); }, md));
    EXPECT_TRUE(gradient_matches(dlv.values(), [&](const std::vector<double>& v) { return ref_kl(md, v, rows); }, lvd));
  }
  // The prior itself: μ = 0, logvar = 0 gives KL = 0.
  EXPECT_EQ(gaussian_kl(Tensor(2, 3), Tensor(2, 3), nullptr, nullptr), 0.0);
}

// ---------------------------------------------------------------------------------------------------
// Weighted cross-entropy

TEST(WeightedCrossEntropy, MatchesPyTorchValues) {
  // torch.nn.functional.cross_entropy(logits, labels, weight=[0.72, 0.28]) from torch 1.13:
  //   [[1, 2], [0.5, -1], [3, 0.2]], labels [1, 0, 0] → 0.160020068
  const std::vector<float> w{0.72f, 0.28f};
  const Tensor logits(3, 2, std::vector<float>{1, 2, 0.5f, -1, 3, 0.2f});
  EXPECT_NEAR(weighted_cross_entropy(logits, std::vector<std::int32_t>{1, 0, 0}, w, nullptr), 0.160020068, 1e-7);
  // A missing label (−1) in the middle drops that row: same as torch on rows 0 and 2 → 0.130216926.
  EXPECT_NEAR(weighted_cross_entropy(logits, std::vector<std::int32_t>{1, -1, 0}, w, nullptr), 0.130216926, 1e-7);
  // By hand: logits [[0, 0], [ln 3, 0]], labels [0, 1] → nll = ln 2 and ln 4;
  // (0.72·ln 2 + 0.28·ln 4) / (0.72 + 0.28).
  const Tensor hand(2, 2, std::vector<float>{0, 0, static_cast<float>(std::log(3.0)), 0});
  EXPECT_NEAR(weighted_cross_entropy(hand, std::vector<std::int32_t>{0, 1}, w, nullptr),
              (0.72 * std::log(2.0) + 0.28 * std::log(4.0)) / 1.0, 1e-7);
}

double ref_wce(const std::vector<double>& l, const std::vector<std::int32_t>& y, const std::vector<double>& w,
               std::int64_t classes) {
  double num = 0.0, den = 0.0;
  for (std::size_t r = 0; r < y.size(); ++r) {
    if (y[r] < 0) continue;
    double s = 0.0;
    for (std::int64_t c = 0; c < classes; ++c) s += std::exp(l[r * static_cast<std::size_t>(classes) + static_cast<std::size_t>(c)]);
    const double nll = std::log(s) - l[r * static_cast<std::size_t>(classes) + static_cast<std::size_t>(y[r])];
    num += w[static_cast<std::size_t>(y[r])] * nll;
    den += w[static_cast<std::size_t>(y[r])];
  }
  return num / den;
}

TEST(WeightedCrossEntropy, GradientMatchesFiniteDifferencesWithMissingLabels) {
  Rng rng(7);
  for (const std::int64_t classes : {2, 3}) {
    const Tensor logits = random_tensor(6, classes, rng, 3.0);
    const std::vector<std::int32_t> labels =
        classes == 2 ? std::vector<std::int32_t>{0, 1, -1, 1, 1, 0} : std::vector<std::int32_t>{2, 1, -1, 0, 1, 2};
    const std::vector<float> w = classes == 2 ? std::vector<float>{0.72f, 0.28f} : std::vector<float>{0.2f, 0.5f, 0.3f};
    Tensor grad;
    const double loss = weighted_cross_entropy(logits, labels, w, &grad);
    const auto ld = to_double(logits);
    const std::vector<double> wd(w.begin(), w.end());
    EXPECT_NEAR(loss, ref_wce(ld, labels, wd, classes), 1e-7);
    EXPECT_TRUE(gradient_matches(
        grad.values(), [&](const std::vector<double>& v) { return ref_wce(v, labels, wd, classes); }, ld));
    for (std::int64_t c = 0; c < classes; ++c) EXPECT_EQ(grad(2, c), 0.0f);  // the missing row
  }
}

TEST(WeightedCrossEntropy, EmptyWeightsArePlainMeanAndAllMissingIsZero) {
  const Tensor logits(2, 2, std::vector<float>{0, 0, static_cast<float>(std::log(3.0)), 0});
  EXPECT_NEAR(weighted_cross_entropy(logits, std::vector<std::int32_t>{0, 1}, {}, nullptr),
              0.5 * (std::log(2.0) + std::log(4.0)), 1e-7);
  Tensor grad;
  EXPECT_EQ(weighted_cross_entropy(logits, std::vector<std::int32_t>{-1, -1}, {}, &grad), 0.0);
  for (const float v : grad.values()) EXPECT_EQ(v, 0.0f);
  EXPECT_THROW((void)weighted_cross_entropy(logits, std::vector<std::int32_t>{0, 2}, {}, nullptr),
               std::invalid_argument);
  EXPECT_THROW((void)weighted_cross_entropy(logits, std::vector<std::int32_t>{0}, {}, nullptr),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------
// MSE

TEST(Mse, ValueAndGradientSkipNaNTargets) {
  Rng rng(9);
  const Tensor pred = random_tensor(7, 1, rng, 30.0);
  std::vector<float> target{25, 31, std::nanf(""), 40, 18, 56, 35};
  Tensor grad;
  const double loss = mse(pred, target, &grad);
  const auto pd = to_double(pred);
  const auto ref = [&](const std::vector<double>& p) {
    double s = 0.0;
    int n = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::isnan(target[i])) continue;
      s += (p[i] - target[i]) * (p[i] - target[i]);
      ++n;
    }
    return s / n;
  };
  EXPECT_NEAR(loss, ref(pd), 1e-9 * loss);
  EXPECT_TRUE(gradient_matches(grad.values(), ref, pd, 1e-4, 1e-5));
  EXPECT_EQ(grad(2, 0), 0.0f);
  // By hand: pred [1, 3], target [0, 1] → (1 + 4)/2 = 2.5, gradient [2·1/2, 2·2/2] = [1, 2].
  const double hand = mse(Tensor(2, 1, std::vector<float>{1, 3}), std::vector<float>{0, 1}, &grad);
  EXPECT_EQ(hand, 2.5);
  EXPECT_EQ(grad, Tensor(2, 1, std::vector<float>{1, 2}));
  EXPECT_EQ(mse(Tensor(1, 1), std::vector<float>{std::nanf("")}, &grad), 0.0);
  EXPECT_EQ(grad(0, 0), 0.0f);
}

}  // namespace
}  // namespace advx::nn
