#pragma once
// AdvXMultVAE (REFERENCE §2–3): a MultVAE whose latent code z also feeds one adversary group per
// protected attribute, each behind a gradient-reversal layer of strength λ_g. With no groups, or all
// λ = 0, the encoder and decoder train exactly as a plain MultVAE (the heads are then passive probes).
//
// Shapes: input/target rows are [B × items]; the encoder maps items → hidden… → 2·latent (μ ‖ logvar),
// the decoder latent → …hidden → items (logits). The first encoder layer is sparse (O(nnz)).
// Training forward: z = μ + ε·σ; eval: z = μ. A group reads z (the reference) or μ (AdversaryInput). Loss: L = NLL + β·KL + Σ_g w_g·mean_heads(L_g); one
// backward gives the heads ∂L/∂θ_heads and the encoder ∂(L_vae − Σ_g λ_g·w_g·L_g)/∂θ_enc (the GRL), the
// decoder ∂L_vae/∂θ_dec.

#include <cstdint>
#include <span>
#include <vector>

#include "advx/common/rng.h"
#include "advx/model/head_group.h"
#include "advx/model/model_config.h"
#include "advx/nn/adam.h"
#include "advx/nn/engine.h"
#include "advx/nn/linear.h"
#include "advx/nn/sparse_linear.h"
#include "advx/nn/sparse_rows.h"
#include "advx/nn/tensor.h"

namespace advx {

class AdvXMultVAE {
 public:
  /// `config.items` and each adversary's `classes` must be set. Encoder/decoder weights use Xavier-normal
  /// with gain 5/3 and biases 0.01; adversary heads PyTorch's default init (REFERENCE Q9), all drawn from
  /// Rng(init_seed) in that order.
  AdvXMultVAE(nn::Engine& engine, const ModelConfig& config, std::uint64_t init_seed);

  struct Losses {
    double nll = 0, kl = 0, vae = 0;  ///< vae = nll + β·kl
    std::vector<double> adversary;    ///< per group, mean over its heads (before loss_weight)
    double total = 0;                 ///< vae + Σ_g loss_weight_g · adversary_g
  };

  /// Training step's forward and backward: sets every parameter gradient (overwriting). `input` is the
  /// dropped and normalised batch (nn::encoder_input), `target` the undropped binary rows, `targets[g]`
  /// the attribute values of adversary group g. `rng` draws ε and the heads' dropout masks.
  Losses train_step(const nn::SparseRows& input, const nn::SparseRows& target, std::span<const HeadTargets> targets,
                    Rng& rng);

  /// Eval forward (z = μ): logits [B × items]; μ and logvar are kept (mu(), logvar()).
  void eval_logits(const nn::SparseRows& input, nn::Tensor& logits);
  /// Eval encoder only: μ [B × latent].
  void eval_mu(const nn::SparseRows& input, nn::Tensor& mu);
  [[nodiscard]] const nn::Tensor& mu() const { return mu_; }
  [[nodiscard]] const nn::Tensor& logvar() const { return logvar_; }

  [[nodiscard]] std::vector<nn::ParamRef> recommender_params();
  [[nodiscard]] std::vector<nn::ParamRef> adversary_params();
  [[nodiscard]] HeadGroup& adversary(std::size_t g) { return groups_[g]; }
  [[nodiscard]] std::size_t adversary_groups() const { return groups_.size(); }
  [[nodiscard]] const ModelConfig& config() const { return config_; }

 private:
  void encode(const nn::SparseRows& input, nn::Mode mode);
  void decode(const nn::Tensor& z, nn::Tensor& logits, nn::Mode mode);
  void activate(const nn::Tensor& x, nn::Tensor& y) const;
  void activate_backward(const nn::Tensor& pre, const nn::Tensor& post, nn::Tensor& d) const;

  ModelConfig config_;
  nn::SparseLinear enc_first_;
  std::vector<nn::Linear> enc_;  // after the sparse layer
  std::vector<nn::Linear> dec_;
  std::vector<HeadGroup> groups_;

  // Buffers of the last forward, reused across batches.
  std::vector<nn::Tensor> enc_pre_, enc_act_;  // [0] = sparse layer output
  std::vector<nn::Tensor> dec_pre_, dec_act_;
  nn::Tensor mu_, logvar_, z_, eps_, logits_;
  std::vector<nn::Tensor> dz_groups_;  // per group: its d(−λ·w·L)/dz (or /dμ) of the last step
  nn::Tensor dz_, dmu_adv_, dmu_, dlogvar_, dmu_kl_, dlogvar_kl_, dh_, scratch_a_, scratch_b_;
};

}  // namespace advx
