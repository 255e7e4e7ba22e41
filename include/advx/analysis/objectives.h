#pragma once
// What the Pareto analysis optimises. An objective names a stored metric without its checkpoint prefix
// ("test.ndcg@10", "attack.gender.bacc") and a sense:
//   max        larger is better (NDCG, Recall, an attacker's MAE: a worse attacker means more removal);
//   min        smaller is better (a loss);
//   chance[=c] the distance |metric − c| to chance level is minimised. For a balanced accuracy c = 1/C with
//              C classes, each trial's own, read from the attackers' `attack.<a>.chance` column (0.5 in
//              files without it); `chance=0.25` sets one c for all.
// Values below chance count as leakage too (a binary attacker at 0.3 is an attacker at 0.7 with its labels
// swapped), hence the absolute value.
//
// Defaults (default_objectives): maximise test.ndcg@10 (NDCG at the sweep's smallest k when train.ks has
// no 10, as scripts/plot_results.py plots); for every categorical attacker in the file (column
// <cp>.attack.<a>.bacc) `chance`; for every continuous attacker (<cp>.attack.<a>.mae) `max`.

#include <string>
#include <string_view>
#include <vector>

namespace advx {

class ResultStore;

enum class Sense { kMax, kMin, kChance };

struct Objective {
  std::string metric;        ///< column name without the checkpoint prefix, e.g. "test.ndcg@10"
  Sense sense = Sense::kMax;
  double chance = 0.5;       ///< kChance only; with chance_column, the first trial's level (labels, plots)
  /// `chance` without a level: the file's stored levels are to be taken by resolve_chance_levels().
  bool chance_from_file = false;
  /// Set by resolve_chance_levels(): the column holding each trial's level ("last.attack.a.chance"; a
  /// fold whose test users lack a class has 1/(C−1)), and whether the levels differ between trials.
  std::string chance_column = {};
  bool chance_varies = false;
  /// The spec gave the level (chance=C); otherwise it is the stored levels (or 0.5 for a file without them).
  bool chance_given = false;

  /// Spec text that parse_objectives() reads back as it was given: "test.ndcg@10:max",
  /// "attack.gender.bacc:chance" (the stored levels, on any file), "attack.gender.bacc:chance=0.5".
  [[nodiscard]] std::string spec() const;
  /// Short column header for tables: "test.ndcg@10 ↑", "|attack.gender.bacc−0.5| ↓".
  [[nodiscard]] std::string label() const;
  /// The objective's value for one trial's metric: the metric itself, or |metric − chance|.
  [[nodiscard]] double value(double metric_value) const;
  /// The same with the trial's own chance level (from chance_column; NaN: `chance`).
  [[nodiscard]] double value(double metric_value, double trial_chance) const;
  /// True when larger values are better (only `max`); values of min/chance objectives are minimised.
  [[nodiscard]] bool maximise() const { return sense == Sense::kMax; }
  /// Value in minimisation form (−value for `max`), the form the Pareto code works in.
  [[nodiscard]] double cost(double objective_value) const { return maximise() ? -objective_value : objective_value; }
};

/// Parses "metric:sense,metric:sense,…" (sense max|min|chance|chance=C; required). An optional
/// checkpoint prefix ("last.", "best.") is refused: the checkpoint is chosen once, by --checkpoint.
/// Throws InputError naming `source` and the offending entry.
[[nodiscard]] std::vector<Objective> parse_objectives(std::string_view spec, std::string_view source = "--objectives");

/// Gives each `chance` objective without a level the levels the attackers stored beside its metric
/// (<checkpoint>.attack.<a>.chance, per trial: 1/C over the classes its test users have); 0.5 for files
/// without them.
void resolve_chance_levels(const ResultStore& store, const std::string& checkpoint, std::vector<Objective>& objectives);

/// The default objectives for a file and checkpoint (see the header comment): NDCG, then the categorical
/// attackers, then the continuous ones (each in column order). InputError without any <checkpoint>.test.ndcg@k.
[[nodiscard]] std::vector<Objective> default_objectives(const ResultStore& store, const std::string& checkpoint);

/// The k of the default utility: 10 (the paper's) when the checkpoint has test.ndcg@10, else the smallest
/// k of its test.ndcg@k columns; 0 when it has none.
[[nodiscard]] int default_ranking_k(const ResultStore& store, const std::string& checkpoint);

/// Throws InputError "FILE: objective 'm': no column '<cp>.m' in /trials (metrics of checkpoint cp: …)"
/// for the first objective whose column is missing or not numeric.
void check_objectives(const ResultStore& store, const std::string& checkpoint, const std::vector<Objective>& objectives);

}  // namespace advx
