#pragma once
// Dense fully connected layers on oneDNN matmul primitives: y = x·Wᵀ + b, or `count` independent layers
// of one shape run together (y_h = x_h·W_hᵀ + b_h for h < count, the n parallel heads of an adversary
// group) as one batched matmul per pass.
//
// Layouts, all plain row-major and stacked head-major (head h's block is contiguous); count = 1 is the
// ordinary [batch × in] → [batch × out] layer with PyTorch's nn.Linear W [out × in] and b [1 × out]:
//   x  [count·rows × in]     rows h·rows .. h·rows+rows−1 are head h's input
//   y  [count·rows × out]    likewise
//   W  [count·out × in]      head h's [out × in] block at rows h·out ..
//   b  [count × out]         row h is head h's bias
// As oneDNN matmul these are 3-D tensors {count, rows, in}·{count, in, out}; transposes are strides only
// (no copies): forward x·(Wᵀ) + b, backward data dy·W, backward weights (dyᵀ)·x; the bias gradient is a
// column sum of dy done here. Plain layouts because Adam rewrites the parameters every step: a blocked
// weight layout would cost a reorder per step (and another for the gradient) and make the optimiser and
// checkpoints layout-aware.
//
// Why matmul and not inner_product: at the decoder's shapes oneDNN 2.6 runs matmul (its brgemm kernels)
// at 160–200 GFLOP/s on one thread against 120–170 for inner_product (bench_sgemm_peak), and inside a
// training step — between the sparse encoder, the softmax and Adam — the inner_product backward passes
// measured 0.6–0.9 ms per call against 0.3 ms for the same products as matmul (ONEDNN_VERBOSE). Why
// stacked heads: two groups of 10 heads of a few units as separate layers are ≈ 120 primitive executions
// of a few kFLOP per training step, where the per-call overhead (argument maps, stream wait, an OpenMP
// fork/join) outweighs the arithmetic; stacked they are 12 (6 per group).
//
// Primitive caching: oneDNN primitives are specialised to the batch row count, and an epoch has two
// (full batches and the short last batch), evaluation a third (all validation users at once). The layer
// keeps a small map row count → {forward, backward_data, backward_weights} and their memory objects,
// each built the first time it is needed and then only executed. Runtime dims (DNNL_RUNTIME_DIM_VAL)
// would keep oneDNN from specialising kernels to the shape; the handful of distinct row counts keeps the
// map tiny.
//
// Gradients are *overwritten* by backward_weights (no accumulation, so no zeroing is needed between
// steps). A layer whose output fans out must have the caller sum dy first (tensor_ops.h: axpy).

#include <cstddef>
#include <cstdint>
#include <map>

#include <dnnl.hpp>

#include "advx/nn/engine.h"
#include "advx/nn/mode.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

class Linear {
 public:
  /// `count` stacked layers of in → out (1: one ordinary layer). Parameters start at zero; initialise
  /// them with init.h. `engine` must outlive the layer. Non-positive sizes throw std::invalid_argument.
  Linear(Engine& engine, std::int64_t in_features, std::int64_t out_features, std::int64_t count = 1);
  Linear(Linear&&) noexcept = default;
  Linear& operator=(Linear&&) noexcept = default;
  // Copies would share cached primitives and memory objects; a layer is unique.
  Linear(const Linear&) = delete;
  Linear& operator=(const Linear&) = delete;
  ~Linear() = default;

  [[nodiscard]] std::int64_t in_features() const { return in_; }
  [[nodiscard]] std::int64_t out_features() const { return out_; }
  [[nodiscard]] std::int64_t count() const { return count_; }

  /// W [count·out × in] and b [count × out], and their gradients (same shapes). Exposed for init, the
  /// optimiser and checkpoints; the shapes must not be changed.
  [[nodiscard]] Tensor& weight() { return weight_; }
  [[nodiscard]] Tensor& bias() { return bias_; }
  [[nodiscard]] Tensor& weight_grad() { return weight_grad_; }
  [[nodiscard]] Tensor& bias_grad() { return bias_grad_; }
  [[nodiscard]] const Tensor& weight() const { return weight_; }
  [[nodiscard]] const Tensor& bias() const { return bias_; }
  [[nodiscard]] const Tensor& weight_grad() const { return weight_grad_; }
  [[nodiscard]] const Tensor& bias_grad() const { return bias_grad_; }

  /// y_h = x_h·W_hᵀ + b_h per head block; x is [count·rows × in] (else std::invalid_argument), y is
  /// resized to [count·rows × out]. `mode` is accepted for symmetry with the other layers: a linear layer
  /// keeps nothing for backward, so it does not change the result.
  void forward(const Tensor& x, Tensor& y, Mode mode);

  /// dx_h = dy_h·W_h; dx is resized to [count·rows × in]. Uses the current W.
  /// backward_data and backward_weights may run at the same time on two threads once forward has seen
  /// the row count (they share no state then); nothing else about a layer is thread-safe.
  void backward_data(const Tensor& dy, Tensor& dx);

  /// Overwrites weight_grad()_h = dy_hᵀ·x_h and bias_grad()_h = Σ_rows dy_h, where x is the input given
  /// to the matching forward and dy the gradient of the loss w.r.t. y.
  void backward_weights(const Tensor& x, const Tensor& dy);

  /// Number of distinct batch row counts for which primitives have been built (for tests).
  [[nodiscard]] std::size_t cached_row_counts() const { return cache_.size(); }

 private:
  // Everything oneDNN needs for one row count per head: the forward and its memory objects are built
  // the first time the count is seen, each backward primitive with its memory objects on its first use
  // (an empty handle means "not yet"); the memory objects wrap no buffer and get the caller's pointers
  // via set_data_handle right before execute. Each pass has its own memory objects, so the two backward
  // passes of a layer can run at once on two threads (nn::side_by_side).
  struct Primitives {
    dnnl::matmul forward, backward_data, backward_weights;
    dnnl::memory x, y, w_t, bias;  // forward: y = x·Wᵀ (+ b); w_t is W read transposed
    dnnl::memory bd_dy, bd_w, bd_dx;  // backward data: dx = dy·W
    dnnl::memory bw_dy_t, bw_x, bw_dw;  // backward weights: dW = dyᵀ·x, dy read transposed
  };
  Primitives& primitives_for(std::int64_t rows);
  [[nodiscard]] dnnl::matmul build_matmul(const dnnl::memory::desc& a, const dnnl::memory::desc& b,
                                          const dnnl::memory::desc& c) const;
  [[nodiscard]] std::int64_t rows_per_head(const Tensor& t, std::int64_t cols, const char* what) const;

  Engine* engine_;
  std::int64_t in_;
  std::int64_t out_;
  std::int64_t count_;
  Tensor weight_;
  Tensor bias_;
  Tensor weight_grad_;
  Tensor bias_grad_;
  std::map<std::int64_t, Primitives> cache_;
};

}  // namespace advx::nn
