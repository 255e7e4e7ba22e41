#pragma once
// Hyperparameters of an AdvXMultVAE (REFERENCE §2–3). Plain data: filled by the sweep-file parser,
// read by the model.

#include <cstdint>
#include <string>
#include <vector>

namespace advx {

enum class Activation { kReLU, kSigmoid };

/// An MLP head stack reading the latent code: n parallel heads, each dropout → [Linear → act]* → Linear.
/// Used for the training-time adversaries and for the post-hoc attackers.
struct HeadConfig {
  std::int32_t heads = 10;
  std::vector<std::int32_t> hidden{5};
  Activation activation = Activation::kReLU;
  float dropout = 0.3f;
};

/// What an adversary group's heads read. The reference feeds them the sampled z = μ + σ·ε (REFERENCE Q5);
/// the post-hoc attackers read μ, so an encoder can hide the attribute from the adversaries under the noise
/// and still leave it in μ. Reading μ closes that gap (a documented deviation, off by default).
enum class AdversaryInput { kSample, kMean };

/// One adversary group: a gradient-reversal layer of strength λ in front of its heads.
struct AdversaryConfig {
  std::string attribute;           ///< name of the protected attribute
  bool categorical = true;         ///< categorical (weighted CE) or continuous (MSE)
  std::int32_t classes = 2;        ///< outputs of a categorical head (1 for continuous)
  std::vector<float> class_weights;///< per class code (sorted label order); empty = uniform
  double lambda = 0.0;             ///< gradient-reversal scale
  double loss_weight = 1.0;        ///< weight of the group's loss in the total
  AdversaryInput input = AdversaryInput::kSample;
  HeadConfig head;
};

struct ModelConfig {
  std::int32_t items = 0;                ///< input and output size (the fold's items)
  std::int32_t latent = 100;
  std::vector<std::int32_t> hidden;      ///< encoder hidden sizes (decoder mirrors them); [] = none
  Activation activation = Activation::kReLU;  ///< between hidden layers (unused when hidden is empty)
  float input_dropout = 0.1f;
  float beta = 0.8f;                     ///< KL weight, fixed
  std::vector<AdversaryConfig> adversaries;
};

}  // namespace advx
