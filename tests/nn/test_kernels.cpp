// The dispatched elementwise kernels (src/nn/kernels.h) against plain double-precision loops, on lengths
// that exercise the vector bodies and their scalar tails. This machine's CPU picks the clone under test.

#include "kernels.h"
#include "simd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "advx/common/rng.h"

namespace advx::nn {
namespace {

std::vector<float> random_values(std::size_t n, Rng& rng, float lo, float hi) {
  std::vector<float> v(n);
  for (auto& x : v) x = lo + (hi - lo) * rng.uniform_float();
  return v;
}

TEST(Kernels, ExpIsWithinTwoUlpOverItsRange) {
  double worst = 0;
  for (float x = -87.0f; x < 88.0f; x += 0.00123f) {
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::fabs(simd::exp(x) - want) / want);
  }
  EXPECT_LT(worst, 2.0 * std::numeric_limits<float>::epsilon());
  EXPECT_EQ(simd::exp(0.0f), 1.0f);
  EXPECT_TRUE(std::isnan(simd::exp(std::numeric_limits<float>::quiet_NaN())));
  // Clamped ends: finite, positive, monotone.
  EXPECT_GT(simd::exp(-1000.0f), 0.0f);
  EXPECT_LT(simd::exp(-1000.0f), 1.3e-38f);
  EXPECT_TRUE(std::isfinite(simd::exp(1000.0f)));
  EXPECT_GE(simd::exp(1000.0f), simd::exp(88.0f));
}

TEST(Kernels, LogAndSinCosOfTheBoxMullerUniformsAreAccurate) {
  // Every 24-bit uniform u = k·2⁻²⁴ in steps of 7 (and the quadrant edges): ln on (0, 1] within 2ε
  // relative, or 2ε·0.05 ≈ 1.2e-8 absolute where |ln u| < 0.05; sin/cos of 2πu within 2.5e-7 absolute.
  // (Inlined here, so compiled for this file's baseline ISA; the vector builds run in test_noise.cpp.)
  double worst_log = 0, worst_trig = 0;
  for (std::int32_t k = 1; k <= (1 << 24); k += 7) {
    const float u = static_cast<float>(k) * 0x1.0p-24f;
    const double want = std::log(static_cast<double>(u));
    worst_log = std::max(worst_log, std::fabs(simd::log_unit(u) - want) / std::max(std::fabs(want), 0.05));
  }
  for (std::int32_t k = 0; k < (1 << 24); k += 7) {
    for (const std::int32_t kk : {k, (k / (1 << 21)) << 21}) {  // also the exact multiples of 1/8
      const float u = static_cast<float>(kk) * 0x1.0p-24f;
      float s, c;
      simd::sincos_turns(u, s, c);
      const double a = 2.0 * 3.14159265358979323846 * static_cast<double>(u);
      worst_trig = std::max({worst_trig, std::fabs(s - std::sin(a)), std::fabs(c - std::cos(a))});
    }
  }
  EXPECT_LT(worst_log, 2.0 * std::numeric_limits<float>::epsilon());
  EXPECT_LT(worst_trig, 2.5e-7);
  EXPECT_EQ(simd::log_unit(1.0f), 0.0f);
}

TEST(Kernels, MaxAndShiftedExpSumMatchScalarLoops) {
  Rng rng(1);
  for (const std::size_t n : {1u, 7u, 16u, 33u, 3706u}) {
    const auto x = random_values(n, rng, -30.0f, 10.0f);
    float want_max = x[0];
    for (float v : x) want_max = std::max(want_max, v);
    EXPECT_EQ(kernels::max(x.data(), static_cast<std::int64_t>(n)), want_max) << n;
    std::vector<float> e(n);
    const double sum = kernels::exp_shifted(x.data(), want_max, e.data(), static_cast<std::int64_t>(n));
    double want_sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double want = std::exp(static_cast<double>(x[i] - want_max));
      EXPECT_NEAR(e[i], want, 3e-7 * want) << n << " " << i;
      want_sum += want;
    }
    EXPECT_NEAR(sum, want_sum, 1e-6 * want_sum) << n;
    EXPECT_EQ(kernels::exp_shifted(x.data(), want_max, nullptr, static_cast<std::int64_t>(n)), sum) << n;
    auto in_place = x;
    EXPECT_EQ(kernels::exp_shifted(in_place.data(), want_max, in_place.data(), static_cast<std::int64_t>(n)), sum);
    EXPECT_EQ(in_place, e) << n;
  }
}

