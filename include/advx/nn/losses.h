#pragma once
// The training losses (REFERENCE §2–3), each returning the value (double) and, when a gradient tensor is
// given, writing d(loss)/d(input) into it (resized, overwritten). All are means over the batch, so
// gradients already carry the 1/B factor; the caller applies β, the 1/n_heads head mean, etc.
//
// Missing labels: a class label −1 (weighted_cross_entropy) or a NaN target (mse) marks an unknown
// attribute; those rows are excluded from both the sum and the normaliser, and get a zero gradient.
// If no row is valid the loss is 0 with a zero gradient (PyTorch would return NaN).

#include <cstdint>
#include <span>

#include "advx/nn/sparse_rows.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

/// Multinomial negative log-likelihood: −(1/B) Σ_u Σ_i y_ui · log_softmax(logits_u)_i with the targets
/// y given sparsely (values are the y_ui, 1 for binary rows); y is never densified. log-sum-exp is
/// max-shifted and accumulated in double. Gradient: (softmax_u · Σ_i y_ui − y_u) / B.
/// targets must have logits' shape (else std::invalid_argument). dlogits may be &logits: the gradient
/// then overwrites the logits (training needs only the gradient; one batch × items buffer fewer to stream).
double multinomial_nll(const Tensor& logits, const SparseRows& targets, Tensor* dlogits);

/// KL(N(μ, σ²) ‖ N(0, 1)) as the reference computes it: 0.5·(1/B) Σ_u Σ_d (−logvar + exp(logvar) + μ² − 1).
/// Gradients: dmu = μ/B, dlogvar = 0.5·(exp(logvar) − 1)/B. Pass both gradient pointers or neither; they
/// must not point at mu or logvar. exp(logvar) is computed in float, as PyTorch does (+inf on overflow).
double gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar);

/// PyTorch's CrossEntropyLoss(weight=w): Σ_u w_{y_u}·nll_u / Σ_u w_{y_u}, nll_u = lse(logits_u) − logits_u[y_u],
/// over the rows with a label ≥ 0. `class_weights` empty means all weights 1 (the plain mean); otherwise
/// its size must be logits.cols(). Labels must be −1 (missing) or in [0, cols) (else std::invalid_argument).
double weighted_cross_entropy(const Tensor& logits, std::span<const std::int32_t> labels,
                              std::span<const float> class_weights, Tensor* dlogits);

/// Mean squared error over the non-NaN targets: Σ (pred − target)² / n_valid, target given row-major with
/// pred's size. Gradient 2·(pred − target)/n_valid (0 where the target is NaN).
double mse(const Tensor& pred, std::span<const float> target, Tensor* dpred);

}  // namespace advx::nn
