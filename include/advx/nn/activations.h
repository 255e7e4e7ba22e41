#pragma once
// Elementwise activations used by the adversary heads (ReLU for gender, Sigmoid for age), with their
// backward passes. Outputs are resized to the input's shape; in-place use (y aliasing x, dx aliasing dy)
// is allowed.

#include "advx/nn/tensor.h"

namespace advx::nn {

/// y = max(x, 0).
void relu_forward(const Tensor& x, Tensor& y);
/// dx = dy · [x > 0] (PyTorch's choice: gradient 0 at x = 0). Takes the forward *input*.
void relu_backward(const Tensor& x, const Tensor& dy, Tensor& dx);

/// y = 1 / (1 + exp(−x)), computed without overflow for large |x|.
void sigmoid_forward(const Tensor& x, Tensor& y);
/// dx = dy · y · (1 − y). Takes the forward *output* y.
void sigmoid_backward(const Tensor& y, const Tensor& dy, Tensor& dx);

}  // namespace advx::nn
