#include "advx/model/advx_multvae.h"

#include <stdexcept>

#include <fmt/format.h>

#include "advx/nn/activations.h"
#include "advx/nn/gradient_reversal.h"
#include "advx/nn/init.h"
#include "advx/nn/losses.h"
#include "advx/nn/reparameterize.h"
#include "advx/nn/tensor_ops.h"
#include "advx/nn/threads.h"

namespace advx {

namespace {

constexpr double kXavierGain = 5.0 / 3.0;  // tanh gain, as the reference's init pass (Q9)
constexpr float kBiasInit = 0.01f;

std::int32_t encoder_first_out(const ModelConfig& c) { return c.hidden.empty() ? 2 * c.latent : c.hidden.front(); }

}  // namespace

AdvXMultVAE::AdvXMultVAE(nn::Engine& engine, const ModelConfig& config, std::uint64_t init_seed)
    : config_(config), enc_first_(config.items, encoder_first_out(config)) {
  if (config.items < 1 || config.latent < 1)
    throw std::invalid_argument(fmt::format("AdvXMultVAE: items ({}) and latent ({}) must be ≥ 1", config.items, config.latent));
  Rng rng(init_seed);
  nn::init_xavier_normal(enc_first_.weight(), config.items, encoder_first_out(config), kXavierGain, rng);
  nn::init_constant(enc_first_.bias(), kBiasInit);
  // Encoder: items → h0 (sparse) → h1 → … → 2·latent. Decoder: latent → …reversed hidden… → items.
  std::vector<std::int64_t> enc_sizes(config.hidden.begin(), config.hidden.end());
  enc_sizes.push_back(2 * config.latent);
  for (std::size_t l = 1; l < enc_sizes.size(); ++l) {
    enc_.emplace_back(engine, enc_sizes[l - 1], enc_sizes[l]);
    nn::init_xavier_normal(enc_.back().weight(), enc_sizes[l - 1], enc_sizes[l], kXavierGain, rng);
    nn::init_constant(enc_.back().bias(), kBiasInit);
  }
  std::vector<std::int64_t> dec_sizes{config.latent};
  for (auto it = config.hidden.rbegin(); it != config.hidden.rend(); ++it) dec_sizes.push_back(*it);
  dec_sizes.push_back(config.items);
  for (std::size_t l = 1; l < dec_sizes.size(); ++l) {
    dec_.emplace_back(engine, dec_sizes[l - 1], dec_sizes[l]);
    nn::init_xavier_normal(dec_.back().weight(), dec_sizes[l - 1], dec_sizes[l], kXavierGain, rng);
    nn::init_constant(dec_.back().bias(), kBiasInit);
  }
  for (const auto& adv : config.adversaries) {
    if (adv.categorical && adv.classes < 2)
      throw std::invalid_argument(fmt::format("AdvXMultVAE: adversary '{}' needs ≥ 2 classes", adv.attribute));
    groups_.emplace_back(engine, config.latent, adv.categorical ? adv.classes : 1, adv.categorical, adv.head,
                         adv.class_weights, rng);
  }
  enc_pre_.resize(enc_.size() + 1);
  enc_act_.resize(enc_.size() + 1);
  dec_pre_.resize(dec_.size());
  dec_act_.resize(dec_.size());
}

void AdvXMultVAE::activate(const nn::Tensor& x, nn::Tensor& y) const {
  if (config_.activation == Activation::kReLU)
    nn::relu_forward(x, y);
  else
    nn::sigmoid_forward(x, y);
}

void AdvXMultVAE::activate_backward(const nn::Tensor& pre, const nn::Tensor& post, nn::Tensor& d) const {
  if (config_.activation == Activation::kReLU)
    nn::relu_backward(pre, d, d);
  else
    nn::sigmoid_backward(post, d, d);
}

void AdvXMultVAE::encode(const nn::SparseRows& input, nn::Mode mode) {
  // enc_pre_[0] = sparse layer output; enc_act_[l] = activation of enc_pre_[l] (only between layers).
  enc_first_.forward(input, enc_pre_[0]);
  const nn::Tensor* h = &enc_pre_[0];
  for (std::size_t l = 0; l < enc_.size(); ++l) {
    activate(*h, enc_act_[l]);
    enc_[l].forward(enc_act_[l], enc_pre_[l + 1], mode);
    h = &enc_pre_[l + 1];
  }
  nn::split_cols(*h, config_.latent, mu_, logvar_);
}

void AdvXMultVAE::decode(const nn::Tensor& z, nn::Tensor& logits, nn::Mode mode) {
  const nn::Tensor* d = &z;
  for (std::size_t l = 0; l + 1 < dec_.size(); ++l) {
    dec_[l].forward(*d, dec_pre_[l], mode);
    activate(dec_pre_[l], dec_act_[l]);
    d = &dec_act_[l];
  }
  dec_.back().forward(*d, logits, mode);
}

AdvXMultVAE::Losses AdvXMultVAE::train_step(const nn::SparseRows& input, const nn::SparseRows& target,
                                            std::span<const HeadTargets> targets, Rng& rng) {
  if (targets.size() != groups_.size())
    throw std::invalid_argument(fmt::format("train_step: {} target sets for {} adversary groups", targets.size(), groups_.size()));
  Losses losses;
  encode(input, nn::Mode::train);
  nn::reparameterize_forward(mu_, logvar_, rng, z_, eps_);

  // The decoder's forward needs only z, the adversary groups only z or μ (their dropout masks are the
  // only draws after ε, so the draw order is the same either way). With two threads they run side by
  // side, one thread each: the groups' dozen small matmuls got slower with a second thread, and on one
  // thread the decoder's forward GEMM takes about as long as the groups (bench/README §3, run I). Each
  // group's d(−λ·w·L)/dz waits in its own buffer and is added after the decoder's backward in group
  // order, as on one thread.
  losses.adversary.resize(groups_.size());
  dz_groups_.resize(groups_.size());
  const auto adversaries = [&] {
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const auto& adv = config_.adversaries[g];
      groups_[g].forward(adv.input == AdversaryInput::kMean ? mu_ : z_, nn::Mode::train, &rng);
      losses.adversary[g] = groups_[g].loss(targets[g], true, static_cast<float>(adv.loss_weight), &dz_groups_[g]);
      nn::gradient_reversal_backward(static_cast<float>(adv.lambda), dz_groups_[g], dz_groups_[g]);
    }
  };
  nn::side_by_side([&] { decode(z_, logits_, nn::Mode::train); }, adversaries);
  losses.nll = nn::multinomial_nll(logits_, target, &logits_);  // in place: logits_ now holds dNLL/dlogits
  losses.kl = nn::gaussian_kl(mu_, logvar_, &dmu_kl_, &dlogvar_kl_);
  losses.vae = losses.nll + config_.beta * losses.kl;
  losses.total = losses.vae;
  for (std::size_t g = 0; g < groups_.size(); ++g)
    losses.total += config_.adversaries[g].loss_weight * losses.adversary[g];

