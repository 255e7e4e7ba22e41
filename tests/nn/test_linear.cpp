#include "advx/nn/linear.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "advx/nn/init.h"
#include "advx/nn/threads.h"
#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::all_close;
using testing::ThreadCountScope;
using testing::gradient_matches;
using testing::random_tensor;
using testing::to_double;

struct Shape {
  std::int64_t batch, in, out;
};

// Naive double references, W [out × in].
std::vector<double> ref_forward(const std::vector<double>& x, const std::vector<double>& w,
                                const std::vector<double>& b, const Shape& s) {
  std::vector<double> y(static_cast<std::size_t>(s.batch * s.out));
  for (std::int64_t r = 0; r < s.batch; ++r)
    for (std::int64_t o = 0; o < s.out; ++o) {
      double acc = b[static_cast<std::size_t>(o)];
      for (std::int64_t k = 0; k < s.in; ++k)
        acc += x[static_cast<std::size_t>(r * s.in + k)] * w[static_cast<std::size_t>(o * s.in + k)];
      y[static_cast<std::size_t>(r * s.out + o)] = acc;
    }
  return y;
}

// |y − ref| ≤ 1e-6 · Σ_k |x_k·w_k| + 1e-6: float accumulation error is relative to the absolute sum, not
// to the (possibly cancelling) result.
::testing::AssertionResult forward_close(const Tensor& y, const Tensor& x, const Tensor& w, const Tensor& b,
                                         const Shape& s) {
  const auto ref = ref_forward(to_double(x), to_double(w), to_double(b), s);
  for (std::int64_t r = 0; r < s.batch; ++r)
    for (std::int64_t o = 0; o < s.out; ++o) {
      double mag = std::abs(b(0, o));
      for (std::int64_t k = 0; k < s.in; ++k) mag += std::abs(static_cast<double>(x(r, k)) * w(o, k));
      const double e = ref[static_cast<std::size_t>(r * s.out + o)];
      if (std::abs(y(r, o) - e) > 1e-6 * mag + 1e-6)
        return ::testing::AssertionFailure() << "y(" << r << "," << o << ") = " << y(r, o) << " vs " << e;
    }
  return ::testing::AssertionSuccess();
}

class LinearShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(LinearShapes, ForwardAndBackwardMatchNaiveReference) {
  const Shape s = GetParam();
  Engine engine;
  Rng rng(11);
  Linear layer(engine, s.in, s.out);
  layer.weight() = random_tensor(s.out, s.in, rng);
  layer.bias() = random_tensor(1, s.out, rng);
  const Tensor x = random_tensor(s.batch, s.in, rng);
  const Tensor dy = random_tensor(s.batch, s.out, rng);

  for (const Mode mode : {Mode::train, Mode::eval}) {
    Tensor y;
    layer.forward(x, y, mode);
    ASSERT_EQ(y.rows(), s.batch);
    ASSERT_EQ(y.cols(), s.out);
    EXPECT_TRUE(forward_close(y, x, layer.weight(), layer.bias(), s));
  }

  // dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy.
  std::vector<double> dx_ref(static_cast<std::size_t>(s.batch * s.in), 0.0);
  std::vector<double> dw_ref(static_cast<std::size_t>(s.out * s.in), 0.0);
  std::vector<double> db_ref(static_cast<std::size_t>(s.out), 0.0);
  for (std::int64_t r = 0; r < s.batch; ++r)
    for (std::int64_t o = 0; o < s.out; ++o) {
      const double g = dy(r, o);
      db_ref[static_cast<std::size_t>(o)] += g;
      for (std::int64_t k = 0; k < s.in; ++k) {
        dx_ref[static_cast<std::size_t>(r * s.in + k)] += g * layer.weight()(o, k);
        dw_ref[static_cast<std::size_t>(o * s.in + k)] += g * x(r, k);
      }
    }
  Tensor dx;
  layer.backward_data(dy, dx);
  ASSERT_EQ(dx.rows(), s.batch);
  ASSERT_EQ(dx.cols(), s.in);
  // Absolute scale: sums of up to max(batch, out) products of magnitude ≤ 1.
  const double atol = 2e-6 * static_cast<double>(std::max(s.batch, s.out));
  EXPECT_TRUE(all_close(dx, dx_ref, 1e-5, atol));
  layer.backward_weights(x, dy);
  EXPECT_TRUE(all_close(layer.weight_grad(), dw_ref, 1e-5, 2e-6 * static_cast<double>(s.batch)));
  EXPECT_TRUE(all_close(layer.bias_grad(), db_ref, 1e-5, 2e-6 * static_cast<double>(s.batch)));
}

