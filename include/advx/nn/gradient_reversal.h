#pragma once
// The gradient-reversal layer (Ganin & Lempitsky) in front of each adversary group (REFERENCE §3):
// identity forward, gradient multiplied by −λ backward. The forward pass is the identity, so the model
// simply feeds z itself to the heads; only the backward exists as code.

#include "advx/nn/tensor.h"

namespace advx::nn {

/// dx = −lambda · dy; dx is resized and may alias dy. lambda = 0 gives an exactly zero gradient.
void gradient_reversal_backward(float lambda, const Tensor& dy, Tensor& dx);

}  // namespace advx::nn
