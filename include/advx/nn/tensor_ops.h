#pragma once
// Small whole-tensor helpers the model needs to glue layers together: accumulating gradients that meet
// at one tensor (z receives the decoder's and every adversary group's gradient), and splitting the
// encoder output [μ | logvar] into its halves and back.

#include <cstdint>

#include "advx/nn/tensor.h"

namespace advx::nn {

/// y += a·x (same shape, else std::invalid_argument).
void axpy(float a, const Tensor& x, Tensor& y);

/// x *= a.
void scale(Tensor& x, float a);

/// sum = Σ_h block h of `stacked`, whose rows are `blocks` equal blocks (the heads of a group, stacked
/// head-major), added in order h = 0, 1, …; `sum` is resized to one block. `blocks` must divide the rows.
void sum_blocks(const Tensor& stacked, std::int64_t blocks, Tensor& sum);

/// Splits the columns of `h` at `at`: left = h[:, :at], right = h[:, at:]. Outputs are resized.
void split_cols(const Tensor& h, std::int64_t at, Tensor& left, Tensor& right);

/// out = [left | right] (same row count, else std::invalid_argument). `out` is resized.
void concat_cols(const Tensor& left, const Tensor& right, Tensor& out);

}  // namespace advx::nn
