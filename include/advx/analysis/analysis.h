#pragma once
// The Pareto analysis of a result file: objectives → points (configurations, or trials with
// per_replicate) → fronts, hypervolume, knee, and the paper-style table.
//
//   auto store = read_results("results/demo.h5");           // InputError for bad files
//   Analysis a = analyze(store, AnalysisOptions{});          // checkpoint "last", default objectives
//   for (auto i : a.front) … a.points[i].objectives[k].mean …
//
// Decisions (README "Analysis"):
// * Checkpoint: `last` by default. The `best` checkpoint (best validation NDCG@10) often comes from an
//   early epoch, before the adversaries have taken effect (REFERENCE Q7), which would overstate the
//   utility side of the trade-off; `last` is the model that went through the whole adversarial training.
//   Trials without the checkpoint (diverged trials have no `last`) drop out and are counted.
// * Used trials: status ok or diverged, with a finite value for every objective metric; failed trials
//   and trials with a missing objective value are counted as excluded, never silently imputed.
// * Aggregation: an objective's value is computed per trial, then averaged (|BAcc − c| per fold, then the
//   mean: folds at 0.4 and 0.6 leak in each fold and must not average to chance). Fronts, hypervolume and
//   knee use the means.
// * Hypervolume reference (unless given): per objective, the worst mean over all points moved outwards by
//   10 % of the objectives' spread over the points (of the value's magnitude when all points agree, 0.1
//   when that is 0).
// * Paper table: for each attacker objective the point with the best mean ("best <attr> removal"; ties go
//   to the better remaining objectives, so the pick is on the first front), the knee ("best trade-off"),
//   and the baselines that are grid points: all adversary λ grid values 0 = MultVAE, exactly one λ > 0 =
//   AdvMultVAE-<initial> (e.g. -G, -A), all of them (one row per λ value). Points with ≥ 2 λ > 0 are
//   AdvXMultVAE.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "advx/analysis/aggregate.h"
#include "advx/analysis/objectives.h"

namespace advx {

class ResultStore;

struct AnalysisOptions {
  std::string checkpoint = "last";   ///< best | last
  std::string objectives;            ///< parse_objectives() spec; empty = default_objectives()
  bool per_replicate = false;        ///< one point per trial instead of per configuration
  std::vector<double> reference;     ///< hypervolume reference in objective values; empty = derived
};

/// One point of the analysis: a configuration (its replicates summarised) or, per replicate, one trial.
struct Point {
  std::vector<std::string> config;         ///< values of Analysis::config_keys (canonical text)
  std::vector<std::size_t> rows;           ///< rows of /trials it summarises
  std::vector<std::string> trial_ids;
  std::vector<Stat> objectives;            ///< per Analysis::objectives (objective values, see Objective::value)
  std::map<std::string, Stat> metrics;     ///< every numeric metric of the checkpoint, raw, by name without prefix
  int rank = 0;                            ///< Pareto rank, 1 = first front
};

/// A row of the paper-style table.
struct TableRow {
  std::string role;     ///< "best gender removal", "best trade-off (knee)", "baseline"
  std::string model;    ///< MultVAE, AdvMultVAE-G, AdvXMultVAE, … ("" without adversary λ axes)
  std::size_t point = 0;
  int objective = -1;   ///< a removal pick: the index of the objective it is best in (−1 otherwise)
};

/// How a result file's rows compare with the trials its last run planned (what `advx analyze` and
/// `advx results` say of a stopped run, a resumed smaller grid or a shard). The analysis layer cannot
/// rebuild a plan (that is the sweep layer's); the CLI computes it and stores it in Analysis::plan.
struct PlanCoverage {
  std::int64_t rows = 0;       ///< rows in the file
  std::int64_t planned = 0;    ///< trials the file's last run planned (0: not recorded)
  std::int64_t held = 0;       ///< planned trials that have a row
  std::int64_t unplanned = 0;  ///< rows of trials that run did not plan (a resumed smaller or other grid)
  std::string shard;           ///< "K/N" when the file holds one shard of the sweep, else ""
  std::int64_t sweep_trials = -1;  ///< trials of the whole sweep (≠ planned for a shard); −1 unknown
  [[nodiscard]] std::int64_t missing() const { return planned - held; }
};

struct Analysis {
  std::string file, sweep_name, checkpoint;
  bool per_replicate = false;
  std::vector<Objective> objectives;
  std::vector<std::string> config_keys;     ///< identify a point (per replicate: every grid key + replicate)
  std::vector<std::string> replicate_keys;  ///< summarised over (empty per replicate)
  std::vector<std::string> lambda_keys;     ///< config keys adversaries.<attr>.lambda
  /// Attributes whose λ the sweep fixes (no axis) at ≠ 0: they count in model names.
  std::vector<std::string> fixed_lambda_attributes;
  /// Whether the fixed λs are known (the file's sweep text was read): without them and without a λ axis
  /// the table names no model.
  bool fixed_lambdas_known = false;
  /// Table columns: test.ndcg@k, test.recall@k (k = default_ranking_k), attack.*.bacc|mae.
  std::vector<std::string> paper_metrics;
  std::vector<Point> points;                ///< in plan order
  std::vector<std::size_t> front;           ///< first front, best first objective first
  std::size_t fronts = 0;                   ///< number of fronts
  std::vector<double> reference;            ///< hypervolume reference point, in objective values
  bool reference_given = false;
  double hypervolume = 0;
  std::size_t knee = 0;                     ///< index into points
  std::vector<TableRow> table;
  std::size_t trials_recorded = 0, trials_used = 0, trials_failed = 0, trials_missing = 0;
  std::size_t trials_diverged_used = 0;  ///< used trials that diverged (--checkpoint best: from before it)
  /// Set by the caller (advx analyze) when it knows the plan; recorded in the JSON and /analysis so that
  /// an analysis of a stopped run or of one shard can be told from one of the whole sweep later.
  std::optional<PlanCoverage> plan;
  /// Reasons to distrust the removal picks: an attacker that on the unprotected model (the MultVAE point,
  /// every λ = 0) does no better than a trivial predictor — BAcc within 0.01 of chance, or an MAE no
  /// lower than always predicting the training median — learned nothing, and then every configuration
  /// looks like successful removal. One sentence each.
  std::vector<std::string> warnings;

  /// The model name of a point from its λ values (see the header comment).
  [[nodiscard]] std::string model_name(std::size_t point) const;
  /// Roles of a point in the table ("knee", "best gender removal", …), for CSV/JSON.
  [[nodiscard]] std::vector<std::string> roles(std::size_t point) const;
};

/// ResultStore::read, with HDF5 failures on a damaged (e.g. truncated) file reported as InputError.
[[nodiscard]] ResultStore read_results(const std::filesystem::path& path);

/// Runs the analysis. InputError (naming the file) for: an unknown checkpoint, a bad or missing objective,
/// a reference of the wrong length, zero usable trials.
[[nodiscard]] Analysis analyze(const ResultStore& store, const AnalysisOptions& options);

}  // namespace advx