TEST(Kernels, SparseRowForwardMatchesADenseLoop) {
  Rng rng(2);
  const std::int64_t rows = 50, cols = 37;  // 37: a vector body plus a tail at every ISA
  const auto w = random_values(rows * cols, rng, -1, 1);
  const auto b = random_values(cols, rng, -1, 1);
  const std::vector<std::int32_t> idx{3, 4, 17, 49};
  const std::vector<float> v{0.5f, -1.0f, 2.0f, 0.25f};
  std::vector<float> y(cols);
  kernels::sparse_row_forward(b.data(), idx.data(), v.data(), 4, w.data(), y.data(), cols);
  for (std::int64_t o = 0; o < cols; ++o) {
    double want = b[o];
    for (std::size_t k = 0; k < idx.size(); ++k) want += v[k] * w[idx[k] * cols + o];
    EXPECT_NEAR(y[o], want, 1e-5) << o;
  }
}

TEST(Kernels, AdamMatchesTheDoublePrecisionFormula) {
  Rng rng(3);
  const std::size_t n = 1003;
  auto theta = random_values(n, rng, -1, 1);
  const auto grad = random_values(n, rng, -1, 1);
  auto m = random_values(n, rng, -0.1f, 0.1f);
  auto v = random_values(n, rng, 0, 0.01f);
  const auto theta0 = theta, m0 = m, v0 = v;
  const kernels::AdamScalars s{.b1 = 0.9f, .b2 = 0.999f, .one_minus_b1 = 0.1f, .one_minus_b2 = 0.001f,
                               .step_size = 1e-3f, .bc2_sqrt = 0.5f, .eps = 1e-8f, .wd = 1e-4f};
  kernels::adam(theta.data(), grad.data(), m.data(), v.data(), static_cast<std::int64_t>(n), s);
  for (std::size_t i = 0; i < n; ++i) {
    const double g = grad[i] + 1e-4 * theta0[i];
    const double mi = 0.9 * m0[i] + 0.1 * g, vi = 0.999 * v0[i] + 0.001 * g * g;
    // float rounding relative to the summands (they may cancel), not to the result
    EXPECT_NEAR(m[i], mi, 1e-6 * (0.9 * std::fabs(m0[i]) + 0.1 * std::fabs(g)) + 1e-12);
    EXPECT_NEAR(v[i], vi, 1e-6 * vi + 1e-12);
    EXPECT_NEAR(theta[i], theta0[i] - 1e-3 * mi / (std::sqrt(vi) / 0.5 + 1e-8), 1e-6) << i;
  }
}

