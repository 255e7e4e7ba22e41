#include "advx/nn/dropout.h"

#include <algorithm>

#include "check.h"
#include "advx/nn/noise.h"
#include "kernels.h"

namespace advx::nn {

void dropout_forward(const Tensor& x, float p, Rng& rng, Tensor& y, Tensor& mask) {
  mask.resize(x.rows(), x.cols());
  y.resize(x.rows(), x.cols());  // y may alias x: resizing to the same shape keeps the contents
  dropout_forward(x.values(), p, rng, y.values(), mask.values());
}

void dropout_forward(std::span<const float> x, float p, Rng& rng, std::span<float> y, std::span<float> mask) {
  detail::require(p >= 0.0f && p <= 1.0f, "dropout_forward: p = {} outside [0, 1]", p);
  detail::require(y.size() == x.size() && mask.size() == x.size(),
                  "dropout_forward: sizes differ (x {}, y {}, mask {})", x.size(), y.size(), mask.size());
  const auto n = static_cast<std::int64_t>(x.size());
  if (p == 0.0f) {
    std::fill(mask.begin(), mask.end(), 1.0f);
    kernels::multiply(x.data(), mask.data(), y.data(), n);
    return;
  }
  // Uniforms into the mask buffer, then mask and product in one vectorised pass.
  const float keep_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  fill_uniform(rng, mask);
  kernels::dropout_mask_apply(mask.data(), p, keep_scale, x.data(), y.data(), n);
}

void dropout_backward(const Tensor& mask, const Tensor& dy, Tensor& dx) {
  detail::require_same_shape(mask, dy, "dropout_backward");
  dx.resize(dy.rows(), dy.cols());
  kernels::multiply(dy.data(), mask.data(), dx.data(), static_cast<std::int64_t>(mask.size()));
}

}  // namespace advx::nn
