#pragma once
// torch.optim.Adam (amsgrad = False, maximize = False) with *coupled* L2 weight decay, as the reference
// uses for both the recommender and the adversaries (REFERENCE §4). Per element, at step t:
//   g ← grad + wd·θ                      (the stored gradient itself is not modified)
//   m ← β₁·m + (1−β₁)·g,   v ← β₂·v + (1−β₂)·g²
//   θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + eps)
// Bias corrections are computed in double and applied in float, as PyTorch's CPU kernels do.

#include <cstdint>
#include <vector>

#include "advx/nn/row_sparse_gradient.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

/// One parameter and its gradient (same shape): a dense tensor `grad`, or — for a sparse-input layer's
/// weight — a factored `row_grad` (exactly one of the two is set). Both are owned elsewhere (by a layer)
/// and must outlive the optimiser and keep their shapes.
struct ParamRef {
  Tensor* param;
  Tensor* grad;
  const RowSparseGradient* row_grad = nullptr;
};

/// The gradient of `p` as a dense tensor, whichever form it is kept in (tests, gradient checks).
[[nodiscard]] Tensor dense_gradient(const ParamRef& p);

class Adam {
 public:
  /// Throws std::invalid_argument for a null parameter, none or both of grad / row_grad set, or a shape
  /// mismatch between a parameter and its gradient.
  Adam(std::vector<ParamRef> params, AdamOptions options);

  /// One update of every parameter from its current gradient.
  void step();

  [[nodiscard]] double lr() const { return options_.lr; }
  void set_lr(double lr) { options_.lr = lr; }
  [[nodiscard]] const AdamOptions& options() const { return options_; }

  /// Optimiser state for checkpoints: the step count and the moment estimates m, v of every parameter
  /// (same order and sizes as the params given to the constructor).
  struct State {
    std::int64_t step = 0;
    std::vector<std::vector<float>> exp_avg;     // m
    std::vector<std::vector<float>> exp_avg_sq;  // v
  };
  [[nodiscard]] const State& state() const { return state_; }
  /// Restores a state; throws std::invalid_argument if the sizes do not match the parameters.
  void set_state(State state);

 private:
  std::vector<ParamRef> params_;
  AdamOptions options_;
  State state_;
};

}  // namespace advx::nn
