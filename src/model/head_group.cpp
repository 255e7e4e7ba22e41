#include "advx/model/head_group.h"

#include <stdexcept>

#include "advx/nn/activations.h"
#include "advx/nn/dropout.h"
#include "advx/nn/init.h"
#include "advx/nn/losses.h"
#include "advx/nn/tensor_ops.h"

namespace advx {

HeadGroup::HeadGroup(nn::Engine& engine, std::int32_t in, std::int32_t outputs, bool categorical,
                     const HeadConfig& config, std::vector<float> class_weights, Rng& init_rng)
    : categorical_(categorical), outputs_(outputs), config_(config), class_weights_(std::move(class_weights)) {
  if (config.heads < 1) throw std::invalid_argument("HeadGroup: heads must be ≥ 1");
  heads_.resize(static_cast<std::size_t>(config.heads));
  for (auto& head : heads_) {
    std::int64_t prev = in;
    std::vector<std::int64_t> sizes(config.hidden.begin(), config.hidden.end());
    sizes.push_back(outputs);
    for (auto size : sizes) {
      head.layers.emplace_back(engine, prev, size);
      nn::init_torch_default(head.layers.back().weight(), prev, init_rng);
      nn::init_torch_default(head.layers.back().bias(), prev, init_rng);
      prev = size;
    }
    head.pre.resize(config.hidden.size());
    head.act.resize(config.hidden.size());
  }
}

void HeadGroup::forward(const nn::Tensor& z, nn::Mode mode, Rng* rng) {
  const bool drop = mode == nn::Mode::train && config_.dropout > 0.0f;
  for (auto& head : heads_) {
    // The layer-0 input is kept per head (dropped, or a copy of z) because backward_weights needs it
    // and the caller's z may change before backward.
    if (drop) {
      nn::dropout_forward(z, config_.dropout, *rng, head.input, head.mask);
    } else {
      head.input = z;
      head.mask = nn::Tensor();  // empty mask: no dropout to undo in backward
    }
    const nn::Tensor* x = &head.input;
    for (std::size_t l = 0; l + 1 < head.layers.size(); ++l) {
      head.layers[l].forward(*x, head.pre[l], mode);
      if (config_.activation == Activation::kReLU)
        nn::relu_forward(head.pre[l], head.act[l]);
      else
        nn::sigmoid_forward(head.pre[l], head.act[l]);
      x = &head.act[l];
    }
    head.layers.back().forward(*x, head.out, mode);
  }
}

double HeadGroup::loss(const HeadTargets& targets, bool backward, float scale, nn::Tensor* dz) {
  double total = 0.0;
  const float head_scale = scale / static_cast<float>(heads_.size());
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    auto& head = heads_[h];
    nn::Tensor* dout = backward ? &head.dout : nullptr;
    total += categorical_ ? nn::weighted_cross_entropy(head.out, targets.labels, class_weights_, dout)
                          : nn::mse(head.out, targets.values, dout);
    if (!backward) continue;
    nn::scale(head.dout, head_scale);
    backward_head(head, dz_head_);
    if (h == 0)
      *dz = dz_head_;
    else
      nn::axpy(1.0f, dz_head_, *dz);
  }
  return total / static_cast<double>(heads_.size());
}

void HeadGroup::backward_head(Head& head, nn::Tensor& dz_head) {
  // `dy` is the gradient w.r.t. the current layer's output; two scratch tensors alternate as dx.
  const nn::Tensor* dy = &head.dout;
  for (std::size_t l = head.layers.size(); l-- > 0;) {
    head.layers[l].backward_weights(l > 0 ? head.act[l - 1] : head.input, *dy);
    nn::Tensor& dx = (dy == &scratch_a_) ? scratch_b_ : scratch_a_;
    head.layers[l].backward_data(*dy, dx);
    if (l > 0) {
      if (config_.activation == Activation::kReLU)
        nn::relu_backward(head.pre[l - 1], dx, dx);
      else
        nn::sigmoid_backward(head.act[l - 1], dx, dx);
    }
    dy = &dx;
  }
  if (head.mask.empty())
    dz_head = *dy;
  else
    nn::dropout_backward(head.mask, *dy, dz_head);
}

std::vector<nn::ParamRef> HeadGroup::params() {
  std::vector<nn::ParamRef> out;
  for (auto& head : heads_)
    for (auto& layer : head.layers) {
      out.push_back({&layer.weight(), &layer.weight_grad()});
      out.push_back({&layer.bias(), &layer.bias_grad()});
    }
  return out;
}

}  // namespace advx
