#pragma once
// One trial: train an AdvXMultVAE (REFERENCE §4), keep the best-by-validation and the last checkpoint,
// then evaluate both on the test users and attack their latent codes with fresh attackers (§5).
// The trainer knows nothing of MPI or files other than its own checkpoint; a trial is a function of
// (TrialConfig, Dataset) and its seed.

#include <filesystem>
#include <functional>
#include <string_view>
#include <memory>

#include "advx/data/dataset.h"
#include "advx/data/split.h"
#include "advx/train/trial_config.h"
#include "advx/train/trial_result.h"

namespace advx {

/// Loads, preprocesses (and for synthetic data first generates) the trial's data set.
[[nodiscard]] Dataset load_trial_data(const DataConfig& data);

/// What a Trainer checks of its settings against the data (the split, each attribute's column, type
/// and labels, the adversaries' attributes), without building a model. A sweep runs it for every trial
/// of its shard before it creates the result file, so a setting the data contradicts is one error, not
/// a failed row per trial. Throws InputError.
void check_trial_data(const TrialConfig& config, const Dataset& data);

class Trainer {
 public:
  /// Builds the split, resolves the adversaries against the data (classes, class weights by label,
  /// target transforms) and the model. Throws InputError for settings the data contradicts (unknown
  /// attribute, class weight for an unknown label, …).
  Trainer(const TrialConfig& config, const Dataset& data);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  /// Trains one epoch and validates. Returns false when the trial is over (all epochs run, or the loss
  /// became NaN/Inf: status diverged).
  bool train_epoch();
  [[nodiscard]] std::int32_t epoch() const;  ///< epochs completed
  /// The records of the completed epochs so far (the result's curves once finished).
  [[nodiscard]] const std::vector<EpochRecord>& curves() const;
  [[nodiscard]] bool done() const;

  /// Test metrics and attackers for the kept checkpoints; completes and returns the result.
  TrialResult finish();

  /// Everything needed to continue bit-identically: parameters, both optimisers, the scheduler, RNG
  /// streams, epoch, best snapshot and curves. Written to a temporary file and renamed. `settings_tag`
  /// is the caller's name for every setting of this trial (the sweep runner passes a hash of them); it is
  /// stored so that a checkpoint is resumed only under the settings it was trained with.
  void save_checkpoint(const std::filesystem::path& path, std::string_view settings_tag = {}) const;
  /// Restores a checkpoint written by save_checkpoint. InputError when it is not one, is truncated, was
  /// saved under another settings_tag, or does not fit this trial (seed, item count, tensor shapes).
  void load_checkpoint(const std::filesystem::path& path, std::string_view settings_tag = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Called after each epoch that completed (trained and validated) with its record; epochs count from 0.
using EpochCallback = std::function<void(const EpochRecord&)>;

/// Trains to the end and finishes. Exceptions from bad input propagate; numerical divergence is a
/// result (status "diverged"), not an exception. `on_epoch`, if given, sees each completed epoch (the
/// CLI's progress lines); it must not throw.
[[nodiscard]] TrialResult run_trial(const TrialConfig& config, const Dataset& data, const EpochCallback& on_epoch = {});

/// The metric keys each kept checkpoint of a trial with these settings reports (test.* for every k,
/// test.loss, val.<select>, attack.* for every declared attribute), sorted as CheckpointResult::metrics
/// is. For reports that show a checkpoint the trial never reached (diverged in its first epoch) as
/// missing values rather than leave its keys out.
[[nodiscard]] std::vector<std::string> checkpoint_metric_names(const TrialConfig& config);

}  // namespace advx
