#pragma once
// What one trial produces: its status, per-epoch curves and, per kept checkpoint, the test metrics and
// attacker scores. Plain data; the sweep layer serialises it, the CLI prints it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace advx {

struct EpochRecord {
  std::int32_t epoch = 0;
  double train_loss = 0;  ///< total loss, mean over the epoch's batches
  double train_vae = 0;   ///< NLL + β·KL, mean over batches
  std::vector<double> adversary_loss;  ///< per adversary group, mean over batches
  double val_loss = 0;    ///< validation VAE loss (the scheduler's signal)
  double val_select = 0;  ///< validation value of the selection metric (train.select; NDCG@10 by default)
  double lr = 0;          ///< recommender learning rate used in this epoch
  double seconds = 0;     ///< training steps only, without validation
};

struct CheckpointResult {
  std::string name;                        ///< "best" or "last"
  std::int32_t epoch = -1;
  std::map<std::string, double> metrics;   ///< "test.ndcg@10", "attack.gender.bacc", …
};

struct TrialResult {
  std::string status = "ok";               ///< ok | diverged | failed
  std::string message;                     ///< why, when not ok
  std::int32_t diverged_epoch = -1;
  std::int32_t epochs_run = 0;
  double seconds_per_epoch = 0;            ///< mean training time per epoch (without validation)
  double seconds_total = 0;
  std::vector<std::string> adversaries;    ///< names of the adversary groups, in curve order
  std::vector<EpochRecord> curves;
  std::vector<CheckpointResult> checkpoints;
};

}  // namespace advx
