#include "advx/model/head_group.h"

#include <algorithm>
#include <stdexcept>

#include "advx/nn/activations.h"
#include "advx/nn/dropout.h"
#include "advx/nn/init.h"
#include "advx/nn/losses.h"
#include "advx/nn/tensor_ops.h"

namespace advx {

namespace {
// Copies `src` into rows [first, first + src.rows()) of `dst` (same width).
void put_rows(const nn::Tensor& src, nn::Tensor& dst, std::int64_t first) {
  std::copy(src.values().begin(), src.values().end(), dst.row(first).begin());
}
}  // namespace

HeadGroup::HeadGroup(nn::Engine& engine, std::int32_t in, std::int32_t outputs, bool categorical,
                     const HeadConfig& config, std::vector<float> class_weights, Rng& init_rng)
    : categorical_(categorical),
      outputs_(outputs),
      heads_(config.heads),
      config_(config),
      class_weights_(std::move(class_weights)) {
  if (config.heads < 1) throw std::invalid_argument("HeadGroup: heads must be ≥ 1");
  std::vector<std::int64_t> sizes(config.hidden.begin(), config.hidden.end());
  sizes.push_back(outputs);
  std::int64_t prev = in;
  for (const auto size : sizes) {
    layers_.emplace_back(engine, prev, size, heads_);
    prev = size;
  }
  // Initialise head by head, layer by layer, weight then bias: the draw order of separate per-head
  // layers, so a seed gives the same initial heads however they are stored.
  for (std::int32_t h = 0; h < heads_; ++h) {
    prev = in;
    for (auto& layer : layers_) {
      const std::int64_t out = layer.out_features();
      nn::Tensor w(out, prev), b(1, out);
      nn::init_torch_default(w, prev, init_rng);
      nn::init_torch_default(b, prev, init_rng);
      put_rows(w, layer.weight(), h * out);
      put_rows(b, layer.bias(), h);
      prev = out;
    }
  }
  pre_.resize(config.hidden.size());
  act_.resize(config.hidden.size());
}

void HeadGroup::forward(const nn::Tensor& z, nn::Mode mode, Rng* rng) {
  const bool drop = mode == nn::Mode::train && config_.dropout > 0.0f;
  batch_ = z.rows();
  // Layer 0's input, stacked: each head's own dropout draw of z (head by head, so the masks are those
  // of separate heads), or z repeated. Kept because backward_weights needs it and the caller's z may
  // change before backward.
  input_.resize(heads_ * batch_, z.cols());
  if (drop) {
    mask_.resize(heads_ * batch_, z.cols());
    const auto block = static_cast<std::size_t>(z.size());
    for (std::int32_t h = 0; h < heads_; ++h)
      nn::dropout_forward(z.values(), config_.dropout, *rng, input_.values().subspan(h * block, block),
                          mask_.values().subspan(h * block, block));
  } else {
    for (std::int32_t h = 0; h < heads_; ++h) put_rows(z, input_, h * batch_);
    mask_ = nn::Tensor();  // empty mask: no dropout to undo in backward
  }
  const nn::Tensor* x = &input_;
  for (std::size_t l = 0; l + 1 < layers_.size(); ++l) {
    layers_[l].forward(*x, pre_[l], mode);
    if (config_.activation == Activation::kReLU)
      nn::relu_forward(pre_[l], act_[l]);
    else
      nn::sigmoid_forward(pre_[l], act_[l]);
    x = &act_[l];
  }
  layers_.back().forward(*x, out_, mode);
}

double HeadGroup::loss(const HeadTargets& targets, bool backward, float scale, nn::Tensor* dz) {
  // The targets once per head; the stacked loss is then the mean of the heads' losses (see the header).
  const auto tile = [&](const auto& one, auto& many) {
    many.resize(one.size() * static_cast<std::size_t>(heads_));
    for (std::int32_t h = 0; h < heads_; ++h)
      std::copy(one.begin(), one.end(), many.begin() + static_cast<std::ptrdiff_t>(h * one.size()));
  };
  tile(targets.labels, tiled_.labels);
  tile(targets.values, tiled_.values);
  nn::Tensor* dout = backward ? &dout_ : nullptr;
  const double mean = categorical_ ? nn::weighted_cross_entropy(out_, tiled_.labels, class_weights_, dout)
                                   : nn::mse(out_, tiled_.values, dout);
  if (!backward) return mean;

  // Back through the layers; `dy` is the gradient w.r.t. the current layer's output and two scratch
  // tensors alternate as dx.
  nn::scale(dout_, scale);
  nn::Tensor* dy = &dout_;
  for (std::size_t l = layers_.size(); l-- > 0;) {
    layers_[l].backward_weights(l > 0 ? act_[l - 1] : input_, *dy);
    nn::Tensor& dx = (dy == &scratch_a_) ? scratch_b_ : scratch_a_;
    layers_[l].backward_data(*dy, dx);
    if (l > 0) {
      if (config_.activation == Activation::kReLU)
        nn::relu_backward(pre_[l - 1], dx, dx);
      else
        nn::sigmoid_backward(act_[l - 1], dx, dx);
    }
    dy = &dx;
  }
  nn::Tensor& dinput = *dy;  // one of the scratch tensors
  if (!mask_.empty()) nn::dropout_backward(mask_, dinput, dinput);
  nn::sum_blocks(dinput, heads_, *dz);  // dz = Σ_h (head h's block of d input)
  return mean;
}

std::vector<nn::ParamRef> HeadGroup::params() {
  std::vector<nn::ParamRef> out;
  for (auto& layer : layers_) {
    out.push_back({&layer.weight(), &layer.weight_grad()});
    out.push_back({&layer.bias(), &layer.bias_grad()});
  }
  return out;
}

}  // namespace advx