TEST(Kernels, RowSparseAdamEqualsAdamOnTheScatteredGradient) {
  // Rows of a [rows × cols] parameter; the gradient of row j is Σ value[k]·dy[batch_row[k]] over its
  // entries. Built in registers and an L1 chunk, it must give the same bits as Adam on the dense gradient
  // scatter-added in the same order — including rows without entries (gradient 0, only weight decay
  // moves them). 37 rows: two whole chunks of kAdamChunkRows and a partial one.
  Rng rng(6);
  for (const std::int64_t cols : {1, 37, 200}) {  // 37: a vector body plus a tail; 200: every block width
    const std::int64_t rows = 37, batch = 8;
    std::vector<std::int32_t> row_begin{0}, batch_row;
    for (std::int64_t j = 0; j < rows; ++j) {
      for (std::int32_t r = 0; r < batch; ++r)
        if (rng.uniform_float() < 0.3f) batch_row.push_back(r);  // increasing within the row
      row_begin.push_back(static_cast<std::int32_t>(batch_row.size()));
    }
    const auto value = random_values(batch_row.size(), rng, 0.1f, 1);
    const auto dy = random_values(static_cast<std::size_t>(batch * cols), rng, -1, 1);
    std::vector<float> grad(static_cast<std::size_t>(rows * cols), 0.0f);
    for (std::int64_t j = 0; j < rows; ++j)
      for (auto k = row_begin[j]; k < row_begin[j + 1]; ++k)
        kernels::axpy(value[k], dy.data() + batch_row[k] * cols, grad.data() + j * cols, cols);
    auto theta = random_values(grad.size(), rng, -1, 1);
    auto m = random_values(grad.size(), rng, -0.1f, 0.1f);
    auto v = random_values(grad.size(), rng, 0, 0.01f);
    auto theta_d = theta, m_d = m, v_d = v;
    const kernels::AdamScalars s{.b1 = 0.9f, .b2 = 0.999f, .one_minus_b1 = 0.1f, .one_minus_b2 = 0.001f,
                                 .step_size = 1e-3f, .bc2_sqrt = 0.5f, .eps = 1e-8f, .wd = 1e-2f};
    kernels::adam(theta_d.data(), grad.data(), m_d.data(), v_d.data(), rows * cols, s);
    // Two calls on row ranges [0, 20) and [20, 37), as two threads would split it.
    std::vector<float> scratch(static_cast<std::size_t>(kernels::kAdamChunkRows * cols), 123.0f);
    kernels::adam_row_sparse(theta.data(), m.data(), v.data(), 0, 20, cols, row_begin.data(), batch_row.data(),
                             value.data(), dy.data(), scratch.data(), s);
    kernels::adam_row_sparse(theta.data(), m.data(), v.data(), 20, rows, cols, row_begin.data(), batch_row.data(),
                             value.data(), dy.data(), scratch.data(), s);
    EXPECT_EQ(theta, theta_d) << cols;
    EXPECT_EQ(m, m_d) << cols;
    EXPECT_EQ(v, v_d) << cols;
  }
}

TEST(Kernels, ExpScaledAndSigmoidHandleTheirWholeRange) {
  // 1003 values: vector bodies and a tail. exp within 2 ulp of std::exp in range, +inf past ln(FLT_MAX),
  // NaN kept; sigmoid within 2 ulp-ish of the double formula, exactly 0 / 1 far out, no NaN.
  Rng rng(7);
  auto x = random_values(1003, rng, -120.0f, 120.0f);
  x[0] = 88.0f;
  x[1] = 89.0f;
  x[2] = std::numeric_limits<float>::quiet_NaN();
  x[3] = -87.0f;
  x[4] = -104.5f;
  x[5] = 104.5f;
  std::vector<float> e(x.size()), half(x.size()), sg(x.size());
  kernels::exp_scaled(x.data(), 1.0f, e.data(), static_cast<std::int64_t>(x.size()));
  kernels::exp_scaled(x.data(), 0.5f, half.data(), static_cast<std::int64_t>(x.size()));
  kernels::sigmoid(x.data(), sg.data(), static_cast<std::int64_t>(x.size()));
  EXPECT_TRUE(std::isinf(e[1]) && e[1] > 0);
  EXPECT_TRUE(std::isnan(e[2]) && std::isnan(half[2]));
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i == 2) continue;
    const double xi = x[i];
    if (xi > -87.0 && xi < 88.7) {
      EXPECT_NEAR(e[i], std::exp(xi), 2.5 * std::numeric_limits<float>::epsilon() * std::exp(xi)) << xi;
    }
    EXPECT_NEAR(half[i], std::exp(0.5 * xi), 2.5 * std::numeric_limits<float>::epsilon() * std::exp(0.5 * xi)) << xi;
    const double want = 1.0 / (1.0 + std::exp(-xi));
    EXPECT_NEAR(sg[i], want, 3.0 * std::numeric_limits<float>::epsilon() * want + 1.3e-38) << xi;
    if (xi < -104.0) {
      EXPECT_EQ(sg[i], 0.0f) << xi;
    }
    if (xi > 104.0) {
      EXPECT_EQ(sg[i], 1.0f) << xi;
    }
  }
}

