#include "advx/nn/dropout.h"

#include "check.h"

namespace advx::nn {

void dropout_forward(const Tensor& x, float p, Rng& rng, Tensor& y, Tensor& mask) {
  detail::require(p >= 0.0f && p <= 1.0f, "dropout_forward: p = {} outside [0, 1]", p);
  const std::int64_t rows = x.rows();
  const std::int64_t cols = x.cols();
  mask.resize(rows, cols);
  if (p == 0.0f) {
    mask.fill(1.0f);
  } else {
    const float keep_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    for (float& m : mask.values()) m = rng.uniform_float() < p ? 0.0f : keep_scale;
  }
  y.resize(rows, cols);  // y may alias x: resizing to the same shape keeps the contents
  const float* xs = x.data();
  const float* ms = mask.data();
  float* ys = y.data();
  for (std::size_t i = 0; i < mask.size(); ++i) ys[i] = xs[i] * ms[i];
}

void dropout_backward(const Tensor& mask, const Tensor& dy, Tensor& dx) {
  detail::require_same_shape(mask, dy, "dropout_backward");
  dx.resize(dy.rows(), dy.cols());
  const float* ms = mask.data();
  const float* gs = dy.data();
  float* out = dx.data();
  for (std::size_t i = 0; i < mask.size(); ++i) out[i] = gs[i] * ms[i];
}

}  // namespace advx::nn
