#include "advx/nn/noise.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "kernels.h"

namespace advx::nn {

namespace {

constexpr std::int64_t kBlock = 2 * kernels::kNoiseLanes;  // floats per step of the 8 streams

using LaneState = std::array<std::uint64_t, 4 * kernels::kNoiseLanes>;

// 8 xoshiro256** states from one draw of the caller's stream (SplitMix64 expansion, as Rng seeds itself).
LaneState seed_lanes(Rng& rng) {
  std::uint64_t sm = rng.next_u64();
  LaneState s{};
  for (int lane = 0; lane < kernels::kNoiseLanes; ++lane)
    for (int word = 0; word < 4; ++word) s[static_cast<std::size_t>(word * kernels::kNoiseLanes + lane)] = splitmix64(sm);
  return s;
}

// Whole blocks straight into out, the last partial block through a buffer.
template <class Kernel>
void fill(Rng& rng, std::span<float> out, Kernel kernel) {
  if (out.empty()) return;
  LaneState s = seed_lanes(rng);
  const auto n = static_cast<std::int64_t>(out.size());
  const std::int64_t whole = n / kBlock;
  kernel(s.data(), out.data(), whole);
  if (const std::int64_t rest = n - whole * kBlock; rest > 0) {
    std::array<float, kBlock> tail{};
    kernel(s.data(), tail.data(), 1);
    std::copy_n(tail.begin(), rest, out.begin() + whole * kBlock);
  }
}

}  // namespace

void fill_uniform(Rng& rng, std::span<float> out) { fill(rng, out, kernels::noise_uniform); }

void fill_normal(Rng& rng, std::span<float> out) { fill(rng, out, kernels::noise_normal); }

}  // namespace advx::nn
