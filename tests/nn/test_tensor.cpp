#include "advx/nn/tensor.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace advx::nn {
namespace {

TEST(Tensor, ShapeAccessAndRowMajorLayout) {
  Tensor t(2, 3, 1.5f);
  EXPECT_EQ(t.rows(), 2);
  EXPECT_EQ(t.cols(), 3);
  EXPECT_EQ(t.size(), 6u);
  for (const float v : t.values()) EXPECT_EQ(v, 1.5f);
  t(1, 2) = 7.0f;
  EXPECT_EQ(t.data()[5], 7.0f);
  EXPECT_EQ(t.row(1).size(), 3u);
  EXPECT_EQ(t.row(1)[2], 7.0f);
  t.zero();
  EXPECT_EQ(t(1, 2), 0.0f);
}

TEST(Tensor, FromValuesChecksTheCount) {
  const Tensor t(2, 2, std::vector<float>{1, 2, 3, 4});
  EXPECT_EQ(t(1, 0), 3.0f);
  EXPECT_THROW(Tensor(2, 2, std::vector<float>{1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(Tensor(-1, 2), std::invalid_argument);
}

TEST(Tensor, ResizeKeepsCapacityWhenShrinking) {
  Tensor t(64, 10);
  const float* before = t.data();
  t.resize(36, 10);  // the short last batch
  EXPECT_EQ(t.rows(), 36);
  EXPECT_EQ(t.size(), 360u);
  t.resize(64, 10);
  EXPECT_EQ(t.data(), before);
  Tensor empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.rows(), 0);
}

TEST(Tensor, EqualityComparesShapeAndValues) {
  EXPECT_EQ(Tensor(2, 3), Tensor(2, 3));
  EXPECT_NE(Tensor(2, 3), Tensor(3, 2));
  EXPECT_NE(Tensor(2, 3), Tensor(2, 3, 1.0f));
}

}  // namespace
}  // namespace advx::nn
