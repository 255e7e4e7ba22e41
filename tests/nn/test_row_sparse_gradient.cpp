#include "advx/nn/row_sparse_gradient.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "advx/nn/adam.h"
#include "advx/nn/threads.h"
#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::random_tensor;

// A batch of `rows` sparse rows over `in` items with random non-unit values; row 1 is empty.
SparseRows random_batch(std::int64_t rows, std::int64_t in, double density, std::uint64_t seed) {
  Rng rng(seed);
  SparseRows x;
  x.cols = in;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t j = 0; j < in; ++j)
      if (r != 1 && rng.uniform_double() < density) {
        x.col_idx.push_back(static_cast<std::int32_t>(j));
        x.values.push_back(0.1f + rng.uniform_float());
      }
    x.row_ptr.push_back(static_cast<std::int64_t>(x.col_idx.size()));
  }
  return x;
}

// dW = xᵀ·dy in double.
std::vector<double> reference(const SparseRows& x, const Tensor& dy) {
  std::vector<double> g(static_cast<std::size_t>(x.cols * dy.cols()), 0.0);
  for (std::int64_t r = 0; r < x.rows(); ++r)
    for (auto k = x.row_ptr[static_cast<std::size_t>(r)]; k < x.row_ptr[static_cast<std::size_t>(r + 1)]; ++k)
      for (std::int64_t o = 0; o < dy.cols(); ++o)
        g[static_cast<std::size_t>(x.col_idx[static_cast<std::size_t>(k)] * dy.cols() + o)] +=
            static_cast<double>(x.values[static_cast<std::size_t>(k)]) * dy(r, o);
  return g;
}

TEST(RowSparseGradient, DenseIsTransposedInputTimesDy) {
  Rng rng(1);
  RowSparseGradient g(50, 37);
  EXPECT_EQ(g.dense(), Tensor(50, 37));  // zero before the first batch
  const SparseRows big = random_batch(16, 50, 0.2, 2);
  const Tensor dy_big = random_tensor(16, 37, rng);
  g.assign(big, dy_big);
  EXPECT_TRUE(all_close(g.dense(), reference(big, dy_big), 1e-6, 1e-6));
  // A smaller batch next (the last batch of an epoch): nothing of the first one may remain.
  const SparseRows small = random_batch(3, 50, 0.3, 3);
  const Tensor dy_small = random_tensor(3, 37, rng);
  g.assign(small, dy_small);
  EXPECT_TRUE(all_close(g.dense(), reference(small, dy_small), 1e-6, 1e-6));
}

TEST(RowSparseGradient, AssignChecksShapes) {
  RowSparseGradient g(10, 4);
  const SparseRows x = random_batch(3, 10, 0.5, 4);
  EXPECT_THROW(g.assign(x, Tensor(3, 5)), std::invalid_argument);
  EXPECT_THROW(g.assign(x, Tensor(2, 4)), std::invalid_argument);
  SparseRows wide = x;
  wide.cols = 11;
  EXPECT_THROW(g.assign(wide, Tensor(3, 4)), std::invalid_argument);
  EXPECT_THROW(RowSparseGradient(0, 4), std::invalid_argument);
}

TEST(RowSparseGradient, AdamOnTheFactoredGradientEqualsAdamOnTheDenseOne) {
  // The same bits as Adam on dense_gradient(), step after step, at any thread count: rows are summed in
  // batch order either way and Adam's row split across threads is elementwise. 400 × 200 > 65,536
  // elements, so the threaded path runs.
  const std::int64_t in = 400, out = 200, batch = 64;
  Rng rng(5);
  const Tensor theta0 = random_tensor(in, out, rng);
  for (const int threads : {1, 2, 3}) {
    set_num_threads(threads);
    Tensor theta_f = theta0, theta_d = theta0, dense(in, out);
    RowSparseGradient factored(in, out);
    const AdamOptions opt{.lr = 1e-2, .weight_decay = 1e-2};
    Adam adam_f({{&theta_f, nullptr, &factored}}, opt), adam_d({{&theta_d, &dense}}, opt);
    for (std::uint64_t step = 0; step < 3; ++step) {
      Rng step_rng(10 + step);
      factored.assign(random_batch(batch, in, 0.03, 20 + step), random_tensor(batch, out, step_rng));
      dense = factored.dense();
      adam_f.step();
      adam_d.step();
      ASSERT_EQ(theta_f, theta_d) << "threads " << threads << " step " << step;
    }
    EXPECT_EQ(adam_f.state().exp_avg, adam_d.state().exp_avg);
    EXPECT_EQ(adam_f.state().exp_avg_sq, adam_d.state().exp_avg_sq);
  }
  set_num_threads(1);
}

TEST(RowSparseGradient, AdamNeedsExactlyOneGradientOfTheRightShape) {
  Tensor theta(10, 4), dense(10, 4);
  RowSparseGradient factored(10, 4), wrong(9, 4);
  EXPECT_THROW(Adam({{&theta, &dense, &factored}}, AdamOptions{}), std::invalid_argument);
  EXPECT_THROW(Adam({{&theta, nullptr, nullptr}}, AdamOptions{}), std::invalid_argument);
  EXPECT_THROW(Adam({{&theta, nullptr, &wrong}}, AdamOptions{}), std::invalid_argument);
  EXPECT_NO_THROW(Adam({{&theta, nullptr, &factored}}, AdamOptions{}));
}

}  // namespace
}  // namespace advx::nn
