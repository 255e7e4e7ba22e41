#pragma once
// Bulk random numbers for training noise: the dropout uniforms and the reparameterisation's ε.
//
// At ML-1M size a training step draws ≈ 140,000 dropout uniforms and 6,400 normals. One xoshiro stream
// drawn a value at a time is a serial dependency chain, and Box–Muller through libm's double log and
// sincos costs more still: together ≈ 13 % of an epoch (perf, before this file existed). Here each call
// takes one 64-bit draw from the caller's Rng, expands it (SplitMix64) into 8 independent xoshiro256**
// streams and runs them side by side in vector registers; normals use Box–Muller in float with
// vectorised log and sincos (simd.h).
//
// The caller's Rng advances by exactly one draw per call (none for an empty span), so its state is still
// all that a checkpoint needs, and the numbers depend only on that state and the sizes asked for — never
// on the thread count. (Normals, like every vectorised float kernel, can differ in the last bit between
// CPUs of different ISA levels, where the AVX2/AVX-512 builds fuse multiply-adds: simd.h.)
// Uniforms have 24 bits; normals come from 24-bit uniforms, so |ε| ≤ √(2·24·ln 2) ≈ 5.77 (the mass
// beyond is 8·10⁻⁹).

#include <span>

#include "advx/common/rng.h"

namespace advx::nn {

/// out[i] uniform in [0, 1), 24 bits each.
void fill_uniform(Rng& rng, std::span<float> out);

/// out[i] standard normal.
void fill_normal(Rng& rng, std::span<float> out);

}  // namespace advx::nn
