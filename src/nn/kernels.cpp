#include "kernels.h"

#include <cmath>

#include "simd.h"

namespace advx::nn::kernels {

ADVX_SIMD_CLONES float max(const float* x, std::int64_t n) {
  float mx = x[0];
#pragma omp simd reduction(max : mx)
  for (std::int64_t i = 1; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
  return mx;
}

ADVX_SIMD_CLONES double exp_shifted(const float* x, float shift, float* out, std::int64_t n) {
  // Two loops per block of 256: the exponentials (pure throughput), then their sum into 32 double
  // accumulators — four independent vector chains, where one accumulator would make every add wait for
  // the previous one (a single-chain version ran at a third of this speed). Without `out` the block
  // goes through a stack buffer; the summation order is the same either way.
  constexpr std::int64_t kBlock = 256, kLanes = 32;
  float buffer[kBlock];
  double acc[kLanes] = {};
  for (std::int64_t b0 = 0; b0 < n; b0 += kBlock) {
    const std::int64_t len = n - b0 < kBlock ? n - b0 : kBlock;
    float* e = out != nullptr ? out + b0 : buffer;
#pragma omp simd
    for (std::int64_t i = 0; i < len; ++i) e[i] = simd::exp(x[b0 + i] - shift);
    std::int64_t i = 0;
    for (; i + kLanes <= len; i += kLanes) {
#pragma omp simd
      for (std::int64_t l = 0; l < kLanes; ++l) acc[l] += static_cast<double>(e[i + l]);
    }
    for (std::int64_t l = 0; i + l < len; ++l) acc[l] += static_cast<double>(e[i + l]);
  }
  for (std::int64_t width = kLanes / 2; width > 0; width /= 2)  // pairwise, in a fixed order
    for (std::int64_t l = 0; l < width; ++l) acc[l] += acc[l + width];
  return acc[0];
}

// x and out may be the same array: no __restrict.
ADVX_SIMD_CLONES void exp_scaled(const float* x, float a, float* out, std::int64_t n) {
  // Beyond float's largest e^x, +inf as std::exp gives: a diverging logvar must make the loss non-finite
  // (the trainer's divergence test), not saturate at simd::exp's cap.
  constexpr float kOverflow = 88.7228394f;  // ln(FLT_MAX)
  constexpr float kInf = __builtin_inff();
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) {
    const float ax = a * x[i];
    out[i] = ax > kOverflow ? kInf : simd::exp(ax);
  }
}

ADVX_SIMD_CLONES void sigmoid(const float* x, float* y, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    // e^(−|v|) ∈ (0, 1]; 0 below −104, where float's e^x is 0 too (simd::exp stops at ≈ 1.2e-38).
    const float e = v < -104.0f || v > 104.0f ? 0.0f : simd::exp(v >= 0.0f ? -v : v);
    y[i] = v >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
  }
}