INSTANTIATE_TEST_SUITE_P(Table, LinearShapes,
                         ::testing::Values(Shape{1, 1, 1}, Shape{1, 7, 5}, Shape{3, 7, 5}, Shape{64, 33, 17},
                                           Shape{57, 33, 17}, Shape{13, 200, 100}, Shape{2, 100, 3125},
                                           Shape{64, 3125, 200}));

TEST(Linear, TwoRowCountsThroughOneLayerUseTwoCachedPrimitiveSets) {
  // The epoch's full batches and its short last batch (ML-1M: 64 and 36) through the same object.
  Engine engine;
  Rng rng(5);
  const Shape full{64, 33, 17};
  const Shape last{36, 33, 17};
  Linear layer(engine, full.in, full.out);
  init_xavier_normal(layer.weight(), full.in, full.out, 5.0 / 3.0, rng);
  init_constant(layer.bias(), 0.01f);
  for (const Shape& s : {full, last, full, last}) {
    const Tensor x = random_tensor(s.batch, s.in, rng);
    Tensor y;
    layer.forward(x, y, Mode::train);
    EXPECT_TRUE(forward_close(y, x, layer.weight(), layer.bias(), s)) << "batch " << s.batch;
    Tensor dx;
    layer.backward_data(y, dx);
    layer.backward_weights(x, y);
    EXPECT_EQ(dx.rows(), s.batch);
  }
  EXPECT_EQ(layer.cached_row_counts(), 2u);
}

TEST(Linear, BackwardWeightsOverwritesRatherThanAccumulates) {
  for (const std::int64_t count : {1, 2}) {  // one layer and stacked layers (per-head bias sums)
    Engine engine;
    Rng rng(6);
    Linear layer(engine, 4, 3, count);
    layer.weight() = random_tensor(3 * count, 4, rng);
    const Tensor x = random_tensor(2 * count, 4, rng);
    const Tensor dy = random_tensor(2 * count, 3, rng);
    layer.backward_weights(x, dy);
    const Tensor first = layer.weight_grad();
    const Tensor first_b = layer.bias_grad();
    layer.backward_weights(x, dy);
    EXPECT_EQ(layer.weight_grad(), first) << "count " << count;
    EXPECT_EQ(layer.bias_grad(), first_b) << "count " << count;
  }
}

TEST(Linear, BackwardPassesSideBySideGiveTheSequentialResults) {
  // The decoder's two backward GEMMs run at once on two threads (nn::side_by_side in train_step): they
  // must not share memory objects. Repeated, since a race shows only now and then. `fresh` also builds
  // both backward primitives at once, on two threads, after a 2-thread forward: the first training step.
  for (const std::int64_t count : {1, 3}) {
    Engine engine;
    Rng rng(8);
    Linear layer(engine, 100, 300, count), fresh(engine, 100, 300, count);
    layer.weight() = random_tensor(300 * count, 100, rng);
    fresh.weight() = layer.weight();
    const Tensor x = random_tensor(64 * count, 100, rng);
    const Tensor dy = random_tensor(64 * count, 300, rng);
    Tensor y, dx_ref;
    {
      ThreadCountScope one(1);
      layer.forward(x, y, Mode::train);
      layer.backward_data(dy, dx_ref);
      layer.backward_weights(x, dy);
    }
    const Tensor dw_ref = layer.weight_grad(), db_ref = layer.bias_grad();
    ThreadCountScope two(2);
    fresh.forward(x, y, Mode::train);
    for (Linear* l : {&fresh, &layer})
      for (int rep = 0; rep < 50; ++rep) {
        Tensor dx;
        l->weight_grad().zero();
        side_by_side([&] { l->backward_weights(x, dy); }, [&] { l->backward_data(dy, dx); });
        ASSERT_TRUE(all_close(dx, to_double(dx_ref), 1e-5, 1e-5)) << "count " << count << ", rep " << rep;
        ASSERT_TRUE(all_close(l->weight_grad(), to_double(dw_ref), 1e-5, 1e-5)) << "count " << count << ", rep " << rep;
        ASSERT_TRUE(all_close(l->bias_grad(), to_double(db_ref), 1e-5, 1e-5)) << "count " << count << ", rep " << rep;
      }
  }
}

