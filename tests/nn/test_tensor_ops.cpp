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
  // Three heads' [2 × 2] blocks stacked head-major. The order shows in float: (1 + 1e8) − 1e8 is 0, and
  // any other order gives 1.
  const Tensor stacked(6, 2, std::vector<float>{1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400});
  Tensor sum;
  sum_blocks(stacked, 3, sum);
  EXPECT_EQ(sum, Tensor(2, 2, std::vector<float>{111, 222, 333, 444}));
  sum_blocks(stacked, 1, sum);
  EXPECT_EQ(sum, stacked);
  const Tensor ordered(3, 1, std::vector<float>{1, 1e8f, -1e8f});
  sum_blocks(ordered, 3, sum);
  EXPECT_EQ(sum.data()[0], 0.0f);
  EXPECT_THROW(sum_blocks(stacked, 4, sum), std::invalid_argument);
  EXPECT_THROW(sum_blocks(stacked, 0, sum), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
