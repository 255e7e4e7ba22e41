#include "advx/nn/activations.h"

#include "check.h"
#include "kernels.h"

namespace advx::nn {

void relu_forward(const Tensor& x, Tensor& y) {
  y.resize(x.rows(), x.cols());  // y may alias x: resizing to the same shape keeps the contents
  kernels::relu(x.data(), y.data(), static_cast<std::int64_t>(x.size()));
}

void relu_backward(const Tensor& x, const Tensor& dy, Tensor& dx) {
  detail::require_same_shape(x, dy, "relu_backward");
  dx.resize(x.rows(), x.cols());  // dx may alias dy
  kernels::relu_backward(x.data(), dy.data(), dx.data(), static_cast<std::int64_t>(x.size()));
}

void sigmoid_forward(const Tensor& x, Tensor& y) {
  y.resize(x.rows(), x.cols());  // y may alias x: resizing to the same shape keeps the contents
  kernels::sigmoid(x.data(), y.data(), static_cast<std::int64_t>(x.size()));
}

void sigmoid_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  detail::require_same_shape(y, dy, "sigmoid_backward");
  dx.resize(y.rows(), y.cols());  // dx may alias dy
  kernels::sigmoid_backward(y.data(), dy.data(), dx.data(), static_cast<std::int64_t>(y.size()));
}

}  // namespace advx::nn
