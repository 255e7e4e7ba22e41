// Whole-model gradients of AdvXMultVAE against central finite differences, and the λ = 0 ⇔ MultVAE
// property. Dropout masks and ε are made identical across evaluations by copying the Rng state, so the
// finite differences see the same stochastic function as the analytic backward pass.

#include "advx/model/advx_multvae.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "advx/nn/sparse_rows.h"
#include "advx/nn/threads.h"
#include "../nn/nn_test_util.h"

namespace advx {
namespace {

using nn::testing::ThreadCountScope;

struct Fixture {
  nn::Engine engine;
  CsrMatrix data = CsrMatrix::from_pairs(5, 9, {{0, 0}, {0, 3}, {0, 8}, {1, 1}, {1, 2}, {1, 5}, {1, 7}, {2, 4},
                                                {3, 0}, {3, 6}, {3, 7}, {4, 2}, {4, 3}, {4, 5}, {4, 8}});
  std::vector<std::int32_t> rows{0, 1, 2, 3, 4};
  std::vector<HeadTargets> targets;

  Fixture() {
    HeadTargets gender;
    gender.labels = {0, 2, 1, -1, 0};  // one missing label
    HeadTargets age;
    age.values = {0.5f, -1.0f, 1.5f, 0.2f, NAN};  // one missing value
    targets = {gender, age};
  }

