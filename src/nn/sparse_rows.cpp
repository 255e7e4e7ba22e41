#include "advx/nn/sparse_rows.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "advx/nn/noise.h"
#include "check.h"

namespace advx::nn {

SparseRows gather_rows(const CsrMatrix& m, std::span<const std::int32_t> rows) {
  SparseRows out;
  out.cols = m.cols();
  out.row_ptr.reserve(rows.size() + 1);
  std::int64_t nnz = 0;
  for (const std::int32_t r : rows) {
    detail::require(r >= 0 && r < m.rows(), "gather_rows: row {} outside [0, {})", r, m.rows());
    nnz += m.row_nnz(r);
  }
  out.col_idx.reserve(static_cast<std::size_t>(nnz));
  for (const std::int32_t r : rows) {
    const auto cols = m.row(r);
    out.col_idx.insert(out.col_idx.end(), cols.begin(), cols.end());
    out.row_ptr.push_back(static_cast<std::int64_t>(out.col_idx.size()));
  }
  out.values.assign(out.col_idx.size(), 1.0f);
  return out;
}

SparseRows gather_rows(const CsrMatrix& m) {
  std::vector<std::int32_t> all(static_cast<std::size_t>(m.rows()));
  std::iota(all.begin(), all.end(), 0);
  return gather_rows(m, all);
}

void dropout_normalize(SparseRows& x, float p, Rng* rng) {
  detail::require(p >= 0.0f && p <= 1.0f, "dropout_normalize: p = {} outside [0, 1]", p);
  detail::require(p == 0.0f || rng != nullptr, "dropout_normalize: p = {} > 0 needs an Rng", p);
  // PyTorch scales kept entries by 1/(1−p); with p = 1 nothing is kept and the scale is irrelevant.
  const float keep_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  std::vector<float> u;
  if (p > 0.0f) {
    u.resize(static_cast<std::size_t>(x.nnz()));
    fill_uniform(*rng, u);
  }
  std::int64_t write = 0;
  std::int64_t row_begin = 0;
  for (std::int64_t r = 0; r < x.rows(); ++r) {
    const std::int64_t row_end = x.row_ptr[static_cast<std::size_t>(r + 1)];
    const std::int64_t out_begin = write;
    double sq = 0.0;
    for (std::int64_t k = row_begin; k < row_end; ++k) {
      const auto ks = static_cast<std::size_t>(k);
      float v = x.values[ks];
      if (p > 0.0f) {
        if (u[ks] < p) continue;  // dropped: removed, contributes exactly 0
        v *= keep_scale;
      }
      x.col_idx[static_cast<std::size_t>(write)] = x.col_idx[ks];
      x.values[static_cast<std::size_t>(write)] = v;
      sq += static_cast<double>(v) * v;
      ++write;
    }
    // F.normalize: x / max(‖x‖₂, eps), eps = 1e-12.
    const double inv_norm = 1.0 / std::max(std::sqrt(sq), 1e-12);
    for (std::int64_t k = out_begin; k < write; ++k) {
      auto& v = x.values[static_cast<std::size_t>(k)];
      v = static_cast<float>(v * inv_norm);
    }
    row_begin = row_end;
    x.row_ptr[static_cast<std::size_t>(r + 1)] = write;
  }
  x.col_idx.resize(static_cast<std::size_t>(write));
  x.values.resize(static_cast<std::size_t>(write));
}

SparseRows encoder_input(const CsrMatrix& m, std::span<const std::int32_t> rows, float p, Rng* rng) {
  SparseRows x = gather_rows(m, rows);
  dropout_normalize(x, p, rng);
  return x;
}

Tensor densify(const SparseRows& x) {
  Tensor d(x.rows(), x.cols);
  for (std::int64_t r = 0; r < x.rows(); ++r) {
    for (auto k = x.row_ptr[static_cast<std::size_t>(r)]; k < x.row_ptr[static_cast<std::size_t>(r + 1)]; ++k) {
      d(r, x.col_idx[static_cast<std::size_t>(k)]) = x.values[static_cast<std::size_t>(k)];
    }
  }
  return d;
}

}  // namespace advx::nn
