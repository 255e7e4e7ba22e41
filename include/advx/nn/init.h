#pragma once
// Parameter initialisations (REFERENCE §2 and Q9). Samples are drawn in the tensor's storage order
// (row-major) from advx::Rng, so the same seed gives the same parameters on any platform. They do not
// reproduce PyTorch's values (different generator), only the distributions.

#include <cstdint>

#include "advx/common/rng.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

/// Xavier/Glorot normal: every element ~ N(0, std²), std = gain·√(2/(fan_in + fan_out)).
/// Encoder/decoder use gain 5/3 (PyTorch's tanh gain).
void init_xavier_normal(Tensor& w, std::int64_t fan_in, std::int64_t fan_out, double gain, Rng& rng);

/// Every element = value (the encoder/decoder biases use 0.01).
void init_constant(Tensor& t, float value);

/// PyTorch's default nn.Linear init for one tensor: every element ~ U(−1/√fan_in, 1/√fan_in)
/// (kaiming_uniform with a = √5 gives exactly this bound for the weight; the bias uses it explicitly).
/// Call it for the weight and then the bias, as nn.Linear does.
void init_torch_default(Tensor& t, std::int64_t fan_in, Rng& rng);

}  // namespace advx::nn
