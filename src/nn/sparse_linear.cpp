#include "advx/nn/sparse_linear.h"

#include <algorithm>

#include <omp.h>

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
  const std::int64_t rows = x.rows();
  float* gw = weight_grad_.data();
  float* db = bias_grad_.data();
  const std::int64_t in_rows = in_, out = out_;
  // Rows of different users hit the same items, so the scatter-add is split by *output columns*: each
  // thread adds every batch row into its own column slice, in batch order. Every element's sum then has
  // the same order for any thread count, so the gradient is bit-identical at 1 or N threads.
#pragma omp parallel if (omp_get_max_threads() > 1 && out >= 64)
  {
    const std::int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
#pragma omp for schedule(static)
    for (std::int64_t j = 0; j < in_rows; ++j) std::fill_n(gw + j * out, out, 0.0f);
    const std::int64_t slice = ((out + threads - 1) / threads + 15) & ~std::int64_t{15};
    const std::int64_t c0 = std::min(out, t * slice), c1 = std::min(out, c0 + slice);
    if (c1 > c0) {
      std::fill(db + c0, db + c1, 0.0f);
      for (std::int64_t r = 0; r < rows; ++r) {
        const float* dyr = dy.row(r).data();
        kernels::axpy(1.0f, dyr + c0, db + c0, c1 - c0);
        const auto begin = x.row_ptr[static_cast<std::size_t>(r)];
        kernels::sparse_row_backward(x.col_idx.data() + begin, x.values.data() + begin,
                                     x.row_ptr[static_cast<std::size_t>(r + 1)] - begin, dyr + c0, gw + c0, c1 - c0, out);
      }
    }
  }
}

}  // namespace advx::nn
