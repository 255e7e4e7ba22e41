#pragma once
// A dense fully connected layer y = x·Wᵀ + b on oneDNN inner-product primitives.
//
// Layouts: x is [batch × in], y is [batch × out], W is [out × in] (PyTorch's nn.Linear layout,
// oneDNN tag `oi`), b is [1 × out]. All plain row-major: the parameters are rewritten by Adam every step,
// so a blocked oneDNN weight layout would cost a reorder per step (and another for the gradient) and
// make the optimiser and checkpoints layout-aware. With plain layouts oneDNN 2.6 picks its jit GEMM
// (`x64:gemm:jit`), measured here on one thread at 70–190 GFLOP/s for the MultVAE shapes (64×100→3125 and
// 64×3125→200, forward / backward data / backward weights), so nothing is lost.
//
// Primitive caching: oneDNN primitives are specialised to the batch row count, and an epoch has two
// (full batches and the short last batch), evaluation a third (all validation users at once). The layer
// keeps a small map row count → {forward_training, forward_inference, backward_data, backward_weights}
// primitives and their memory objects, each created the first time it is needed and then only executed.
// Why inner product and a per-row-count map rather than matmul with runtime dims
// (DNNL_RUNTIME_DIM_VAL): inner product has the forward_training / forward_inference prop kinds and
// dedicated backward-data / backward-weights primitives (the latter also produces the bias gradient),
// while runtime dims exist only for matmul and keep oneDNN from specialising kernels to the shape; the handful
// of distinct row counts keeps the map tiny.
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
  /// Parameters start at zero; initialise them with init.h. `engine` must outlive the layer.
  Linear(Engine& engine, std::int64_t in_features, std::int64_t out_features);
  Linear(Linear&&) noexcept = default;
  Linear& operator=(Linear&&) noexcept = default;
  // Copies would share cached primitives and memory objects; a layer is unique.
  Linear(const Linear&) = delete;
  Linear& operator=(const Linear&) = delete;
  ~Linear() = default;

  [[nodiscard]] std::int64_t in_features() const { return in_; }
  [[nodiscard]] std::int64_t out_features() const { return out_; }

  /// W [out × in] and b [1 × out], and their gradients (same shapes). Exposed for init, the optimiser
  /// and checkpoints; the shapes must not be changed.
  [[nodiscard]] Tensor& weight() { return weight_; }
  [[nodiscard]] Tensor& bias() { return bias_; }
  [[nodiscard]] Tensor& weight_grad() { return weight_grad_; }
  [[nodiscard]] Tensor& bias_grad() { return bias_grad_; }
  [[nodiscard]] const Tensor& weight() const { return weight_; }
  [[nodiscard]] const Tensor& bias() const { return bias_; }
  [[nodiscard]] const Tensor& weight_grad() const { return weight_grad_; }
  [[nodiscard]] const Tensor& bias_grad() const { return bias_grad_; }

  /// y = x·Wᵀ + b; y is resized to [x.rows() × out]. Mode::train uses prop_kind::forward_training,
  /// Mode::eval forward_inference. x.cols() must equal in (else std::invalid_argument).
  void forward(const Tensor& x, Tensor& y, Mode mode);

  /// dx = dy·W; dx is resized to [dy.rows() × in]. Uses the current W.
  void backward_data(const Tensor& dy, Tensor& dx);

  /// Overwrites weight_grad() = dyᵀ·x and bias_grad() = Σ_rows dy, where x is the input given to the
  /// matching forward and dy the gradient of the loss w.r.t. y.
  void backward_weights(const Tensor& x, const Tensor& dy);

  /// Number of distinct batch row counts for which primitives have been built (for tests).
  [[nodiscard]] std::size_t cached_row_counts() const { return cache_.size(); }

 private:
  // Everything oneDNN needs for one batch row count. Each primitive is built on first use (an empty
  // dnnl handle means "not yet"); the memory objects wrap no buffer and get the caller's pointers via
  // set_data_handle right before execute.
  struct Primitives {
    dnnl::inner_product_forward::primitive_desc train_pd;
    dnnl::inner_product_forward forward_train;
    dnnl::inner_product_forward forward_infer;
    dnnl::inner_product_backward_data backward_data;
    dnnl::inner_product_backward_weights backward_weights;
    dnnl::memory src, weights, bias, dst;  // diff_* reuse the same descriptors (plain layouts)
  };
  Primitives& primitives_for(std::int64_t rows);

  Engine* engine_;
  std::int64_t in_;
  std::int64_t out_;
  Tensor weight_;
  Tensor bias_;
  Tensor weight_grad_;
  Tensor bias_grad_;
  std::map<std::int64_t, Primitives> cache_;
};

}  // namespace advx::nn