  // Decoder backward → dz.
  const nn::Tensor* dy = &logits_;
  for (std::size_t l = dec_.size(); l-- > 0;) {
    const nn::Tensor& x = l > 0 ? dec_act_[l - 1] : z_;
    nn::Tensor& dx = (l == 0) ? dz_ : ((dy == &scratch_a_) ? scratch_b_ : scratch_a_);
    // Independent GEMMs of about equal size: side by side they beat each one on two threads.
    nn::side_by_side([&] { dec_[l].backward_weights(x, *dy); }, [&] { dec_[l].backward_data(*dy, dx); });
    if (l > 0) activate_backward(dec_pre_[l - 1], dec_act_[l - 1], dx);
    dy = &dx;
  }

  // The groups' gradients reach the encoder through the GRL (×(−λ_g)): into dz, or dμ for groups that read μ.
  bool reads_mean = false;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const bool mean = config_.adversaries[g].input == AdversaryInput::kMean;
    if (mean && !reads_mean) {
      dmu_adv_.resize(mu_.rows(), mu_.cols());
      dmu_adv_.zero();
      reads_mean = true;
    }
    nn::axpy(1.0f, dz_groups_[g], mean ? dmu_adv_ : dz_);
  }

  // z = μ + ε·σ → dμ, dlogvar; plus β·KL's own gradients and those of groups that read μ.
  nn::reparameterize_backward(logvar_, eps_, dz_, dmu_, dlogvar_);
  if (reads_mean) nn::axpy(1.0f, dmu_adv_, dmu_);
  nn::axpy(config_.beta, dmu_kl_, dmu_);
  nn::axpy(config_.beta, dlogvar_kl_, dlogvar_);
  nn::concat_cols(dmu_, dlogvar_, dh_);

  // Encoder backward: dense layers, then the sparse first layer.
  nn::Tensor* dh = &dh_;
  for (std::size_t l = enc_.size(); l-- > 0;) {
    enc_[l].backward_weights(enc_act_[l], *dh);
    nn::Tensor& dx = (dh == &scratch_a_) ? scratch_b_ : scratch_a_;
    enc_[l].backward_data(*dh, dx);
    activate_backward(enc_pre_[l], enc_act_[l], dx);
    dh = &dx;
  }
  enc_first_.backward_weights(input, *dh);
  return losses;
}

void AdvXMultVAE::eval_logits(const nn::SparseRows& input, nn::Tensor& logits) {
  encode(input, nn::Mode::eval);
  decode(mu_, logits, nn::Mode::eval);
}

void AdvXMultVAE::eval_mu(const nn::SparseRows& input, nn::Tensor& mu) {
  encode(input, nn::Mode::eval);
  mu = mu_;
}

std::vector<nn::ParamRef> AdvXMultVAE::recommender_params() {
  std::vector<nn::ParamRef> out{{&enc_first_.weight(), nullptr, &enc_first_.weight_row_grad()},
                                {&enc_first_.bias(), &enc_first_.bias_grad()}};
  for (auto* layers : {&enc_, &dec_})
    for (auto& l : *layers) {
      out.push_back({&l.weight(), &l.weight_grad()});
      out.push_back({&l.bias(), &l.bias_grad()});
    }
  return out;
}

std::vector<nn::ParamRef> AdvXMultVAE::adversary_params() {
  std::vector<nn::ParamRef> out;
  for (auto& g : groups_)
    for (const auto& p : g.params()) out.push_back(p);
  return out;
}

}  // namespace advx
