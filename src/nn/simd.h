#pragma once
// Runtime ISA dispatch for advx's own elementwise kernels, and a vectorisable expf.
//
// advx is built for the baseline x86-64 (one binary for every node of a cluster), so GCC vectorises
// plain loops with 128-bit SSE only. oneDNN picks AVX-512 / AVX2 kernels at run time; the loops advx owns
// (Adam, softmax/NLL, the sparse encoder, dropout, training noise, exp and sigmoid) do the same with
// ADVX_SIMD_CLONES: the compiler emits an x86-64-v4 (AVX-512), an x86-64-v3 (AVX2 + FMA) and a baseline
// version, and the loader binds the best one the CPU supports (GNU ifunc), once per process.
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
/// ≈ 1.2e-38 instead of denormals/0, and above e^88.3 ≈ 2.1e38 saturate there instead of +inf; callers that
/// can meet either end handle it (kernels::exp_scaled returns +inf on overflow, kernels::sigmoid 0 / 1).
/// NaN propagates (the clamps keep a NaN).
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

/// ln x for x in (0, 1], vectorisable: x = m·2^e with m in [√½, √2), Cephes' logf polynomial for
/// ln(1 + (m − 1)) (≤ 1 ulp-ish on that range), e·ln2 added in two parts. Only the Box–Muller radius
/// calls it, on uniforms in (0, 1]: no handling of 0, negatives, denormals, inf or NaN.
inline float log_unit(float x) {
  std::int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  float e = static_cast<float>((bits >> 23) - 126);  // x = m·2^e with m in [0.5, 1)
  bits = (bits & 0x007FFFFF) | 0x3F000000;
  float m;
  std::memcpy(&m, &bits, sizeof m);
  const bool low = m < 0.707106781186547524f;  // move m to [√½, √2)
  e = low ? e - 1.0f : e;
  m = low ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float y = p * m * z;
  y += e * -2.12194440e-4f;
  y -= 0.5f * z;
  return m + y + e * 0.693359375f;
}

/// sin(2πu) and cos(2πu) for u in [0, 1) with 24-bit resolution (the Box–Muller angle), vectorisable:
/// u = q/4 + f exactly, |f| ≤ 1/8, Cephes' sinf/cosf polynomials on a = 2πf ∈ [−π/4, π/4], then the
/// quadrant q rotates (sin a, cos a).
inline void sincos_turns(float u, float& sin_out, float& cos_out) {
  constexpr float kTwoPi = 6.28318530717958648f;
  const float q = static_cast<float>(static_cast<std::int32_t>(u * 4.0f + 0.5f));  // round(4u), u ≥ 0
  const float a = (u - q * 0.25f) * kTwoPi;
  const float z = a * a;
  const float s = a + a * z * ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f);
  const float c = 1.0f - 0.5f * z + z * z * ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f);
  const auto quadrant = static_cast<std::int32_t>(q) & 3;
  // (sin, cos) of a + quadrant·π/2: (s, c), (c, −s), (−s, −c), (−c, s).
  const float sa = (quadrant & 1) ? c : s;
  const float ca = (quadrant & 1) ? s : c;
  sin_out = (quadrant == 2 || quadrant == 3) ? -sa : sa;
  cos_out = (quadrant == 1 || quadrant == 2) ? -ca : ca;
}

}  // namespace advx::nn::simd
