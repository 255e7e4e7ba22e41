#include "advx/nn/tensor_ops.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace advx::nn {
namespace {

TEST(TensorOps, AxpyAndScale) {
  const Tensor x(1, 3, std::vector<float>{1, 2, 3});
  Tensor y(1, 3, std::vector<float>{10, 20, 30});
  axpy(-2.0f, x, y);
  EXPECT_EQ(y, Tensor(1, 3, std::vector<float>{8, 16, 24}));
  scale(y, 0.5f);
  EXPECT_EQ(y, Tensor(1, 3, std::vector<float>{4, 8, 12}));
  Tensor wrong(3, 1);
  EXPECT_THROW(axpy(1.0f, x, wrong), std::invalid_argument);
}

TEST(TensorOps, SplitThenConcatIsIdentity) {
  // The encoder output [μ | logvar], 2 users × (2 + 3).
  const Tensor h(2, 5, std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  Tensor mu, logvar, back;
  split_cols(h, 2, mu, logvar);
  EXPECT_EQ(mu, Tensor(2, 2, std::vector<float>{1, 2, 6, 7}));
  EXPECT_EQ(logvar, Tensor(2, 3, std::vector<float>{3, 4, 5, 8, 9, 10}));
  concat_cols(mu, logvar, back);
  EXPECT_EQ(back, h);
  EXPECT_THROW(split_cols(h, 6, mu, logvar), std::invalid_argument);
  EXPECT_THROW(concat_cols(Tensor(1, 2), Tensor(2, 2), back), std::invalid_argument);
}

TEST(TensorOps, SumBlocksAddsTheHeadsInOrder) {
  // Three heads' [2 × 2] blocks stacked head-major.
  const Tensor stacked(6, 2, std::vector<float>{1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400});
  Tensor sum;
  sum_blocks(stacked, 3, sum);
  EXPECT_EQ(sum, Tensor(2, 2, std::vector<float>{111, 222, 333, 444}));
  sum_blocks(stacked, 1, sum);
  EXPECT_EQ(sum, stacked);
  // The order shows in float: (1 + 1e8) − 1e8 is 0 where 1 + (1e8 − 1e8) and (−1e8 + 1e8) + 1 are 1. Blocks
  // of 37 floats, so that the vector loop of the dispatched kernel runs as well as its tail.
  const std::int64_t n = 37;
  std::vector<float> values(3 * n);
  for (std::int64_t i = 0; i < n; ++i) {
    values[i] = 1.0f;
    values[n + i] = 1e8f;
    values[2 * n + i] = -1e8f;
  }
  sum_blocks(Tensor(3, n, values), 3, sum);
  for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(sum.data()[i], 0.0f) << "column " << i;
  EXPECT_THROW(sum_blocks(stacked, 4, sum), std::invalid_argument);
  EXPECT_THROW(sum_blocks(stacked, 0, sum), std::invalid_argument);
  Tensor same = stacked;
  EXPECT_THROW(sum_blocks(same, 3, same), std::invalid_argument);  // the sum would overwrite its input
}

}  // namespace
}  // namespace advx::nn