TEST(Kernels, DropoutMaskApplyThresholdsTheUniforms) {
  std::vector<float> u{0.0f, 0.29f, 0.3f, 0.31f, 0.99f}, x{1, 2, 3, 4, 5}, y(5);
  kernels::dropout_mask_apply(u.data(), 0.3f, 2.0f, x.data(), y.data(), 5);
  EXPECT_EQ(u, (std::vector<float>{0, 0, 2, 2, 2}));
  EXPECT_EQ(y, (std::vector<float>{0, 0, 6, 8, 10}));
}

TEST(Kernels, ActivationsAndTheirGradientsMatchScalarLoops) {
  Rng rng(12);
  for (const std::size_t n : {1u, 5u, 16u, 37u, 640u}) {
    const auto x = random_values(n, rng, -3.0f, 3.0f), dy = random_values(n, rng, -1.0f, 1.0f);
    const auto y = random_values(n, rng, 0.0f, 1.0f);
    std::vector<float> r(n), dr(n), ds(dy);
    kernels::relu(x.data(), r.data(), static_cast<std::int64_t>(n));
    std::vector<float> r_in_place(x), dr_in_place(dy);  // the model calls relu_backward(pre, d, d)
    kernels::relu(r_in_place.data(), r_in_place.data(), static_cast<std::int64_t>(n));
    kernels::relu_backward(x.data(), dr_in_place.data(), dr_in_place.data(), static_cast<std::int64_t>(n));
    EXPECT_EQ(r_in_place, r) << n;
    kernels::relu_backward(x.data(), dy.data(), dr.data(), static_cast<std::int64_t>(n));
    EXPECT_EQ(dr_in_place, dr) << n;
    kernels::sigmoid_backward(y.data(), ds.data(), ds.data(), static_cast<std::int64_t>(n));  // in place
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(r[i], x[i] > 0.0f ? x[i] : 0.0f) << n << " " << i;
      EXPECT_EQ(dr[i], x[i] > 0.0f ? dy[i] : 0.0f) << n << " " << i;
      EXPECT_EQ(ds[i], dy[i] * y[i] * (1.0f - y[i])) << n << " " << i;
    }
  }
}

TEST(Kernels, ReluOfNaNIsZero) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x{nan, -1.0f, 2.0f}, y(3), d(3);
  kernels::relu(x.data(), y.data(), 3);
  kernels::relu_backward(x.data(), std::vector<float>{5, 5, 5}.data(), d.data(), 3);
  EXPECT_EQ(y, (std::vector<float>{0, 0, 2}));
  EXPECT_EQ(d, (std::vector<float>{0, 0, 5}));
}

TEST(Kernels, RowBroadcastAndColumnSumMatchRowByRowLoops) {
  // The stacked heads' bias: [rows × n] blocks with n = 5 or 2; summed in row order, as a per-row loop.
  Rng rng(13);
  for (const std::int64_t n : {1, 2, 5, 17}) {
    const std::int64_t rows = 37;
    const auto x = random_values(static_cast<std::size_t>(rows * n), rng, -1.0f, 1.0f);
    const auto b = random_values(static_cast<std::size_t>(n), rng, -1.0f, 1.0f);
    std::vector<float> y(x), want_y(x), db(b), want_db(b);
    kernels::add_row_to_rows(b.data(), y.data(), rows, n);
    kernels::add_rows_to_row(x.data(), rows, n, db.data());
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t i = 0; i < n; ++i) {
        want_y[static_cast<std::size_t>(r * n + i)] += b[static_cast<std::size_t>(i)];
        want_db[static_cast<std::size_t>(i)] += x[static_cast<std::size_t>(r * n + i)];
      }
    EXPECT_EQ(y, want_y) << n;
    EXPECT_EQ(db, want_db) << n;
  }
}

}  // namespace
}  // namespace advx::nn