TEST(Linear, GradientsMatchFiniteDifferences) {
  for (const Shape s : {Shape{1, 1, 1}, Shape{1, 7, 5}, Shape{3, 7, 5}, Shape{4, 16, 9}}) {
    SCOPED_TRACE(::testing::Message() << s.batch << "x" << s.in << "->" << s.out);
    Engine engine;
    Rng rng(21);
    Linear layer(engine, s.in, s.out);
    layer.weight() = random_tensor(s.out, s.in, rng);
    layer.bias() = random_tensor(1, s.out, rng);
    const Tensor x = random_tensor(s.batch, s.in, rng);
    const Tensor c = random_tensor(s.batch, s.out, rng);  // L = Σ c ⊙ y, so dL/dy = c
    const auto xd = to_double(x), wd = to_double(layer.weight()), bd = to_double(layer.bias()), cd = to_double(c);

    Tensor dx;
    layer.backward_data(c, dx);
    layer.backward_weights(x, c);
    EXPECT_TRUE(gradient_matches(
        dx.values(), [&](const std::vector<double>& v) { return testing::dot(cd, ref_forward(v, wd, bd, s)); }, xd));
    EXPECT_TRUE(gradient_matches(
        layer.weight_grad().values(),
        [&](const std::vector<double>& v) { return testing::dot(cd, ref_forward(xd, v, bd, s)); }, wd));
    EXPECT_TRUE(gradient_matches(
        layer.bias_grad().values(),
        [&](const std::vector<double>& v) { return testing::dot(cd, ref_forward(xd, wd, v, s)); }, bd));
  }
}

TEST(Linear, EmptyBatchAndWrongWidths) {
  Engine engine;
  Linear layer(engine, 4, 3);
  Tensor y;
  layer.forward(Tensor(0, 4), y, Mode::eval);
  EXPECT_EQ(y.rows(), 0);
  EXPECT_EQ(y.cols(), 3);
  EXPECT_THROW(layer.forward(Tensor(2, 5), y, Mode::train), std::invalid_argument);
  Tensor dx;
  EXPECT_THROW(layer.backward_data(Tensor(2, 4), dx), std::invalid_argument);
  EXPECT_THROW(layer.backward_weights(Tensor(2, 4), Tensor(3, 3)), std::invalid_argument);
  EXPECT_THROW(Linear(engine, 0, 3), std::invalid_argument);
}

TEST(Linear, MovedLayerKeepsWorking) {
  Engine engine;
  Rng rng(8);
  std::vector<Linear> heads;
  for (int i = 0; i < 3; ++i) heads.emplace_back(engine, 5, 2);  // reallocation moves the layers
  const Tensor x = random_tensor(4, 5, rng);
  for (auto& h : heads) {
    h.weight() = random_tensor(2, 5, rng);
    Tensor y;
    h.forward(x, y, Mode::train);
    EXPECT_TRUE(forward_close(y, x, h.weight(), h.bias(), Shape{4, 5, 2}));
  }
}

// ---- Stacked layers (count > 1): the heads of an adversary group.

struct StackedShape {
  std::int64_t count, rows, in, out;
};

