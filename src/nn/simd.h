#pragma once
// Runtime ISA dispatch for advx's own elementwise kernels, and a vectorisable expf.
//
// advx is built for the baseline x86-64 (one binary for every node of a cluster), so GCC vectorises
// plain loops with 128-bit SSE only. oneDNN picks AVX-512 / AVX2 kernels at run time; the loops advx owns
// (Adam, softmax/NLL, the sparse encoder, dropout) do the same with ADVX_SIMD_CLONES: the compiler emits
// an x86-64-v4 (AVX-512), an x86-64-v3 (AVX2 + FMA) and a baseline version, and the loader binds the best
// one the CPU supports (GNU ifunc), once per process.
//
// Rules for a kernel marked ADVX_SIMD_CLONES: it is a serial loop (`#pragma omp simd` is fine) — an
// `omp parallel` region inside it would be outlined into one function shared by every clone and compiled
// for the baseline ISA, so callers split work across threads and call the kernel per chunk. Results are
// deterministic per machine; a v3/v4 clone may contract a·b + c into an FMA, so the last bit of a result
// can differ between CPUs of different ISA levels (as oneDNN's do).

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(ADVX_NO_SIMD_CLONES) && \
    !defined(__SANITIZE_ADDRESS__)
#define ADVX_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ADVX_SIMD_CLONES
#endif

namespace advx::nn::simd {

/// e^x in float, vectorisable (no table, no branch, no errno): Cody–Waite reduction x = n·ln2 + r with
/// |r| ≤ ln2/2, a degree-6 polynomial for e^r (Cephes' expf coefficients, ≤ 2 ulp on the reduced range),
/// and 2^n built in the exponent bits. Inputs are clamped to [−87.3, 88.3]: results below e^−87.3 flush to
/// ≈ 1.2e-38 instead of denormals/0 — the callers (softmax over max-shifted logits) only ever sum them —
/// and above e^88.3 ≈ 2.1e38 saturate there instead of +inf. NaN propagates (the clamps keep a NaN).
inline float exp(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  constexpr float kRound = 12582912.0f;  // 1.5·2^23: adding and subtracting it rounds to an integer
  x = x > 88.3f ? 88.3f : x;
  x = x < -87.3f ? -87.3f : x;
  const float n = (x * kLog2e + kRound) - kRound;
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = (p * r) * r + r + 1.0f;
  const auto bits = static_cast<std::int32_t>(n + 127.0f) << 23;  // 2^n for n in [−126, 127]
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return er * scale;
}

}  // namespace advx::nn::simd