// x and y may be the same array: no __restrict (likewise below).
ADVX_SIMD_CLONES void relu(const float* x, float* y, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

ADVX_SIMD_CLONES void relu_backward(const float* x, const float* dy, float* dx, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

ADVX_SIMD_CLONES void sigmoid_backward(const float* y, const float* dy, float* dx, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
}

ADVX_SIMD_CLONES void scale(float* x, float s, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) x[i] *= s;
}

ADVX_SIMD_CLONES void axpy(float a, const float* __restrict x, float* __restrict y, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

ADVX_SIMD_CLONES void add_row_to_rows(const float* __restrict b, float* __restrict y, std::int64_t rows,
                                      std::int64_t n) {
  for (std::int64_t r = 0; r < rows; ++r) {
#pragma omp simd
    for (std::int64_t i = 0; i < n; ++i) y[r * n + i] += b[i];
  }
}

ADVX_SIMD_CLONES void add_rows_to_row(const float* __restrict x, std::int64_t rows, std::int64_t n,
                                      float* __restrict db) {
  for (std::int64_t r = 0; r < rows; ++r) {
#pragma omp simd
    for (std::int64_t i = 0; i < n; ++i) db[i] += x[r * n + i];
  }
}

namespace {

// Columns [o0, o0 + B) of y = b + Σ_k v[k]·W[idx[k], :] (b null: 0), with the B partial sums held in
// registers across all nnz entries (a plain loop reloads and stores y for every entry, a store-to-load
// chain per entry). Inlined into each dispatched clone, so it is compiled for that clone's ISA.
template <std::int64_t B>
[[gnu::always_inline]] inline void sparse_row_block(const float* __restrict b, const std::int32_t* idx, const float* v,
                                                    std::int64_t nnz, const float* __restrict w, float* __restrict y,
                                                    std::int64_t n, std::int64_t o0) {
  float acc[B];
  if (b != nullptr) {
#pragma omp simd
    for (std::int64_t o = 0; o < B; ++o) acc[o] = b[o0 + o];
  } else {
#pragma omp simd
    for (std::int64_t o = 0; o < B; ++o) acc[o] = 0.0f;
  }
  // The W rows are scattered over a matrix larger than L2 and the loop is latency-bound on them:
  // prefetch the block's slice of the row kPrefetch items ahead.
  constexpr std::int64_t kPrefetch = 8;
  for (std::int64_t k = 0; k < nnz; ++k) {
    if (k + kPrefetch < nnz) {
      const float* ahead = w + static_cast<std::int64_t>(idx[k + kPrefetch]) * n + o0;
      for (std::int64_t line = 0; line < B; line += 16) __builtin_prefetch(ahead + line);
    }
    const float vk = v[k];
    const float* __restrict wr = w + static_cast<std::int64_t>(idx[k]) * n + o0;
#pragma omp simd
    for (std::int64_t o = 0; o < B; ++o) acc[o] += vk * wr[o];
  }
#pragma omp simd
  for (std::int64_t o = 0; o < B; ++o) y[o0 + o] = acc[o];
}

// The whole row: blocks of 64 columns, then 16, 4 and 1 for the rest (200 = 3·64 + 2·4).
[[gnu::always_inline]] inline void sparse_row(const float* __restrict b, const std::int32_t* idx, const float* v,
                                              std::int64_t nnz, const float* __restrict w, float* __restrict y,
                                              std::int64_t n) {
  std::int64_t o0 = 0;
  for (; o0 + 64 <= n; o0 += 64) sparse_row_block<64>(b, idx, v, nnz, w, y, n, o0);
  for (; o0 + 16 <= n; o0 += 16) sparse_row_block<16>(b, idx, v, nnz, w, y, n, o0);
  for (; o0 + 4 <= n; o0 += 4) sparse_row_block<4>(b, idx, v, nnz, w, y, n, o0);
  for (; o0 < n; ++o0) sparse_row_block<1>(b, idx, v, nnz, w, y, n, o0);
}

}  // namespace

ADVX_SIMD_CLONES void sparse_row_forward(const float* __restrict b, const std::int32_t* idx, const float* v,
                                         std::int64_t nnz, const float* __restrict w, float* __restrict y,
                                         std::int64_t n) {
  sparse_row(b, idx, v, nnz, w, y, n);
}

// x and y may be the same array (in-place dropout): no __restrict on them.
ADVX_SIMD_CLONES void dropout_mask_apply(float* __restrict u, float p, float keep_scale, const float* x, float* y,
                                         std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) {
    const float m = u[i] < p ? 0.0f : keep_scale;
    u[i] = m;
    y[i] = x[i] * m;
  }
}

ADVX_SIMD_CLONES void multiply(const float* x, const float* m, float* y, std::int64_t n) {
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] * m[i];
}

namespace {

// One Adam update of n elements; inlined into each clone below, so it is compiled for that clone's ISA.
[[gnu::always_inline]] inline void adam_elements(float* __restrict theta, const float* __restrict grad,
                                                 float* __restrict m, float* __restrict v, std::int64_t n,
                                                 const AdamScalars& s) {
  const float b1 = s.b1, b2 = s.b2, c1 = s.one_minus_b1, c2 = s.one_minus_b2, step = s.step_size,
              bc2 = s.bc2_sqrt, eps = s.eps, wd = s.wd;
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) {
    const float g = grad[i] + wd * theta[i];
    const float mi = b1 * m[i] + c1 * g;
    const float vi = b2 * v[i] + c2 * g * g;
    m[i] = mi;
    v[i] = vi;
    theta[i] -= step * mi / (std::sqrt(vi) / bc2 + eps);
  }
}

}  // namespace

ADVX_SIMD_CLONES void adam(float* __restrict theta, const float* __restrict grad, float* __restrict m,
                           float* __restrict v, std::int64_t n, const AdamScalars& s) {
  adam_elements(theta, grad, m, v, n, s);
}

