#include "advx/nn/gradient_reversal.h"

namespace advx::nn {

void gradient_reversal_backward(float lambda, const Tensor& dy, Tensor& dx) {
  dx.resize(dy.rows(), dy.cols());
  const float* g = dy.data();
  float* out = dx.data();
  const float factor = -lambda;
  for (std::size_t i = 0; i < dy.size(); ++i) out[i] = factor * g[i];
}

}  // namespace advx::nn
