#include "advx/nn/reparameterize.h"

#include <algorithm>

#include "advx/nn/noise.h"
#include "check.h"
#include "kernels.h"

namespace advx::nn {

void reparameterize_forward(const Tensor& mu, const Tensor& logvar, Rng& rng, Tensor& z, Tensor& eps) {
  detail::require_same_shape(mu, logvar, "reparameterize_forward");
  eps.resize(mu.rows(), mu.cols());
  fill_normal(rng, eps.values());
  z.resize(mu.rows(), mu.cols());
  const auto n = static_cast<std::int64_t>(mu.size());
  kernels::exp_scaled(logvar.data(), 0.5f, z.data(), n);  // σ, in z's buffer
  kernels::multiply(eps.data(), z.data(), z.data(), n);     // ε·σ
  kernels::axpy(1.0f, mu.data(), z.data(), n);              // + μ
}

void reparameterize_backward(const Tensor& logvar, const Tensor& eps, const Tensor& dz, Tensor& dmu,
                             Tensor& dlogvar) {
  detail::require_same_shape(logvar, eps, "reparameterize_backward");
  detail::require_same_shape(logvar, dz, "reparameterize_backward");
  dmu.resize(dz.rows(), dz.cols());
  dlogvar.resize(dz.rows(), dz.cols());
  const auto n = static_cast<std::int64_t>(dz.size());
  std::copy(dz.values().begin(), dz.values().end(), dmu.values().begin());
  float* dl = dlogvar.data();
  kernels::exp_scaled(logvar.data(), 0.5f, dl, n);  // σ
  kernels::multiply(eps.data(), dl, dl, n);
  kernels::multiply(dz.data(), dl, dl, n);
  kernels::scale(dl, 0.5f, n);
}

}  // namespace advx::nn
