// bench_adam_step: one recommender Adam step on the MultVAE encoder weight ([items × 2·latent]), whose
// gradient is a RowSparseGradient (the batch transposed plus dy; Adam builds each gradient row right
// before updating it), against the same step on the same gradient stored densely (the baseline, measured
// in the same run). The dense step is what the row-sparse one would cost if building the gradient rows were
// free; the ratio is the price of building them.
//
//   bench_adam_step [--items 3706] [--latent 100] [--batch 64] [--per-user 110] [--steps 400] [--evict-mb 0]
//
// The batch: `batch` users with `per-user` items each, drawn without replacement with Zipf-like
// popularity (p ∝ 1/(rank+10)), as in MovieLens. --evict-mb N streams through N MB between steps, as a
// training step's other phases do, so θ, m and v are read from wherever they would be in training rather than
// from a warm cache.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "advx/nn/adam.h"
#include "advx/nn/row_sparse_gradient.h"
#include "advx/nn/sparse_rows.h"
#include "advx/nn/tensor.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::int64_t items = 3706, latent = 100, batch = 64, per_user = 110, steps = 400, evict_mb = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench_adam_step: %s needs a value\n", a.c_str());
      std::exit(2);
    }
    const std::int64_t v = std::atoll(argv[++i]);
    if (a == "--items") o.items = v;
    else if (a == "--latent") o.latent = v;
    else if (a == "--batch") o.batch = v;
    else if (a == "--per-user") o.per_user = v;
    else if (a == "--steps") o.steps = v;
    else if (a == "--evict-mb") o.evict_mb = v;
    else {
      std::fprintf(stderr, "bench_adam_step: unknown option %s\n", a.c_str());
      std::exit(2);
    }
    if (v < 0 || (v == 0 && a != "--evict-mb")) {
      std::fprintf(stderr, "bench_adam_step: %s must be positive\n", a.c_str());
      std::exit(2);
    }
  }
  if (o.per_user > o.items) {
    std::fprintf(stderr, "bench_adam_step: --per-user exceeds --items\n");
    std::exit(2);
  }
  return o;
}

// A batch of users' interactions as the encoder sees it (values 1/√count, as after normalisation).
advx::nn::SparseRows make_batch(const Options& o, std::mt19937_64& gen) {
  std::vector<double> weight(static_cast<std::size_t>(o.items));
  for (std::size_t i = 0; i < weight.size(); ++i) weight[i] = 1.0 / (static_cast<double>(i) + 10.0);
  std::discrete_distribution<std::int32_t> pick(weight.begin(), weight.end());
  advx::nn::SparseRows x;
  x.cols = o.items;
  for (std::int64_t u = 0; u < o.batch; ++u) {
    std::set<std::int32_t> items;
    while (static_cast<std::int64_t>(items.size()) < o.per_user) items.insert(pick(gen));
    for (auto j : items) {
      x.col_idx.push_back(j);
      x.values.push_back(static_cast<float>(1.0 / std::sqrt(static_cast<double>(o.per_user))));
    }
    x.row_ptr.push_back(static_cast<std::int64_t>(x.col_idx.size()));
  }
  return x;
}

void fill(advx::nn::Tensor& t, std::mt19937_64& gen, float sd) {
  std::normal_distribution<float> d(0.0f, sd);
  for (auto& v : t.values()) v = d(gen);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const std::int64_t out = 2 * o.latent;
  std::mt19937_64 gen(1);
  const auto x = make_batch(o, gen);
  advx::nn::Tensor dy(o.batch, out);
  fill(dy, gen, 0.01f);
  advx::nn::RowSparseGradient row_grad(o.items, out);
  row_grad.assign(x, dy);
  advx::nn::Tensor dense_grad = row_grad.dense();
  advx::nn::Tensor theta_sparse(o.items, out), theta_dense(o.items, out);
  fill(theta_sparse, gen, 0.05f);
  theta_dense = theta_sparse;
  advx::nn::Adam sparse({{&theta_sparse, nullptr, &row_grad}}, advx::nn::AdamOptions{.weight_decay = 1e-4});
  advx::nn::Adam dense({{&theta_dense, &dense_grad}}, advx::nn::AdamOptions{.weight_decay = 1e-4});
  std::vector<float> evict(static_cast<std::size_t>(o.evict_mb) * (1 << 20) / sizeof(float), 1.0f);

  std::int64_t touched = 0;
  for (std::int64_t j = 0; j < o.items; ++j) touched += row_grad.row_begin()[j + 1] > row_grad.row_begin()[j];
  std::printf("# encoder weight [%ld x %ld] = %.2f M parameters, batch %ld x %ld items, %ld nnz, %ld of %ld rows "
              "touched, %d thread(s), evict %ld MB between steps\n",
              static_cast<long>(o.items), static_cast<long>(out), static_cast<double>(o.items * out) / 1e6,
              static_cast<long>(o.batch), static_cast<long>(o.per_user), static_cast<long>(x.nnz()),
              static_cast<long>(touched), static_cast<long>(o.items), omp_get_max_threads(),
              static_cast<long>(o.evict_mb));

  // Alternate the two so that both see the same minutes of this (possibly shared) machine; report the
  // median step (robust to the host's bursts) and the mean.
  std::vector<double> seconds[2];
  float sink = 0.0f;
  for (std::int64_t s = 0; s < o.steps; ++s) {
    for (int which = 0; which < 2; ++which) {
      for (std::size_t i = 0; i < evict.size(); i += 16) sink += (evict[i] += 1.0f);
      const auto t0 = Clock::now();
      (which == 0 ? dense : sparse).step();
      if (s >= o.steps / 10) seconds[which].push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
  }
  double median[2], mean[2];
  for (int which = 0; which < 2; ++which) {
    auto& t = seconds[which];
    mean[which] = std::accumulate(t.begin(), t.end(), 0.0) / static_cast<double>(t.size());
    std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
    median[which] = t[t.size() / 2];
  }
  const double bytes = static_cast<double>(o.items * out) * 4.0 * 6.0;  // θ, m, v read and written
  const char* names[2] = {"dense-gradient Adam (baseline)", "row-sparse-gradient Adam"};
  for (int which = 0; which < 2; ++which)
    std::printf("%-31s median %7.1f us/step (%6.1f GB/s of θ, m, v)   mean %7.1f us\n", names[which],
                median[which] * 1e6, bytes / median[which] / 1e9, mean[which] * 1e6);
  std::printf("row-sparse / dense (medians): %.2f\n", median[1] / median[0]);
  // Same inputs, same steps: the two must agree (they are bit-identical by construction; see the tests).
  double diff = 0.0;
  for (std::size_t i = 0; i < theta_dense.values().size(); ++i)
    diff = std::max(diff, static_cast<double>(std::fabs(theta_dense.values()[i] - theta_sparse.values()[i])));
  std::printf("max |θ_dense − θ_sparse| = %g%s\n", diff, sink == 0.0f ? " " : "");
  return diff == 0.0 ? 0 : 1;
}
