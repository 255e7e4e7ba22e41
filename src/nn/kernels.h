#pragma once
// advx's own hot loops, each compiled for AVX-512, AVX2 and baseline x86-64 and dispatched at load time
// (simd.h). Serial kernels on raw arrays: the callers own shapes, checks and the split across threads.

#include <cstdint>

namespace advx::nn::kernels {

/// max_i x[i] (n ≥ 1).
float max(const float* x, std::int64_t n);

/// out[i] = e^(x[i] − shift) (out may be null: sum only; it may be x itself, but not overlap it otherwise); returns
/// Σ_i e^(x[i] − shift), summed in double. For max-shifted softmax inputs (x − shift ≤ 0): simd::exp's
/// caps do not arise there.
double exp_shifted(const float* x, float shift, float* out, std::int64_t n);

/// out[i] = e^(a · x[i]) (simd::exp: ≤ 2 ulp; a·x below −87.3 gives ≈ 1.2e-38, not a denormal; above
/// ln(FLT_MAX) +inf, as std::exp; NaN stays NaN). out may be x.
void exp_scaled(const float* x, float a, float* out, std::int64_t n);

/// y[i] = 1 / (1 + e^(−x[i])), through e^(−|x|) so that nothing overflows; exactly 0 or 1 beyond |x| > 104.
/// y may be x.
void sigmoid(const float* x, float* y, std::int64_t n);

/// y[i] = max(x[i], 0) (0 for NaN). y may be x.
void relu(const float* x, float* y, std::int64_t n);
/// dx[i] = x[i] > 0 ? dy[i] : 0. dx may be dy.
void relu_backward(const float* x, const float* dy, float* dx, std::int64_t n);
/// dx[i] = dy[i] · y[i] · (1 − y[i]) for y = sigmoid(x). dx may be dy.
void sigmoid_backward(const float* y, const float* dy, float* dx, std::int64_t n);

/// x[i] *= s.
void scale(float* x, float s, std::int64_t n);

/// y[i] += a · x[i].
void axpy(float a, const float* x, float* y, std::int64_t n);

/// y[r·n + i] += b[i] for every row r < rows: a bias row added to a [rows × n] block. With a narrow n (a
/// head's 5 units) one call per block, not per row, is what keeps it cheap. b and y must not overlap
/// (likewise x and db below).
void add_row_to_rows(const float* b, float* y, std::int64_t rows, std::int64_t n);
/// db[i] += Σ_r x[r·n + i], the rows added in order r = 0, 1, …: a column sum of a [rows × n] block.
void add_rows_to_row(const float* x, std::int64_t rows, std::int64_t n, float* db);

/// y = b + Σ_k v[k] · W[idx[k], :]: one output row of a sparse-input linear layer (W row-major, n cols);
/// b may be null (no bias). Summed in k order.
void sparse_row_forward(const float* b, const std::int32_t* idx, const float* v, std::int64_t nnz, const float* w,
                        float* y, std::int64_t n);

/// Dropout from uniform draws: u[i] becomes the mask value (0 if u[i] < p, else keep_scale), y = x · mask.
void dropout_mask_apply(float* u, float p, float keep_scale, const float* x, float* y, std::int64_t n);

/// y[i] = x[i] · m[i].
void multiply(const float* x, const float* m, float* y, std::int64_t n);

/// Adam with coupled weight decay on n elements (adam.h has the formula).
struct AdamScalars {
  float b1, b2, one_minus_b1, one_minus_b2, step_size, bc2_sqrt, eps, wd;
};
void adam(float* theta, const float* grad, float* m, float* v, std::int64_t n, const AdamScalars& s);

/// Adam on rows [row0, row1) of a row-major [rows × n] parameter whose gradient is a RowSparseGradient
/// (row_sparse_gradient.h has the layout): the gradient of kAdamChunkRows rows at a time is built in `g`
/// (kAdamChunkRows · n floats of scratch, in L1) right before their update, so the dense gradient is
/// never stored.
inline constexpr std::int64_t kAdamChunkRows = 16;
void adam_row_sparse(float* theta, float* m, float* v, std::int64_t row0, std::int64_t row1, std::int64_t n,
                     const std::int32_t* row_begin, const std::int32_t* batch_row, const float* value,
                     const float* dy, float* g, const AdamScalars& s);

/// Training noise from 8 xoshiro256** streams run side by side (noise.h): s is their state, word-major
/// (s[w·8 + lane], 32 words). Each block is one step of every lane, 16 floats: lane l's output gives
/// out[l] and out[8 + l]. noise_uniform: 24-bit uniforms in [0, 1); noise_normal: standard normals
/// (Box–Muller, |value| ≤ √(2·24·ln 2) ≈ 5.77).
inline constexpr int kNoiseLanes = 8;
void noise_uniform(std::uint64_t* s, float* out, std::int64_t blocks);
void noise_normal(std::uint64_t* s, float* out, std::int64_t blocks);

}  // namespace advx::nn::kernels
