#pragma once
// n parallel MLP heads reading one input (the latent code): the training-time adversaries of one
// attribute (REFERENCE §3) and the post-hoc attackers (§5, one head). Each head applies its own
// dropout mask to the input (Q17), then [Linear → activation]* → Linear. Parameters use PyTorch's
// default Linear init (Q9).

#include <cstdint>
#include <span>
#include <vector>

#include "advx/common/rng.h"
#include "advx/model/model_config.h"
#include "advx/nn/adam.h"
#include "advx/nn/engine.h"
#include "advx/nn/linear.h"
#include "advx/nn/mode.h"
#include "advx/nn/tensor.h"

namespace advx {

/// What a group predicts for a batch: class labels (categorical, −1 = missing) or values (continuous,
/// NaN = missing).
struct HeadTargets {
  std::vector<std::int32_t> labels;
  std::vector<float> values;
};

class HeadGroup {
 public:
  /// `outputs`: classes for a categorical group, 1 for a continuous one.
  HeadGroup(nn::Engine& engine, std::int32_t in, std::int32_t outputs, bool categorical, const HeadConfig& config,
            std::vector<float> class_weights, Rng& init_rng);

  /// Forward every head; train mode draws dropout masks from `rng` (may be null in eval mode).
  void forward(const nn::Tensor& z, nn::Mode mode, Rng* rng);
  /// Mean over heads of each head's loss (weighted CE or MSE) on the last forward; with `backward`,
  /// also back-propagates `scale`·(that mean) into the heads' parameter gradients and writes
  /// d(scale·loss)/dz into `dz` (resized, overwritten: the sum over heads).
  double loss(const HeadTargets& targets, bool backward, float scale, nn::Tensor* dz);
  /// Output of head h from the last forward: [batch × outputs].
  [[nodiscard]] const nn::Tensor& output(std::int32_t h) const { return heads_[static_cast<std::size_t>(h)].out; }
  [[nodiscard]] std::int32_t heads() const { return static_cast<std::int32_t>(heads_.size()); }
  [[nodiscard]] bool categorical() const { return categorical_; }
  [[nodiscard]] std::int32_t outputs() const { return outputs_; }

  /// Parameters and gradients, in a fixed order (for the optimiser and checkpoints).
  [[nodiscard]] std::vector<nn::ParamRef> params();

 private:
  struct Head {
    std::vector<nn::Linear> layers;
    nn::Tensor mask, input;         // dropout mask and dropped input
    std::vector<nn::Tensor> pre;    // pre-activations of the hidden layers
    std::vector<nn::Tensor> act;    // activations of the hidden layers
    nn::Tensor out, dout;
  };
  void backward_head(Head& head, nn::Tensor& dz_head);

  bool categorical_;
  std::int32_t outputs_;
  HeadConfig config_;
  std::vector<float> class_weights_;
  std::vector<Head> heads_;
  nn::Tensor scratch_a_, scratch_b_, dz_head_;
};

}  // namespace advx
