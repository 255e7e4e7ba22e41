#pragma once
// n parallel MLP heads reading one input (the latent code): the training-time adversaries of one
// attribute (REFERENCE §3) and the post-hoc attackers (§5, one head). Each head applies its own
// dropout mask to the input (Q17), then [Linear → activation]* → Linear. Parameters use PyTorch's
// default Linear init (Q9).
//
// The heads are independent but run together: their inputs, activations and outputs are stacked
// head-major into one tensor ([heads·batch × width], head h's rows contiguous) and each layer depth is one
// stacked nn::Linear (count = heads), so a training step costs a handful of oneDNN calls per group rather than a few per
// head. Since every head sees the same targets, the mean of the heads' losses is the loss of the stacked
// output against the targets repeated once per head (same per-head denominators), which is how it is
// computed.

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
  /// Outputs of every head from the last forward, stacked: [heads·batch × outputs], head h's rows at
  /// h·batch .. h·batch + batch − 1 (with one head, simply [batch × outputs]).
  [[nodiscard]] const nn::Tensor& outputs_stacked() const { return out_; }
  [[nodiscard]] std::int32_t heads() const { return heads_; }
  [[nodiscard]] bool categorical() const { return categorical_; }
  [[nodiscard]] std::int32_t outputs() const { return outputs_; }

  /// Parameters and gradients, in a fixed order (for the optimiser and checkpoints).
  [[nodiscard]] std::vector<nn::ParamRef> params();

 private:
  bool categorical_;
  std::int32_t outputs_;
  std::int32_t heads_;
  HeadConfig config_;
  std::vector<float> class_weights_;
  std::vector<nn::Linear> layers_;         // one per depth: hidden layers, then the output layer
  std::int64_t batch_ = 0;                 // rows per head in the last forward
  nn::Tensor mask_, input_;                // stacked dropout masks and dropped inputs (layer 0's input)
  std::vector<nn::Tensor> pre_, act_;      // stacked pre-activations and activations of the hidden layers
  nn::Tensor out_, dout_;
  nn::Tensor scratch_a_, scratch_b_;
  HeadTargets tiled_;                      // the targets repeated once per head
};

}  // namespace advx
