#pragma once
// The first encoder layer, y = x·W + b for a sparse input batch x (≈ 3 % dense): O(nnz·out) instead of
// the dense O(batch·in·out).
//
// Layout: W is stored item-major, [in × out] — the transpose of PyTorch's nn.Linear weight — so the
// contribution of item j, W[j, :], is one contiguous row: forward is a gather-and-add of rows, and each
// row's gradient is a sum over the batch rows holding that item. A checkpoint converter to PyTorch must
// transpose W.
//
// Only parameter gradients are produced: the input is data, nothing upstream needs dx.
// Gradients are overwritten by backward_weights. The weight gradient is kept factored (xᵀ·dy, see
// row_sparse_gradient.h): Adam's coupled weight decay still updates every row each step, but it builds
// each row's gradient in L1 instead of reading a dense [in × out] gradient that had to be zeroed
// and scatter-added into first.
//
// Plain C++ loops, no oneDNN: a sparse × dense product is not a oneDNN primitive, and at ~100 non-zeros
// per user × 200 outputs a batch costs ~1.3 MFLOP, negligible next to the decoder GEMMs.

#include <cstdint>

#include "advx/nn/row_sparse_gradient.h"
#include "advx/nn/sparse_rows.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

class SparseLinear {
 public:
  /// Parameters start at zero; initialise them with init.h (fan_in = in, fan_out = out).
  SparseLinear(std::int64_t in_features, std::int64_t out_features);

  [[nodiscard]] std::int64_t in_features() const { return in_; }
  [[nodiscard]] std::int64_t out_features() const { return out_; }

  /// W [in × out] (item-major, see above), b [1 × out], and their gradients (same shapes).
  [[nodiscard]] Tensor& weight() { return weight_; }
  [[nodiscard]] Tensor& bias() { return bias_; }
  [[nodiscard]] Tensor& bias_grad() { return bias_grad_; }
  [[nodiscard]] const Tensor& weight() const { return weight_; }
  [[nodiscard]] const Tensor& bias() const { return bias_; }
  /// dW, factored (what Adam consumes), and copied into a dense [in × out] tensor (3 MB at ML-1M size:
  /// tests and gradient checks only).
  [[nodiscard]] const RowSparseGradient& weight_row_grad() const { return weight_grad_; }
  [[nodiscard]] Tensor dense_weight_grad() const { return weight_grad_.dense(); }
  [[nodiscard]] const Tensor& bias_grad() const { return bias_grad_; }

  /// y_r = b + Σ_{(j, v) ∈ row r} v·W[j, :]; y is resized to [x.rows() × out].
  /// x.cols must equal in (else std::invalid_argument). Same for train and eval.
  void forward(const SparseRows& x, Tensor& y) const;

  /// Overwrites the weight gradient with dW[j, :] = Σ_r v_rj·dy_r (zero for items absent from the batch)
  /// and bias_grad() with Σ_r dy_r.
  void backward_weights(const SparseRows& x, const Tensor& dy);

 private:
  std::int64_t in_;
  std::int64_t out_;
  Tensor weight_;
  Tensor bias_;
  RowSparseGradient weight_grad_;
  Tensor bias_grad_;
};

}  // namespace advx::nn
