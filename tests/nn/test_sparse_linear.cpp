#include "advx/nn/sparse_linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "advx/nn/linear.h"
#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::gradient_matches;
using testing::random_tensor;
using testing::to_double;

struct Shape {
  std::int32_t batch, in, out;
  double density;
};

// A random sparse batch (dropout-and-normalised, so values are not all 1); row 0 is empty when
// batch > 1 to cover users whose every interaction was dropped.
SparseRows random_input(const Shape& s, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
  for (std::int32_t r = (s.batch > 1 ? 1 : 0); r < s.batch; ++r)
    for (std::int32_t c = 0; c < s.in; ++c)
      if (rng.uniform_double() < s.density) pairs.emplace_back(r, c);
  if (pairs.empty()) pairs.emplace_back(0, 0);
  const CsrMatrix m = CsrMatrix::from_pairs(s.batch, s.in, std::move(pairs));
  std::vector<std::int32_t> all(static_cast<std::size_t>(s.batch));
  for (std::int32_t i = 0; i < s.batch; ++i) all[static_cast<std::size_t>(i)] = i;
  return encoder_input(m, all, 0.2f, &rng);
}

// y_r = b + Σ_j x_rj·W[j, :] with W [in × out], in double over the densified input.
std::vector<double> ref_forward(const Tensor& dense_x, const std::vector<double>& w, const std::vector<double>& b,
                                const Shape& s) {
  std::vector<double> y(static_cast<std::size_t>(s.batch) * static_cast<std::size_t>(s.out));
  for (std::int32_t r = 0; r < s.batch; ++r)
    for (std::int32_t o = 0; o < s.out; ++o) {
      double acc = b[static_cast<std::size_t>(o)];
      for (std::int32_t j = 0; j < s.in; ++j)
        acc += static_cast<double>(dense_x(r, j)) * w[static_cast<std::size_t>(j) * static_cast<std::size_t>(s.out) + static_cast<std::size_t>(o)];
      y[static_cast<std::size_t>(r) * static_cast<std::size_t>(s.out) + static_cast<std::size_t>(o)] = acc;
    }
  return y;
}

class SparseLinearShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(SparseLinearShapes, MatchesNaiveReferenceAndDenseLinear) {
  const Shape s = GetParam();
  Rng rng(3);
  SparseLinear layer(s.in, s.out);
  layer.weight() = random_tensor(s.in, s.out, rng);
  layer.bias() = random_tensor(1, s.out, rng);
  const SparseRows x = random_input(s, 17);
  const Tensor dense_x = densify(x);

  Tensor y;
  layer.forward(x, y);
  ASSERT_EQ(y.rows(), s.batch);
  ASSERT_EQ(y.cols(), s.out);
  // Normalised rows: |x| ≤ 1 and ‖x‖₂ = 1, so |Σ x·w| ≤ √nnz·max|w|; 1e-5 is ~100 float ulps.
  EXPECT_TRUE(all_close(y, ref_forward(dense_x, to_double(layer.weight()), to_double(layer.bias()), s), 1e-5, 1e-5));

  // The same parameters in a dense oneDNN Linear (W transposed to [out × in]) on the densified input.
  Engine engine;
  Linear dense(engine, s.in, s.out);
  for (std::int32_t j = 0; j < s.in; ++j)
    for (std::int32_t o = 0; o < s.out; ++o) dense.weight()(o, j) = layer.weight()(j, o);
  dense.bias() = layer.bias();
  Tensor y_dense;
  dense.forward(dense_x, y_dense, Mode::train);
  EXPECT_TRUE(all_close(y, to_double(y_dense), 1e-5, 1e-5));

  const Tensor dy = random_tensor(s.batch, s.out, rng);
  layer.backward_weights(x, dy);
  dense.backward_weights(dense_x, dy);
  std::vector<double> dense_grad_t(static_cast<std::size_t>(s.in) * static_cast<std::size_t>(s.out));
  for (std::int32_t j = 0; j < s.in; ++j)
    for (std::int32_t o = 0; o < s.out; ++o)
      dense_grad_t[static_cast<std::size_t>(j) * static_cast<std::size_t>(s.out) + static_cast<std::size_t>(o)] = dense.weight_grad()(o, j);
  EXPECT_TRUE(all_close(layer.dense_weight_grad(), dense_grad_t, 1e-5, 1e-5 * s.batch));
  EXPECT_TRUE(all_close(layer.bias_grad(), to_double(dense.bias_grad()), 1e-5, 1e-5 * s.batch));
}

INSTANTIATE_TEST_SUITE_P(Table, SparseLinearShapes,
                         ::testing::Values(Shape{1, 1, 1, 1.0}, Shape{1, 9, 4, 0.5}, Shape{3, 7, 5, 0.4},
                                           Shape{36, 301, 17, 0.05}, Shape{64, 3125, 200, 0.03}));

TEST(SparseLinear, GradientsMatchFiniteDifferences) {
  for (const Shape s : {Shape{1, 3, 2, 1.0}, Shape{4, 11, 6, 0.4}}) {
    Rng rng(4);
    SparseLinear layer(s.in, s.out);
    layer.weight() = random_tensor(s.in, s.out, rng);
    layer.bias() = random_tensor(1, s.out, rng);
    const SparseRows x = random_input(s, 23);
    const Tensor dense_x = densify(x);
    const Tensor c = random_tensor(s.batch, s.out, rng);
    const auto cd = to_double(c), wd = to_double(layer.weight()), bd = to_double(layer.bias());
    layer.backward_weights(x, c);
    EXPECT_TRUE(gradient_matches(
        layer.dense_weight_grad().values(),
        [&](const std::vector<double>& v) { return testing::dot(cd, ref_forward(dense_x, v, bd, s)); }, wd));
    EXPECT_TRUE(gradient_matches(
        layer.bias_grad().values(),
        [&](const std::vector<double>& v) { return testing::dot(cd, ref_forward(dense_x, wd, v, s)); }, bd));
  }
}

TEST(SparseLinear, BackwardOverwritesAndChecksShapes) {
  Rng rng(5);
  const Shape s{3, 7, 5, 0.5};
  SparseLinear layer(s.in, s.out);
  const SparseRows x = random_input(s, 1);
  const Tensor dy = random_tensor(s.batch, s.out, rng);
  layer.backward_weights(x, dy);
  const Tensor first = layer.dense_weight_grad();
  layer.backward_weights(x, dy);
  EXPECT_EQ(layer.dense_weight_grad(), first);
  Tensor y;
  SparseRows wrong = x;
  wrong.cols = 8;
  EXPECT_THROW(layer.forward(wrong, y), std::invalid_argument);
  EXPECT_THROW(layer.backward_weights(x, Tensor(2, 5)), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