  static ModelConfig config(std::vector<std::int32_t> hidden, double lambda_g, double lambda_a,
                            AdversaryInput gender_input = AdversaryInput::kSample) {
    ModelConfig c;
    c.items = 9;
    c.latent = 3;
    c.hidden = std::move(hidden);
    c.activation = Activation::kSigmoid;  // smooth: no ReLU kinks under finite differences
    c.beta = 0.8f;
    AdversaryConfig g;
    g.attribute = "gender";
    g.categorical = true;
    g.classes = 3;
    g.class_weights = {0.5f, 1.5f, 1.0f};
    g.lambda = lambda_g;
    g.loss_weight = 1.0;
    g.input = gender_input;
    g.head = {.heads = 2, .hidden = {4}, .activation = Activation::kSigmoid, .dropout = 0.3f};
    AdversaryConfig a;
    a.attribute = "age";
    a.categorical = false;
    a.classes = 1;
    a.lambda = lambda_a;
    a.loss_weight = 0.7;
    a.head = {.heads = 3, .hidden = {2}, .activation = Activation::kSigmoid, .dropout = 0.2f};
    c.adversaries = {g, a};
    return c;
  }
};

/// Checks analytic gradients of every parameter tensor against central differences of the objective
/// each parameter actually descends: encoder L_vae − Σ_g λ_g·w_g·L_g, decoder L_vae, heads of group g
/// w_g·L_g. Compares whole gradient vectors (relative error of the difference), which fails on a wrong
/// sign or a missing term, and is robust to float rounding in single elements.
void check_gradients(std::vector<std::int32_t> hidden, double lambda_g, double lambda_a,
                     AdversaryInput gender_input = AdversaryInput::kSample) {
  Fixture f;
  const ModelConfig cfg = Fixture::config(hidden, lambda_g, lambda_a, gender_input);
  AdvXMultVAE model(f.engine, cfg, 7);
  Rng input_rng(3);
  const nn::SparseRows input = nn::encoder_input(f.data, f.rows, 0.2f, &input_rng);
  const nn::SparseRows target = nn::gather_rows(f.data, f.rows);
  const Rng rng0(11);

  Rng rng = rng0;
  model.train_step(input, target, f.targets, rng);
  auto rec = model.recommender_params();
  auto adv = model.adversary_params();
  const std::size_t n_enc = 2 + 2 * hidden.size();

  // Which objective each parameter tensor descends.
  auto objective_of = [&](std::size_t index_in_all) -> std::function<double(const AdvXMultVAE::Losses&)> {
    if (index_in_all < n_enc)
      return [&](const auto& l) {
        return l.vae - lambda_g * cfg.adversaries[0].loss_weight * l.adversary[0] -
               lambda_a * cfg.adversaries[1].loss_weight * l.adversary[1];
      };
    if (index_in_all < rec.size()) return [](const auto& l) { return l.vae; };
    const std::size_t per_gender = 2 * 2;  // 2 layers (the heads stacked per layer) × (W, b)
    const bool gender = index_in_all - rec.size() < per_gender;
    const std::size_t g = gender ? 0 : 1;
    return [&, g](const auto& l) { return cfg.adversaries[g].loss_weight * l.adversary[g]; };
  };

  std::vector<nn::ParamRef> all = rec;
  all.insert(all.end(), adv.begin(), adv.end());
  // Snapshot the analytic gradients now: every finite-difference evaluation overwrites them.
  std::vector<nn::Tensor> analytic_grads;
  for (const auto& ref : all) analytic_grads.push_back(nn::dense_gradient(ref));
  for (std::size_t p = 0; p < all.size(); ++p) {
    const nn::Tensor& analytic = analytic_grads[p];
    const auto objective = objective_of(p);
    double diff2 = 0, norm2 = 0;
    for (std::size_t k = 0; k < all[p].param->size(); ++k) {
      float& w = all[p].param->values()[k];
      const float saved = w;
      const float h = 1e-2f * std::max(1.0f, std::fabs(saved));
      w = saved + h;
      rng = rng0;
      const double up = objective(model.train_step(input, target, f.targets, rng));
      w = saved - h;
      rng = rng0;
      const double down = objective(model.train_step(input, target, f.targets, rng));
      w = saved;
      const double numeric = (up - down) / (2.0 * static_cast<double>(h));
      diff2 += std::pow(numeric - analytic.values()[k], 2);
      if (std::getenv("ADVX_DEBUG_FD")) std::fprintf(stderr, "p%zu k%zu num %.6g ana %.6g\n", p, k, numeric, analytic.values()[k]);
      norm2 += numeric * numeric;
    }
    const double rel = std::sqrt(diff2) / std::max(std::sqrt(norm2), 1e-6);
    EXPECT_LT(rel, 2e-2) << "parameter tensor " << p << " of " << all.size() << " (hidden=" << hidden.size()
                         << ", λ=" << lambda_g << "/" << lambda_a << "), |g|=" << std::sqrt(norm2);
  }
}

TEST(AdvXMultVAE, GradientsMatchFiniteDifferencesLinear) { check_gradients({}, 20.0, 5.0); }
TEST(AdvXMultVAE, GradientsMatchFiniteDifferencesWithHiddenLayer) { check_gradients({4}, 30.0, 15.0); }
// Gender heads read μ, age heads the sampled z: both paths of the reversed gradient in one model.
TEST(AdvXMultVAE, GradientsMatchFiniteDifferencesWithAGroupReadingTheMean) {
  check_gradients({}, 20.0, 5.0, AdversaryInput::kMean);
  check_gradients({4}, 30.0, 15.0, AdversaryInput::kMean);
}

TEST(AdvXMultVAE, AGroupReadingTheMeanSendsNoGradientToTheLogVariance) {
  // Encoder gradient differences between λ = 1 and λ = 0 only reach the μ half of the last encoder
  // layer when the group reads μ; reading z they also reach the logvar half (through σ·ε).
  Fixture f;
  const auto input = nn::encoder_input(f.data, f.rows, 0.0f, nullptr);
  const auto target = nn::gather_rows(f.data, f.rows);
  auto logvar_grad_change = [&](AdversaryInput in) {
    auto enc_grad = [&](double lambda) {
      AdvXMultVAE m(f.engine, Fixture::config({}, lambda, 0.0, in), 5);
      Rng r(9);
      m.train_step(input, target, f.targets, r);
      return *m.recommender_params()[1].grad;  // encoder bias: [μ (3) ‖ logvar (3)]
    };
    const auto g0 = enc_grad(0.0), g1 = enc_grad(1.0);
    double mu_change = 0, logvar_change = 0;
    for (std::size_t k = 0; k < 3; ++k) mu_change += std::fabs(g1.values()[k] - g0.values()[k]);
    for (std::size_t k = 3; k < 6; ++k) logvar_change += std::fabs(g1.values()[k] - g0.values()[k]);
    return std::pair{mu_change, logvar_change};
  };
  const auto [mu_z, logvar_z] = logvar_grad_change(AdversaryInput::kSample);
  const auto [mu_m, logvar_m] = logvar_grad_change(AdversaryInput::kMean);
  EXPECT_GT(mu_z, 1e-6);
  EXPECT_GT(logvar_z, 1e-6);
  EXPECT_GT(mu_m, 1e-6);
  EXPECT_EQ(logvar_m, 0.0);
}

TEST(AdvXMultVAE, ZeroLambdaIsMultVAE) {
  // With λ = 0 the encoder and decoder gradients are exactly those of a model with no adversaries
  // (same init: the heads are initialised after the encoder/decoder; same ε: drawn before head dropout).
  Fixture f;
  ModelConfig with = Fixture::config({}, 0.0, 0.0);
  ModelConfig without = with;
  without.adversaries.clear();
  AdvXMultVAE a(f.engine, with, 5), b(f.engine, without, 5);
  Rng in_rng(1);
  const auto input = nn::encoder_input(f.data, f.rows, 0.0f, nullptr);
  const auto target = nn::gather_rows(f.data, f.rows);
  Rng ra(9), rb(9);
  const auto la = a.train_step(input, target, f.targets, ra);
  const auto lb = b.train_step(input, target, {}, rb);
  EXPECT_EQ(la.vae, lb.vae);
  EXPECT_GT(la.total, la.vae);  // the heads still learn (passive probes)
  auto pa = a.recommender_params(), pb = b.recommender_params();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t p = 0; p < pa.size(); ++p) {
    const auto ga = nn::dense_gradient(pa[p]), gb = nn::dense_gradient(pb[p]);
    for (std::size_t k = 0; k < ga.size(); ++k)
      ASSERT_EQ(ga.values()[k], gb.values()[k]) << "tensor " << p << " element " << k;
  }
}

TEST(AdvXMultVAE, GradientReversalFlipsTheEncoderGradientOfTheAdversaryTerm) {
  // Encoder gradient with λ minus that with λ = 0 is −λ·∂L_adv/∂θ_enc: doubling λ doubles the difference.
  Fixture f;
  const auto input = nn::encoder_input(f.data, f.rows, 0.0f, nullptr);
  const auto target = nn::gather_rows(f.data, f.rows);
  auto enc_grad = [&](double lambda) {
    AdvXMultVAE m(f.engine, Fixture::config({}, lambda, 0.0), 5);
    Rng r(9);
    m.train_step(input, target, f.targets, r);
    return nn::dense_gradient(m.recommender_params()[0]);
  };
  const auto g0 = enc_grad(0.0), g1 = enc_grad(1.0), g2 = enc_grad(2.0);
  double n = 0;
  for (std::size_t k = 0; k < g0.size(); ++k) {
    const double d1 = g1.values()[k] - g0.values()[k], d2 = g2.values()[k] - g0.values()[k];
    EXPECT_NEAR(d2, 2.0 * d1, 1e-5);
    n += d1 * d1;
  }
  EXPECT_GT(n, 1e-10);  // the adversary term is not zero
}

TEST(AdvXMultVAE, EvalLogitsUseTheMean) {
  Fixture f;
  AdvXMultVAE m(f.engine, Fixture::config({4}, 1.0, 1.0), 5);
  const auto input = nn::encoder_input(f.data, f.rows, 0.0f, nullptr);
  nn::Tensor l1, l2, mu;
  m.eval_logits(input, l1);
  m.eval_logits(input, l2);
  EXPECT_EQ(l1.values().size(), 5u * 9u);
  for (std::size_t k = 0; k < l1.size(); ++k) EXPECT_EQ(l1.values()[k], l2.values()[k]);  // deterministic
  m.eval_mu(input, mu);
  EXPECT_EQ(mu.rows(), 5);
  EXPECT_EQ(mu.cols(), 3);
}

TEST(AdvXMultVAE, TwoThreadsTakeTheStepOfOne) {
  // With two threads the adversary groups run beside the decoder's forward (train_step); the losses and
  // every gradient must be those of the one-thread path: same draws, each group's term added once.
  Fixture f;
  const ModelConfig cfg = Fixture::config({4}, 20.0, 5.0, AdversaryInput::kMean);
  Rng input_rng(3);
  const auto input = nn::encoder_input(f.data, f.rows, 0.2f, &input_rng);
  const auto target = nn::gather_rows(f.data, f.rows);
  ThreadCountScope restore(nn::num_threads());
  struct Step {
    AdvXMultVAE::Losses losses;
    std::vector<nn::Tensor> grads;
  };
  auto step = [&](int threads) {
    nn::set_num_threads(threads);
    AdvXMultVAE m(f.engine, cfg, 5);
    Rng r(9);
    Step s{m.train_step(input, target, f.targets, r), {}};
    s.losses = m.train_step(input, target, f.targets, r);  // a second step: the draws continue alike
    auto refs = m.recommender_params();
    for (const auto& ref : m.adversary_params()) refs.push_back(ref);
    for (const auto& ref : refs) s.grads.push_back(nn::dense_gradient(ref));
    return s;
  };
  const Step one = step(1), two = step(2), again = step(2);
  EXPECT_NEAR(two.losses.total, one.losses.total, 1e-6 * std::fabs(one.losses.total));
  ASSERT_EQ(two.losses.adversary.size(), 2u);
  for (std::size_t g = 0; g < 2; ++g)
    EXPECT_NEAR(two.losses.adversary[g], one.losses.adversary[g], 1e-6 * std::fabs(one.losses.adversary[g]));
  ASSERT_EQ(two.grads.size(), one.grads.size());
  for (std::size_t p = 0; p < one.grads.size(); ++p)
    for (std::size_t k = 0; k < one.grads[p].size(); ++k) {
      const float a = one.grads[p].values()[k], b = two.grads[p].values()[k];
      ASSERT_NEAR(b, a, 1e-5f * std::max(1.0f, std::fabs(a))) << "tensor " << p << " element " << k;
      ASSERT_EQ(again.grads[p].values()[k], b) << "two-thread steps differ: tensor " << p << " element " << k;
    }
}

TEST(AdvXMultVAE, AGroupsErrorOnTheSecondThreadReachesTheCaller) {
  Fixture f;
  AdvXMultVAE m(f.engine, Fixture::config({}, 1.0, 1.0), 5);
  const auto input = nn::encoder_input(f.data, f.rows, 0.0f, nullptr);
  const auto target = nn::gather_rows(f.data, f.rows);
  auto bad = f.targets;
  bad[1].values.pop_back();  // 4 ages for 5 users
  ThreadCountScope restore(nn::num_threads());
  for (const int threads : {1, 2}) {
    nn::set_num_threads(threads);
    Rng r(9);
    EXPECT_THROW(m.train_step(input, target, bad, r), std::invalid_argument) << threads << " thread(s)";
  }
}

}  // namespace
}  // namespace advx
