#include "advx/nn/sparse_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "advx/nn/noise.h"

namespace advx::nn {
namespace {

// 4 users × 6 items; user 2 has no interactions.
CsrMatrix small_matrix() {
  return CsrMatrix::from_pairs(4, 6, {{0, 1}, {0, 4}, {1, 0}, {1, 2}, {1, 3}, {1, 5}, {3, 2}});
}

CsrMatrix random_matrix(std::int32_t rows, std::int32_t cols, double density, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
  for (std::int32_t r = 0; r < rows; ++r)
    for (std::int32_t c = 0; c < cols; ++c)
      if (rng.uniform_double() < density) pairs.emplace_back(r, c);
  return CsrMatrix::from_pairs(rows, cols, std::move(pairs));
}

TEST(SparseRows, GatherKeepsOrderAndRepeats) {
  const CsrMatrix m = small_matrix();
  const std::vector<std::int32_t> batch{3, 0, 3, 2};
  const SparseRows x = gather_rows(m, batch);
  EXPECT_EQ(x.rows(), 4);
  EXPECT_EQ(x.cols, 6);
  EXPECT_EQ(x.row_ptr, (std::vector<std::int64_t>{0, 1, 3, 4, 4}));
  EXPECT_EQ(x.col_idx, (std::vector<std::int32_t>{2, 1, 4, 2}));
  EXPECT_EQ(x.values, (std::vector<float>{1, 1, 1, 1}));
  EXPECT_EQ(gather_rows(m).nnz(), 7);
  const std::vector<std::int32_t> bad{4};
  EXPECT_THROW((void)gather_rows(m, bad), std::invalid_argument);
}

TEST(SparseRows, EvalModeNormalisesEachRowToUnitLength) {
  const CsrMatrix m = small_matrix();
  const SparseRows x = encoder_input(m, std::vector<std::int32_t>{0, 1, 2, 3}, 0.0f, nullptr);
  EXPECT_EQ(x.row_ptr, (std::vector<std::int64_t>{0, 2, 6, 6, 7}));
  for (int k = 0; k < 2; ++k) EXPECT_FLOAT_EQ(x.values[static_cast<std::size_t>(k)], 1.0f / std::sqrt(2.0f));
  for (int k = 2; k < 6; ++k) EXPECT_FLOAT_EQ(x.values[static_cast<std::size_t>(k)], 0.5f);
  EXPECT_FLOAT_EQ(x.values[6], 1.0f);
  // The empty row stays empty (max(‖x‖, 1e-12) avoids 0/0).
  const Tensor d = densify(x);
  for (const float v : d.row(2)) EXPECT_EQ(v, 0.0f);
}

// Dense double reference of REFERENCE §2 steps 1–2, drawing one uniform per stored entry in the same
// order: dropout x ⊙ mask / (1 − p), then x / max(‖x‖, 1e-12).
Tensor reference_input(const CsrMatrix& m, const std::vector<std::int32_t>& batch, float p, std::uint64_t seed) {
  Rng rng(seed);
  std::size_t nnz = 0;
  for (const std::int32_t b : batch) nnz += m.row(b).size();
  std::vector<float> u(nnz);
  if (p > 0.0f) fill_uniform(rng, u);
  std::size_t next = 0;
  Tensor out(static_cast<std::int64_t>(batch.size()), m.cols());
  for (std::size_t r = 0; r < batch.size(); ++r) {
    std::vector<double> dense(static_cast<std::size_t>(m.cols()), 0.0);
    for (const std::int32_t c : m.row(batch[r])) {
      const bool dropped = u[next++] < p;
      dense[static_cast<std::size_t>(c)] = dropped ? 0.0 : 1.0 / (1.0 - static_cast<double>(p));
    }
    double norm = 0.0;
    for (const double v : dense) norm += v * v;
    norm = std::max(std::sqrt(norm), 1e-12);
    for (std::size_t c = 0; c < dense.size(); ++c)
      out(static_cast<std::int64_t>(r), static_cast<std::int64_t>(c)) = static_cast<float>(dense[c] / norm);
  }
  return out;
}

TEST(SparseRows, TrainModeMatchesDenseReferenceAndDropsAboutP) {
  const CsrMatrix m = random_matrix(200, 300, 0.3, 1);
  std::vector<std::int32_t> batch(200);
  for (std::int32_t i = 0; i < 200; ++i) batch[static_cast<std::size_t>(i)] = (i * 7) % 200;
  const float p = 0.1f;
  Rng rng(99);
  const SparseRows x = encoder_input(m, batch, p, &rng);
  const Tensor expected = reference_input(m, batch, p, 99);
  const Tensor got = densify(x);
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got.data()[i], expected.data()[i], 1e-7) << i;
  // Dropped entries are removed: ~10 % of ~18,000, binomial σ ≈ 40.
  const auto total = static_cast<double>(gather_rows(m, batch).nnz());
  const double dropped_fraction = 1.0 - static_cast<double>(x.nnz()) / total;
  EXPECT_NEAR(dropped_fraction, 0.1, 0.01);
  // The 1/(1−p) factor cancels: every kept entry of a row with k kept entries is 1/√k.
  for (std::int64_t r = 0; r < x.rows(); ++r) {
    const auto k = x.row_ptr[static_cast<std::size_t>(r + 1)] - x.row_ptr[static_cast<std::size_t>(r)];
    for (auto j = x.row_ptr[static_cast<std::size_t>(r)]; j < x.row_ptr[static_cast<std::size_t>(r + 1)]; ++j)
      EXPECT_NEAR(x.values[static_cast<std::size_t>(j)], 1.0 / std::sqrt(static_cast<double>(k)), 1e-7);
  }
}

TEST(SparseRows, SameSeedSameMaskDifferentSeedDifferentMask) {
  const CsrMatrix m = random_matrix(30, 100, 0.2, 2);
  const std::vector<std::int32_t> batch{0, 5, 9, 29};
  Rng a(7), b(7), c(8);
  const SparseRows xa = encoder_input(m, batch, 0.3f, &a);
  const SparseRows xb = encoder_input(m, batch, 0.3f, &b);
  const SparseRows xc = encoder_input(m, batch, 0.3f, &c);
  EXPECT_EQ(xa.col_idx, xb.col_idx);
  EXPECT_EQ(xa.values, xb.values);
  EXPECT_NE(xa.col_idx, xc.col_idx);
}

TEST(SparseRows, DropEverythingAndArgumentChecks) {
  const CsrMatrix m = small_matrix();
  Rng rng(1);
  const SparseRows x = encoder_input(m, std::vector<std::int32_t>{0, 1}, 1.0f, &rng);
  EXPECT_EQ(x.nnz(), 0);
  EXPECT_EQ(x.rows(), 2);
  SparseRows y = gather_rows(m);
  EXPECT_THROW(dropout_normalize(y, 0.5f, nullptr), std::invalid_argument);
  EXPECT_THROW(dropout_normalize(y, 1.5f, &rng), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
