#pragma once
// Shared helpers for the nn tests: random inputs, double-precision comparisons and central finite
// differences. References are computed in double from the same float inputs the layers see.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "advx/common/rng.h"
#include "advx/nn/tensor.h"
#include "advx/nn/threads.h"

namespace advx::nn::testing {

/// Sets the thread count for a scope and restores the caller's on exit, also when an ASSERT returns early.
class ThreadCountScope {
 public:
  explicit ThreadCountScope(int n) : before_(num_threads()) { set_num_threads(n); }
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;
  ~ThreadCountScope() { set_num_threads(before_); }

 private:
  int before_;
};

inline Tensor random_tensor(std::int64_t rows, std::int64_t cols, Rng& rng, double scale = 1.0) {
  Tensor t(rows, cols);
  for (float& v : t.values()) v = static_cast<float>(scale * (2.0 * rng.uniform_double() - 1.0));
  return t;
}

inline std::vector<double> to_double(std::span<const float> v) { return {v.begin(), v.end()}; }
inline std::vector<double> to_double(const Tensor& t) { return to_double(t.values()); }

/// |actual − expected| ≤ atol + rtol·|expected| for every element; the failure names the first few
/// offending indices.
inline ::testing::AssertionResult all_close(std::span<const float> actual, std::span<const double> expected,
                                            double rtol, double atol) {
  if (actual.size() != expected.size()) {
    return ::testing::AssertionFailure() << "size " << actual.size() << " vs expected " << expected.size();
  }
  int bad = 0;
  std::string msg;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double a = actual[i];
    const double e = expected[i];
    if (!(std::abs(a - e) <= atol + rtol * std::abs(e))) {
      if (bad < 5) msg += " [" + std::to_string(i) + "] " + std::to_string(a) + " vs " + std::to_string(e) + ";";
      ++bad;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << actual.size() << " elements differ:" << msg;
}
inline ::testing::AssertionResult all_close(const Tensor& actual, std::span<const double> expected, double rtol,
                                            double atol) {
  return all_close(actual.values(), expected, rtol, atol);
}

/// Central finite differences of a scalar double function at x: (f(x + h·e_i) − f(x − h·e_i)) / 2h.
inline std::vector<double> finite_difference(const std::function<double(const std::vector<double>&)>& f,
                                             std::vector<double> x, double h = 1e-6) {
  std::vector<double> g(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    x[i] = xi + h;
    const double up = f(x);
    x[i] = xi - h;
    const double down = f(x);
    x[i] = xi;
    g[i] = (up - down) / (2.0 * h);
  }
  return g;
}

/// The analytic (float) gradient matches central finite differences of the double reference `f` at x —
/// and the same tolerance rejects the negated gradient and a gradient scaled by 0.9, so a wrong sign or a
/// missing factor/term cannot pass (checked only when the gradient is clearly non-zero).
inline ::testing::AssertionResult gradient_matches(std::span<const float> analytic,
                                                   const std::function<double(const std::vector<double>&)>& f,
                                                   const std::vector<double>& x, double rtol = 1e-4,
                                                   double atol = 1e-6) {
  const std::vector<double> fd = finite_difference(f, x);
  auto ok = all_close(analytic, fd, rtol, atol);
  if (!ok) return ok << " (analytic vs finite differences)";
  double norm = 0.0;
  for (const double v : fd) norm = std::max(norm, std::abs(v));
  if (norm > 100 * atol) {
    std::vector<float> flipped(analytic.begin(), analytic.end());
    std::vector<float> scaled(analytic.begin(), analytic.end());
    for (float& v : flipped) v = -v;
    for (float& v : scaled) v *= 0.9f;
    if (all_close(flipped, fd, rtol, atol)) return ::testing::AssertionFailure() << "tolerance accepts a sign flip";
    if (all_close(scaled, fd, rtol, atol)) return ::testing::AssertionFailure() << "tolerance accepts a 0.9 scale";
  }
  return ::testing::AssertionSuccess();
}

/// Σ_i c_i·y_i: turns a layer output into a scalar for gradient checks (dy = c).
inline double dot(std::span<const double> c, std::span<const double> y) {
  double s = 0.0;
  for (std::size_t i = 0; i < c.size(); ++i) s += c[i] * y[i];
  return s;
}

}  // namespace advx::nn::testing
