#pragma once
// Everything one trial needs: data, split, model, training, attackers. Produced from a sweep file's
// base settings (config/sweep_file.h), consumed by the trainer. Plain data, no behaviour.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "advx/data/dataset.h"
#include "advx/data/readers.h"
#include "advx/data/split.h"
#include "advx/eval/ranking_metrics.h"
#include "advx/model/model_config.h"

namespace advx {

struct DataConfig {
  DataFormat format = DataFormat::kMovieLens1M;
  std::string path;
  PreprocessOptions preprocess;
  /// Built-in synthetic data: when `synthetic` is set, the data is generated into `path` first if it is
  /// not there yet (so the demo needs no download).
  bool synthetic = false;
  std::int32_t synthetic_users = 2000, synthetic_items = 1000;
  std::uint64_t synthetic_seed = 1;
};

/// How a continuous attribute is fed to its adversary and attacker (REFERENCE Q4).
enum class TargetTransform { kRaw, kZScore, kMinMax };

struct AttributeSpec {
  std::string name;
  bool categorical = true;
  std::map<std::string, double> class_weights;  ///< by label (REFERENCE Q13); empty = uniform
  TargetTransform target = TargetTransform::kRaw;
};

struct TrainConfig {
  std::int32_t epochs = 200;
  std::int32_t batch_size = 64;
  double lr = 1e-3, weight_decay = 1e-4;          ///< recommender Adam
  double adv_lr = 1e-3, adv_weight_decay = 1e-4;  ///< adversary Adam
  // ReduceLROnPlateau on the recommender, stepped with the validation VAE loss.
  double plateau_factor = 0.1;
  std::int32_t plateau_patience = 5;
  double min_lr = 1e-6;
  std::string select = "ndcg@10";                 ///< validation metric for the best checkpoint
  FoldInMask mask = FoldInMask::kNegInfinity;     ///< REFERENCE Q1
  std::vector<int> ks{10, 20, 50};
};

struct AttackerConfig {
  std::int32_t epochs = 50;
  std::int32_t batch_size = 64;
  std::vector<std::int32_t> hidden{5};
  float dropout = 0.5f;
  double lr = 1e-3, weight_decay = 1e-4;
};

struct TrialConfig {
  std::string name;
  DataConfig data;
  std::vector<AttributeSpec> attributes;
  SplitOptions split;
  ModelConfig model;  ///< items and adversary classes are completed from the data by the trainer
  TrainConfig train;
  AttackerConfig attackers;
  std::uint64_t seed = 42;  ///< the trial's seed: init, dropout, noise, shuffling, attackers
  std::int32_t threads = 1;
};

}  // namespace advx
