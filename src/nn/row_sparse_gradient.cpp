#include "advx/nn/row_sparse_gradient.h"

#include <algorithm>
#include <limits>

#include "check.h"
#include "kernels.h"

namespace advx::nn {

namespace {
std::int64_t checked_rows(std::int64_t in, std::int64_t out) {
  detail::require(in > 0 && out > 0, "RowSparseGradient: sizes must be positive, got [{} x {}]", in, out);
  return in;
}
}  // namespace

RowSparseGradient::RowSparseGradient(std::int64_t in, std::int64_t out)
    : in_(checked_rows(in, out)), out_(out), row_begin_(static_cast<std::size_t>(in + 1), 0) {}

void RowSparseGradient::assign(const SparseRows& x, const Tensor& dy) {
  detail::require(x.cols == in_ && dy.cols() == out_ && x.rows() == dy.rows(),
                  "RowSparseGradient::assign: x [{} x {}] and dy [{} x {}] do not give a [{} x {}] gradient",
                  x.rows(), x.cols, dy.rows(), dy.cols(), in_, out_);
  detail::require(x.nnz() <= std::numeric_limits<std::int32_t>::max() &&
                      x.rows() <= std::numeric_limits<std::int32_t>::max(),
                  "RowSparseGradient::assign: batch of {} rows / {} entries exceeds 32-bit indices", x.rows(),
                  x.nnz());
  // Transpose x by counting sort on the item: a stable pass over the batch rows in order keeps each
  // item's entries in increasing batch-row order.
  const auto nnz = static_cast<std::size_t>(x.nnz());
  detail::require(x.col_idx.size() >= nnz && x.values.size() >= nnz,
                  "RowSparseGradient::assign: batch has {} entries but {} column indices", nnz, x.col_idx.size());
  std::fill(row_begin_.begin(), row_begin_.end(), 0);
  for (std::size_t k = 0; k < nnz; ++k) ++row_begin_[static_cast<std::size_t>(x.col_idx[k]) + 1];
  for (std::size_t j = 0; j < static_cast<std::size_t>(in_); ++j) row_begin_[j + 1] += row_begin_[j];
  batch_row_.resize(nnz);
  value_.resize(nnz);
  std::vector<std::int32_t>& next = scratch_;
  next.assign(row_begin_.begin(), row_begin_.end() - 1);
  for (std::int64_t r = 0; r < x.rows(); ++r)
    for (auto k = x.row_ptr[static_cast<std::size_t>(r)]; k < x.row_ptr[static_cast<std::size_t>(r + 1)]; ++k) {
      const auto pos = static_cast<std::size_t>(next[static_cast<std::size_t>(x.col_idx[static_cast<std::size_t>(k)])]++);
      batch_row_[pos] = static_cast<std::int32_t>(r);
      value_[pos] = x.values[static_cast<std::size_t>(k)];
    }
  dy_.resize(dy.rows(), dy.cols());
  std::copy(dy.values().begin(), dy.values().end(), dy_.values().begin());
}

Tensor RowSparseGradient::dense() const {
  Tensor out(in_, out_);
  if (dy_.empty()) return out;
  // Row j the way Adam's kernel builds it: a sparse row over dy's rows, no bias.
  for (std::int64_t j = 0; j < in_; ++j) {
    const std::int32_t k0 = row_begin_[static_cast<std::size_t>(j)];
    kernels::sparse_row_forward(nullptr, batch_row_.data() + k0, value_.data() + k0,
                                row_begin_[static_cast<std::size_t>(j + 1)] - k0, dy_.data(), out.row(j).data(), out_);
  }
  return out;
}

}  // namespace advx::nn
