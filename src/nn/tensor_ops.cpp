#include "advx/nn/tensor_ops.h"

#include <algorithm>

#include "check.h"
#include "kernels.h"

namespace advx::nn {

void axpy(float a, const Tensor& x, Tensor& y) {
  detail::require_same_shape(x, y, "axpy");
  const float* xs = x.data();
  float* ys = y.data();
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) ys[i] += a * xs[i];
}

void scale(Tensor& x, float a) {
  for (float& v : x.values()) v *= a;
}

void sum_blocks(const Tensor& stacked, std::int64_t blocks, Tensor& sum) {
  detail::require(blocks >= 1 && stacked.rows() % blocks == 0, "sum_blocks: {} rows are not {} equal blocks",
                  stacked.rows(), blocks);
  detail::require(&sum != &stacked, "sum_blocks: the sum cannot be its own input");
  const std::int64_t rows = stacked.rows() / blocks, n = rows * stacked.cols();
  sum.resize(rows, stacked.cols());
  std::copy(stacked.data(), stacked.data() + n, sum.data());
  if (blocks > 1) kernels::add_rows_to_row(stacked.data() + n, blocks - 1, n, sum.data());
}

void split_cols(const Tensor& h, std::int64_t at, Tensor& left, Tensor& right) {
  detail::require(at >= 0 && at <= h.cols(), "split_cols: split point {} outside [0, {}]", at, h.cols());
  left.resize(h.rows(), at);
  right.resize(h.rows(), h.cols() - at);
  for (std::int64_t r = 0; r < h.rows(); ++r) {
    const auto src = h.row(r);
    std::copy(src.begin(), src.begin() + at, left.row(r).begin());
    std::copy(src.begin() + at, src.end(), right.row(r).begin());
  }
}

void concat_cols(const Tensor& left, const Tensor& right, Tensor& out) {
  detail::require(left.rows() == right.rows(), "concat_cols: row counts {} and {} differ", left.rows(),
                  right.rows());
  out.resize(left.rows(), left.cols() + right.cols());
  for (std::int64_t r = 0; r < left.rows(); ++r) {
    auto dst = out.row(r);
    std::copy(left.row(r).begin(), left.row(r).end(), dst.begin());
    std::copy(right.row(r).begin(), right.row(r).end(), dst.begin() + left.cols());
  }
}

}  // namespace advx::nn