// Double references per head block h (the layer is linear, so these are its exact gradients; the
// model's finite-difference tests cover the heads end to end): y_h = x_h·W_hᵀ + b_h, dx_h = dy_h·W_h, dW_h = dy_hᵀ·x_h, db_h = Σ dy_h.
struct StackedReference {
  std::vector<double> y, dx, dw, db;
};
StackedReference stacked_reference(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& dy, const StackedShape& s) {
  StackedReference r;
  r.y.assign(static_cast<std::size_t>(s.count * s.rows * s.out), 0.0);
  r.dx.assign(static_cast<std::size_t>(s.count * s.rows * s.in), 0.0);
  r.dw.assign(static_cast<std::size_t>(s.count * s.out * s.in), 0.0);
  r.db.assign(static_cast<std::size_t>(s.count * s.out), 0.0);
  for (std::int64_t h = 0; h < s.count; ++h)
    for (std::int64_t i = 0; i < s.rows; ++i) {
      const std::int64_t row = h * s.rows + i;
      for (std::int64_t o = 0; o < s.out; ++o) {
        const std::int64_t wrow = h * s.out + o;
        double acc = b(h, o);
        const double g = dy(row, o);
        r.db[static_cast<std::size_t>(h * s.out + o)] += g;
        for (std::int64_t k = 0; k < s.in; ++k) {
          acc += static_cast<double>(x(row, k)) * w(wrow, k);
          r.dx[static_cast<std::size_t>(row * s.in + k)] += g * w(wrow, k);
          r.dw[static_cast<std::size_t>(wrow * s.in + k)] += g * x(row, k);
        }
        r.y[static_cast<std::size_t>(row * s.out + o)] = acc;
      }
    }
  return r;
}

class StackedLinearShapes : public ::testing::TestWithParam<StackedShape> {};

TEST_P(StackedLinearShapes, EveryHeadBlockMatchesItsOwnDenseLayer) {
  const StackedShape s = GetParam();
  Engine engine;
  Rng rng(17);
  Linear layer(engine, s.in, s.out, s.count);
  layer.weight() = random_tensor(s.count * s.out, s.in, rng);
  layer.bias() = random_tensor(s.count, s.out, rng);
  const Tensor x = random_tensor(s.count * s.rows, s.in, rng);
  const Tensor dy = random_tensor(s.count * s.rows, s.out, rng);
  const StackedReference ref = stacked_reference(x, layer.weight(), layer.bias(), dy, s);

  // Sums of up to max(rows, in, out) products of magnitude ≤ 1.
  const double atol = 2e-6 * static_cast<double>(std::max({s.rows, s.in, s.out}));
  Tensor y;
  layer.forward(x, y, Mode::train);
  ASSERT_EQ(y.rows(), s.count * s.rows);
  ASSERT_EQ(y.cols(), s.out);
  EXPECT_TRUE(all_close(y, ref.y, 1e-5, atol));
  Tensor dx;
  layer.backward_data(dy, dx);
  ASSERT_EQ(dx.rows(), s.count * s.rows);
  ASSERT_EQ(dx.cols(), s.in);
  EXPECT_TRUE(all_close(dx, ref.dx, 1e-5, atol));
  layer.backward_weights(x, dy);
  EXPECT_TRUE(all_close(layer.weight_grad(), ref.dw, 1e-5, atol));
  EXPECT_TRUE(all_close(layer.bias_grad(), ref.db, 1e-5, atol));
}

// The adversary shapes (REFERENCE §3: 10 heads, latent 100 → 5 → 2 or 1; batches of 64 and a short last
// one), a single head, and odd sizes.
INSTANTIATE_TEST_SUITE_P(Table, StackedLinearShapes,
                         ::testing::Values(StackedShape{1, 1, 1, 1}, StackedShape{1, 9, 7, 5}, StackedShape{3, 7, 4, 1},
                                           StackedShape{10, 64, 100, 5}, StackedShape{10, 36, 5, 2}, StackedShape{10, 64, 5, 1},
                                           StackedShape{4, 13, 33, 17}));

TEST(Linear, StackedRejectsInputsThatAreNotWholeHeadBlocks) {
  Engine engine;
  Linear layer(engine, 4, 2, 3);
  Tensor y;
  EXPECT_THROW(layer.forward(Tensor(7, 4), y, Mode::train), std::invalid_argument);  // 7 rows for 3 heads
  EXPECT_THROW(layer.forward(Tensor(6, 5), y, Mode::train), std::invalid_argument);  // wrong width
  EXPECT_THROW(Linear(engine, 4, 2, 0), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
