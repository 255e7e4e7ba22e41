#pragma once
// The VAE's reparameterisation trick z = μ + ε·exp(½·logvar), ε ~ N(0, I) (REFERENCE §2 step 4), so that
// the sample is differentiable w.r.t. μ and logvar. Eval mode uses z = μ and does not call this.

#include "advx/common/rng.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

/// Draws eps (same shape as mu, row-major, from fill_normal(rng, ·), noise.h) and sets
/// z = mu + eps·exp(0.5·logvar). mu and logvar must have the same shape (else std::invalid_argument);
/// z and eps are resized; neither may be the same tensor as an input.
void reparameterize_forward(const Tensor& mu, const Tensor& logvar, Rng& rng, Tensor& z, Tensor& eps);

/// Given dz: dmu = dz, dlogvar = dz · eps · 0.5 · exp(0.5·logvar). Outputs are resized (overwritten) and
/// must not be the same tensors as the inputs.
void reparameterize_backward(const Tensor& logvar, const Tensor& eps, const Tensor& dz, Tensor& dmu,
                             Tensor& dlogvar);

}  // namespace advx::nn
