#pragma once
// Inverted dropout on dense tensors (the adversary heads' input dropout, REFERENCE §3 and Q17: every
// head draws its own mask). Eval mode is the identity and the caller simply skips these calls.

#include <span>

#include "advx/common/rng.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

/// Training-mode dropout with probability p ∈ [0, 1]: element i is dropped when u_i < p, where u is
/// fill_uniform(rng, ·) over all elements in row-major order (noise.h), and kept ×1/(1−p) otherwise.
/// `mask` receives the per-element factor (0 or 1/(1−p)) for the backward pass; y = x ⊙ mask. p = 0
/// draws nothing (mask = 1) and p = 1 drops everything. y and mask are resized; y may alias x.
void dropout_forward(const Tensor& x, float p, Rng& rng, Tensor& y, Tensor& mask);
/// The same on raw element ranges of equal size (e.g. one head's block of a stacked tensor), written in
/// place: y and mask must already have x's size.
void dropout_forward(std::span<const float> x, float p, Rng& rng, std::span<float> y, std::span<float> mask);

/// dx = dy ⊙ mask. dx may alias dy.
void dropout_backward(const Tensor& mask, const Tensor& dy, Tensor& dx);

}  // namespace advx::nn
