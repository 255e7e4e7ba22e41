#pragma once
// The weight gradient of a sparse-input layer, dW = xᵀ·dy, kept factored instead of dense.
//
// For the first encoder layer, x is a batch of ≈ 64 users' item rows (≈ 3 % dense) and W is [items × out]
// (3706 × 200 at ML-1M size): a dense dW must be zeroed, scatter-added into and read back by Adam every
// step — about 17 MB of memory traffic for a gradient whose rows are mostly zero. Kept factored (x
// transposed to per-item lists of (batch row, value), plus dy), Adam builds each row of dW in L1
// right before it updates that row (kernels::adam_row_sparse), so the dense gradient is never written.
// Row j of dW is summed over the batch rows in increasing order, as the dense scatter-add did, so both
// forms give the same bits.

#include <cstdint>
#include <vector>

#include "advx/nn/sparse_rows.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

class RowSparseGradient {
 public:
  RowSparseGradient() = default;
  /// Shape of dW: [in × out]; zero until the first assign().
  RowSparseGradient(std::int64_t in, std::int64_t out);

  [[nodiscard]] std::int64_t rows() const { return in_; }
  [[nodiscard]] std::int64_t cols() const { return out_; }

  /// Records dW = xᵀ·dy (x [batch × in], dy [batch × out]); copies what it needs, so x and dy may change
  /// afterwards. Throws std::invalid_argument if the shapes do not fit [in × out].
  void assign(const SparseRows& x, const Tensor& dy);

  /// dW as a dense [in × out] tensor (tests, finite-difference checks); the hot path never calls it.
  [[nodiscard]] Tensor dense() const;

  // The factored form, for kernels: the entries of row j are k in [row_begin[j], row_begin[j + 1]),
  // each adding value[k] · dy[batch_row[k], :]; dy is [batch × out], row-major.
  [[nodiscard]] const std::int32_t* row_begin() const { return row_begin_.data(); }
  [[nodiscard]] const std::int32_t* batch_row() const { return batch_row_.data(); }
  [[nodiscard]] const float* value() const { return value_.data(); }
  [[nodiscard]] const float* dy() const { return dy_.data(); }

 private:
  std::int64_t in_ = 0;
  std::int64_t out_ = 0;
  std::vector<std::int32_t> row_begin_{0};  // in + 1 offsets
  std::vector<std::int32_t> batch_row_;  // nnz(x), grouped by item, batch rows increasing within an item
  std::vector<float> value_;             // nnz(x), aligned with batch_row_
  Tensor dy_;
  std::vector<std::int32_t> scratch_;  // next free slot per item while transposing, kept to avoid reallocating
};

}  // namespace advx::nn