ADVX_SIMD_CLONES void adam_row_sparse(float* __restrict theta, float* __restrict m, float* __restrict v,
                                      std::int64_t row0, std::int64_t row1, std::int64_t n,
                                      const std::int32_t* row_begin, const std::int32_t* batch_row,
                                      const float* value, const float* __restrict dy, float* __restrict g,
                                      const AdamScalars& s) {
  // Rows in chunks of kAdamChunkRows: the chunk's gradient is built in g (L1-sized), each row summed over
  // its entries in batch-row order (as a dense scatter-add would) in registers, then one long Adam loop
  // updates the whole chunk — per-row Adam calls of 200 elements spend much of their time in loop set-up
  // and tails.
  for (std::int64_t c0 = row0; c0 < row1; c0 += kAdamChunkRows) {
    const std::int64_t c1 = c0 + kAdamChunkRows < row1 ? c0 + kAdamChunkRows : row1;
    for (std::int64_t j = c0; j < c1; ++j) {
      // Gradient row j = Σ_k value[k]·dy[batch_row[k], :]: a sparse row of dy's rows, as the forward's.
      const std::int64_t k0 = row_begin[j];
      sparse_row(nullptr, batch_row + k0, value + k0, row_begin[j + 1] - k0, dy, g + (j - c0) * n, n);
    }
    adam_elements(theta + c0 * n, g, m + c0 * n, v + c0 * n, (c1 - c0) * n, s);
  }
}

namespace {

// One step of 8 xoshiro256** streams (state s[word·8 + lane]); r receives each lane's 64-bit output.
[[gnu::always_inline]] inline void xoshiro_lanes_next(std::uint64_t* __restrict s, std::uint64_t* __restrict r) {
#pragma omp simd
  for (int l = 0; l < kNoiseLanes; ++l) {
    const std::uint64_t s0 = s[l], s1 = s[8 + l], s2 = s[16 + l], s3 = s[24 + l];
    const std::uint64_t x = s1 * 5;
    r[l] = ((x << 7) | (x >> 57)) * 9;
    const std::uint64_t t = s1 << 17;
    const std::uint64_t n2 = s2 ^ s0, n3 = s3 ^ s1;
    const std::uint64_t n1 = s1 ^ n2, n0 = s0 ^ n3;
    s[l] = n0;
    s[8 + l] = n1;
    s[16 + l] = n2 ^ t;
    s[24 + l] = (n3 << 45) | (n3 >> 19);
  }
}

// 24-bit uniforms from one 64-bit output: bits 63…40 → [0, 1), bits 39…16 → [0, 1).
[[gnu::always_inline]] inline float high_uniform(std::uint64_t r) {
  return static_cast<float>(static_cast<std::int32_t>(r >> 40)) * 0x1.0p-24f;
}
[[gnu::always_inline]] inline float low_uniform(std::uint64_t r) {
  return static_cast<float>(static_cast<std::int32_t>((r >> 16) & 0xFFFFFFu)) * 0x1.0p-24f;
}

// Blocks of 16 floats, one step of the 8 lanes each; emit(r, out[l], out[8 + l]) turns lane l's output r
// into two floats. Inlined, lambda included, into each clone's vector loop.
template <class Emit>
[[gnu::always_inline]] inline void noise_blocks(std::uint64_t* __restrict s, float* __restrict out,
                                                std::int64_t blocks, Emit emit) {
  std::uint64_t r[kNoiseLanes];
  for (std::int64_t b = 0; b < blocks; ++b, out += 2 * kNoiseLanes) {
    xoshiro_lanes_next(s, r);
#pragma omp simd
    for (int l = 0; l < kNoiseLanes; ++l) emit(r[l], out[l], out[kNoiseLanes + l]);
  }
}

}  // namespace

ADVX_SIMD_CLONES void noise_uniform(std::uint64_t* __restrict s, float* __restrict out, std::int64_t blocks) {
  noise_blocks(s, out, blocks, [](std::uint64_t r, float& first, float& second) {
    first = high_uniform(r);
    second = low_uniform(r);
  });
}

ADVX_SIMD_CLONES void noise_normal(std::uint64_t* __restrict s, float* __restrict out, std::int64_t blocks) {
  noise_blocks(s, out, blocks, [](std::uint64_t r, float& first, float& second) {
    // Box–Muller: u1 in (0, 1] (never 0: log), u2 in [0, 1).
    const float radius = std::sqrt(-2.0f * simd::log_unit(high_uniform(r) + 0x1.0p-24f));
    float sin_t, cos_t;
    simd::sincos_turns(low_uniform(r), sin_t, cos_t);
    first = radius * cos_t;
    second = radius * sin_t;
  });
}

}  // namespace advx::nn::kernels
