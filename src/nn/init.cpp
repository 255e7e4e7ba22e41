#include "advx/nn/init.h"

#include <cmath>

#include "check.h"

namespace advx::nn {

void init_xavier_normal(Tensor& w, std::int64_t fan_in, std::int64_t fan_out, double gain, Rng& rng) {
  detail::require(fan_in > 0 && fan_out > 0, "init_xavier_normal: fans must be positive, got {} and {}", fan_in,
                  fan_out);
  const double stddev = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  for (float& v : w.values()) v = static_cast<float>(stddev * rng.normal());
}

void init_constant(Tensor& t, float value) { t.fill(value); }

void init_torch_default(Tensor& t, std::int64_t fan_in, Rng& rng) {
  detail::require(fan_in > 0, "init_torch_default: fan_in must be positive, got {}", fan_in);
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  for (float& v : t.values()) v = static_cast<float>(-bound + 2.0 * bound * rng.uniform_double());
}

}  // namespace advx::nn
