#include "advx/nn/activations.h"

#include "check.h"
#include "kernels.h"

namespace advx::nn {

void relu_forward(const Tensor& x, Tensor& y) {
  y.resize(x.rows(), x.cols());
  const float* xs = x.data();
  float* ys = y.data();
  for (std::size_t i = 0; i < x.size(); ++i) ys[i] = xs[i] > 0.0f ? xs[i] : 0.0f;
}

void relu_backward(const Tensor& x, const Tensor& dy, Tensor& dx) {
  detail::require_same_shape(x, dy, "relu_backward");
  dx.resize(x.rows(), x.cols());
  const float* xs = x.data();
  const float* gs = dy.data();
  float* out = dx.data();
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = xs[i] > 0.0f ? gs[i] : 0.0f;
}

void sigmoid_forward(const Tensor& x, Tensor& y) {
  y.resize(x.rows(), x.cols());  // y may alias x: resizing to the same shape keeps the contents
  kernels::sigmoid(x.data(), y.data(), static_cast<std::int64_t>(x.size()));
}

void sigmoid_backward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  detail::require_same_shape(y, dy, "sigmoid_backward");
  dx.resize(y.rows(), y.cols());
  const float* ys = y.data();
  const float* gs = dy.data();
  float* out = dx.data();
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = gs[i] * ys[i] * (1.0f - ys[i]);
}

}  // namespace advx::nn
