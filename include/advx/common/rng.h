#pragma once
// A small, portable random generator. std::shuffle and std::*_distribution are implementation-defined,
// so splits, synthetic data and training noise use this instead: the same seed gives the same numbers
// with any standard library, on any machine.

#include <cstdint>
#include <span>
#include <utility>

namespace advx {

/// SplitMix64: used to expand one 64-bit seed into independent stream seeds.
[[nodiscard]] std::uint64_t splitmix64(std::uint64_t& state);

/// Mixes several 64-bit values into one seed (order-sensitive). Derives stream seeds such as
/// (trial seed, "dropout") without correlations between streams.
[[nodiscard]] std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b);

/// xoshiro256** (Blackman & Vigna): fast, 256-bit state, good statistical quality.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);

  std::uint64_t next_u64();
  /// Uniform in [0, 1) with 24 bits (float) / 53 bits (double) of precision.
  float uniform_float();
  double uniform_double();
  /// Uniform integer in [0, n), unbiased (Lemire's method). n must be > 0.
  std::uint64_t below(std::uint64_t n);
  /// Standard normal (Box–Muller, both values used).
  double normal();

  /// Fisher–Yates shuffle.
  template <class T>
  void shuffle(std::span<T> v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

  /// The whole state, for checkpoints: 4 words of xoshiro state + the cached normal.
  struct State {
    std::uint64_t s[4];
    double cached_normal;
    bool has_cached_normal;
  };
  [[nodiscard]] State state() const;
  void set_state(const State& st);

 private:
  std::uint64_t s_[4];
  double cached_normal_ = 0.0;
  bool has_cached_normal_ = false;
};

}  // namespace advx
