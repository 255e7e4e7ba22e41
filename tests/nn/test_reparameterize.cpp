#include "advx/nn/reparameterize.h"

#include <gtest/gtest.h>

#include <cmath>

#include "advx/nn/noise.h"
#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::gradient_matches;
using testing::random_tensor;
using testing::to_double;

TEST(Reparameterize, ForwardIsMuPlusEpsSigma) {
  Rng rng(1);
  const Tensor mu = random_tensor(7, 3, rng);
  const Tensor logvar = random_tensor(7, 3, rng, 2.0);
  Rng noise(2), replay(2);
  Tensor z, eps;
  reparameterize_forward(mu, logvar, noise, z, eps);
  std::vector<double> ref(mu.size());
  std::vector<float> replayed(mu.size());
  fill_normal(replay, replayed);  // one normal per element, row-major
  for (std::size_t i = 0; i < mu.size(); ++i) {
    const float e = replayed[i];
    EXPECT_EQ(eps.data()[i], e);
    ref[i] = mu.data()[i] + static_cast<double>(e) * std::exp(0.5 * logvar.data()[i]);
  }
  EXPECT_TRUE(all_close(z, ref, 1e-6, 1e-7));
}

TEST(Reparameterize, GradientsToMuAndLogvarMatchFiniteDifferences) {
  for (const auto& [rows, cols] : {std::pair{1, 1}, std::pair{3, 5}, std::pair{64, 2}}) {
    Rng rng(3);
    const Tensor mu = random_tensor(rows, cols, rng);
    const Tensor logvar = random_tensor(rows, cols, rng, 2.0);
    const Tensor c = random_tensor(rows, cols, rng);
    Tensor z, eps, dmu, dlogvar;
    reparameterize_forward(mu, logvar, rng, z, eps);
    reparameterize_backward(logvar, eps, c, dmu, dlogvar);
    const auto md = to_double(mu), lvd = to_double(logvar), ed = to_double(eps), cd = to_double(c);
    const auto loss = [&](const std::vector<double>& m, const std::vector<double>& lv) {
      double s = 0.0;
      for (std::size_t i = 0; i < m.size(); ++i) s += cd[i] * (m[i] + ed[i] * std::exp(0.5 * lv[i]));
      return s;
    };
    EXPECT_TRUE(gradient_matches(dmu.values(), [&](const std::vector<double>& v) { return loss(v, lvd); }, md));
    EXPECT_TRUE(
        gradient_matches(dlogvar.values(), [&](const std::vector<double>& v) { return loss(md, v); }, lvd));
  }
}

TEST(Reparameterize, SameSeedSameNoise) {
  const Tensor mu(4, 4), logvar(4, 4);
  Rng a(11), b(11), c(12);
  Tensor za, zb, zc, eps;
  reparameterize_forward(mu, logvar, a, za, eps);
  reparameterize_forward(mu, logvar, b, zb, eps);
  reparameterize_forward(mu, logvar, c, zc, eps);
  EXPECT_EQ(za, zb);
  EXPECT_NE(za, zc);
}

}  // namespace
}  // namespace advx::nn
