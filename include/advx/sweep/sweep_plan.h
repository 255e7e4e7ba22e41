#pragma once
// The trials of a sweep: the cartesian product of the grid axes (first axis outermost) times the
// replicates. Each trial has a stable id derived from its canonical parameters, and its seed comes from
// the sweep's seed and that id — never from the rank or the order of execution — so a sweep gives the
// same numbers on 1 or 64 ranks.

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "advx/config/sweep_file.h"

namespace advx {

struct TrialSpec {
  std::int64_t index = 0;    ///< position in the plan (mixed radix over the axes, replicate last)
  std::string id;            ///< 16 hex digits, hash of the canonical assignments and replicate
  GridAssignment assignments;  ///< grid key → canonical value
  std::int32_t replicate = 0;
  std::uint64_t seed = 0;    ///< the trial's RNG seed

  /// "adversaries.gender.lambda=200 split.fold=1" (+ " replicate=2" when there are replicates).
  [[nodiscard]] std::string label() const;
};

struct SweepPlan {
  std::string name;
  std::string identity;                 ///< hash of every setting that is not a grid axis
  /// The same without the replicate setup (replicates, seeds): equal for a sweep that only runs more
  /// replicates of each grid point, which may resume into the file (replicates_may_change).
  std::string settings_identity;
  std::vector<std::string> grid_keys;   ///< in file order
  std::int32_t replicates = 1;
  std::vector<TrialSpec> trials;
};

/// Builds the plan. The sweep identity hashes the canonical base settings minus the grid axes and the
/// replicate setup, so adding values to an axis keeps the identity (a resumed sweep runs the new
/// points) while any other change makes it a different sweep.
///
/// Trial indices, ids and seeds follow the order of the grid axes. `key_order`, when it holds the same
/// keys as the grid in another order (a result file's grid_keys, written by its first run), is the
/// order used instead: a sweep file whose axes were reordered then plans the trials the file holds,
/// under the same indices (and so the same shards). Otherwise it is ignored.
[[nodiscard]] SweepPlan make_plan(const SweepFile& sweep, const std::vector<std::string>& key_order = {});

/// The ids of the plan's trials in shard `shard` of `shards` (index mod shards = shard; 0 of 1 = all).
[[nodiscard]] std::set<std::string> shard_trial_ids(const SweepPlan& plan, std::int64_t shard, std::int64_t shards);

/// The TrialConfig of a planned trial: the base settings with its assignments and its seed.
[[nodiscard]] TrialConfig trial_config(const SweepFile& sweep, const TrialSpec& spec);

/// A trial's data.* settings on one line ("data.format=csv data.path=d …"), data.path normalised as in
/// the identity: the key under which a result file records its data set's fingerprint.
[[nodiscard]] std::string data_settings_text(const TrialConfig& config);

/// Whether a sweep with `after`'s replicate setup may resume into a file of `before` whose other settings
/// are the same: yes when it only adds replicates and every earlier one keeps its seed — `replicates: N`
/// raised (seeds derived from the trial ids), or a `seeds:` list extended at the end (replicate r runs
/// seeds[r]). Then the file's trials keep their ids and seeds, and the new replicates run. No for fewer
/// replicates (a list cut and extended again would give a kept row another seed), a list reordered or
/// edited, or a change between `seeds:` and `replicates:`.
[[nodiscard]] bool replicates_may_change(const SweepFile& before, const SweepFile& after);

/// What makes `after` another sweep than `before`, for refusal messages: "train.lr: 0.001 → 0.01;
/// replicates: 1 → 3" over the base settings that are no grid axis of either, and grid axes added or
/// removed ("split.fold: fixed 0 → grid axis"); "" when none differs.
[[nodiscard]] std::string settings_change(const SweepFile& before, const SweepFile& after);

}  // namespace advx
