#include "advx/nn/sparse_linear.h"

#include "check.h"
#include "kernels.h"

namespace advx::nn {

SparseLinear::SparseLinear(std::int64_t in_features, std::int64_t out_features)
    : in_(in_features),
      out_(out_features),
      weight_(in_features, out_features),
      bias_(1, out_features),
      weight_grad_(in_features, out_features),
      bias_grad_(1, out_features) {
  detail::require(in_features > 0 && out_features > 0, "SparseLinear: sizes must be positive, got {} -> {}",
                  in_features, out_features);
}

void SparseLinear::forward(const SparseRows& x, Tensor& y) const {
  detail::require(x.cols == in_, "SparseLinear::forward: input has {} columns, layer expects {}", x.cols, in_);
  const std::int64_t rows = x.rows();
  y.resize(rows, out_);
  const float* b = bias_.data();
  // Rows are independent, so the parallel loop is deterministic.
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto begin = x.row_ptr[static_cast<std::size_t>(r)];
    kernels::sparse_row_forward(b, x.col_idx.data() + begin, x.values.data() + begin,
                                x.row_ptr[static_cast<std::size_t>(r + 1)] - begin, weight_.data(), y.row(r).data(), out_);
  }
}

void SparseLinear::backward_weights(const SparseRows& x, const Tensor& dy) {
  detail::require(x.cols == in_ && dy.cols() == out_ && x.rows() == dy.rows(),
                  "SparseLinear::backward_weights: x [{} x {}] and dy [{} x {}] do not fit a {} -> {} layer",
                  x.rows(), x.cols, dy.rows(), dy.cols(), in_, out_);
  weight_grad_.assign(x, dy);
  // The bias gradient: column sums, each summed in batch order (the same bits at any thread count).
  bias_grad_.zero();
  for (std::int64_t r = 0; r < x.rows(); ++r) kernels::axpy(1.0f, dy.row(r).data(), bias_grad_.data(), out_);
}

}  // namespace advx::nn
