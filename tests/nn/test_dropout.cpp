#include "advx/nn/dropout.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "advx/nn/noise.h"
#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::gradient_matches;
using testing::random_tensor;
using testing::to_double;

TEST(Dropout, MaskIsZeroOrInverseKeepAndOutputIsMasked) {
  Rng data(1);
  const Tensor x = random_tensor(64, 100, data);
  Rng rng(2);
  Tensor y, mask;
  const float p = 0.3f;
  dropout_forward(x, p, rng, y, mask);
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float m = mask.data()[i];
    ASSERT_TRUE(m == 0.0f || m == 1.0f / (1.0f - p)) << m;
    dropped += (m == 0.0f);
    EXPECT_EQ(y.data()[i], x.data()[i] * m);
  }
  // 6400 draws at p = 0.3: σ ≈ 37.
  EXPECT_NEAR(static_cast<double>(dropped), 0.3 * 6400, 200);
}

TEST(Dropout, DrawOrderIsFillUniformRowMajor) {
  Rng rng(5), replay(5);
  Tensor y, mask;
  dropout_forward(Tensor(3, 7, 1.0f), 0.5f, rng, y, mask);  // 21: one block of 16 and a partial one
  std::vector<float> u(21);
  fill_uniform(replay, u);
  for (std::size_t i = 0; i < mask.size(); ++i) EXPECT_EQ(mask.data()[i] == 0.0f, u[i] < 0.5f) << i;
  EXPECT_EQ(rng.next_u64(), replay.next_u64());  // both consumed the same number of draws
}

TEST(Dropout, InPlaceMatchesOutOfPlace) {
  Rng data(4);
  Tensor x = random_tensor(7, 33, data);
  Rng a(6), b(6);
  Tensor y, ma, mb;
  dropout_forward(x, 0.3f, a, y, ma);
  dropout_forward(x, 0.3f, b, x, mb);
  EXPECT_EQ(ma, mb);
  EXPECT_EQ(x, y);
}

TEST(Dropout, SameSeedSameMask) {
  Rng a(9), b(9), c(10);
  Tensor y, ma, mb, mc;
  const Tensor x(8, 8, 1.0f);
  dropout_forward(x, 0.3f, a, y, ma);
  dropout_forward(x, 0.3f, b, y, mb);
  dropout_forward(x, 0.3f, c, y, mc);
  EXPECT_EQ(ma, mb);
  EXPECT_NE(ma, mc);
}

TEST(Dropout, SpanFormWritesOneBlockOfAStackedTensorLikeTheTensorForm) {
  Rng a(4), b(4);
  Rng data(5);
  Tensor x(3, 5);
  for (float& v : x.values()) v = static_cast<float>(data.uniform_double());
  Tensor y, mask;
  dropout_forward(x, 0.4f, a, y, mask);
  Tensor stacked_y(9, 5, -7.0f), stacked_mask(9, 5, -7.0f);  // block 1 of 3 is rows 3..5
  dropout_forward(x.values(), 0.4f, b, stacked_y.values().subspan(15, 15), stacked_mask.values().subspan(15, 15));
  for (std::int64_t r = 0; r < 3; ++r)
    for (std::int64_t c = 0; c < 5; ++c) {
      EXPECT_EQ(stacked_y(3 + r, c), y(r, c));
      EXPECT_EQ(stacked_mask(3 + r, c), mask(r, c));
      EXPECT_EQ(stacked_y(r, c), -7.0f);  // other blocks untouched
      EXPECT_EQ(stacked_mask(6 + r, c), -7.0f);
    }
  EXPECT_THROW(dropout_forward(x.values(), 0.4f, b, stacked_y.values().subspan(0, 14),
                               stacked_mask.values().subspan(0, 15)),
               std::invalid_argument);
}

TEST(Dropout, BackwardMatchesFiniteDifferencesForTheDrawnMask) {
  Rng rng(3);
  const Tensor x = random_tensor(5, 7, rng);
  const Tensor c = random_tensor(5, 7, rng);
  Tensor y, mask, dx;
  dropout_forward(x, 0.4f, rng, y, mask);
  dropout_backward(mask, c, dx);
  const auto md = to_double(mask), cd = to_double(c);
  EXPECT_TRUE(gradient_matches(
      dx.values(),
      [&](const std::vector<double>& v) {
        double s = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) s += cd[i] * v[i] * md[i];
        return s;
      },
      to_double(x)));
}

TEST(Dropout, ZeroProbabilityIsIdentityWithoutDrawsAndOneDropsAll) {
  Rng rng(4), untouched(4);
  Rng data(1);
  const Tensor x = random_tensor(3, 3, data);
  Tensor y, mask;
  dropout_forward(x, 0.0f, rng, y, mask);
  EXPECT_EQ(y, x);
  EXPECT_EQ(rng.next_u64(), untouched.next_u64());
  dropout_forward(x, 1.0f, rng, y, mask);
  for (const float v : y.values()) EXPECT_EQ(v, 0.0f);
  EXPECT_THROW(dropout_forward(x, -0.1f, rng, y, mask), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
