#include "advx/nn/reparameterize.h"

#include <cmath>

#include "advx/nn/noise.h"
#include "check.h"

namespace advx::nn {

void reparameterize_forward(const Tensor& mu, const Tensor& logvar, Rng& rng, Tensor& z, Tensor& eps) {
  detail::require_same_shape(mu, logvar, "reparameterize_forward");
  eps.resize(mu.rows(), mu.cols());
  fill_normal(rng, eps.values());
  z.resize(mu.rows(), mu.cols());
  const float* m = mu.data();
  const float* lv = logvar.data();
  const float* es = eps.data();
  float* zs = z.data();
  for (std::size_t i = 0; i < mu.size(); ++i) zs[i] = m[i] + es[i] * std::exp(0.5f * lv[i]);
}

void reparameterize_backward(const Tensor& logvar, const Tensor& eps, const Tensor& dz, Tensor& dmu,
                             Tensor& dlogvar) {
  detail::require_same_shape(logvar, eps, "reparameterize_backward");
  detail::require_same_shape(logvar, dz, "reparameterize_backward");
  dmu.resize(dz.rows(), dz.cols());
  dlogvar.resize(dz.rows(), dz.cols());
  const float* lv = logvar.data();
  const float* es = eps.data();
  const float* g = dz.data();
  float* dm = dmu.data();
  float* dl = dlogvar.data();
  for (std::size_t i = 0; i < dz.size(); ++i) {
    dm[i] = g[i];
    dl[i] = g[i] * es[i] * 0.5f * std::exp(0.5f * lv[i]);
  }
}

}  // namespace advx::nn
