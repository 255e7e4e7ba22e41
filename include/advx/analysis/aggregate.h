#pragma once
// Replicates → configurations. A configuration is a grid point without its replicate axes; its trials
// (one per fold, seed or replicate) are summarised as mean ± standard deviation before the Pareto front is
// computed, so the front compares configurations, not lucky folds.
//
// Replicate axes: the grid key `split.fold`, every grid key whose last component is `seed`
// (`split.seed`, `data.seed`, …) and the store's implicit `replicate` column (sweeps with `replicates:` or
// `seeds:`). Every other grid key identifies the configuration.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace advx {

class ResultStore;

/// Mean and sample standard deviation (n − 1 in the denominator, as pandas and the paper's ± use) of the
/// finite values; std = NaN for a single value (a sample std is undefined there, as in pandas: 0 would
/// claim the point has no spread), mean = std = NaN for none.
struct Stat {
  double mean = 0;
  double std = 0;
  std::int64_t n = 0;
};
[[nodiscard]] Stat summarize(const std::vector<double>& values);

/// True for grid keys that are replicate axes (see the header comment).
[[nodiscard]] bool is_replicate_key(const std::string& grid_key);

/// Rows of the store grouped by the values of `keys` (Column::text of each key; missing columns read as
/// ""). Groups keep the order of their first row; rows keep their order within a group.
struct RowGroup {
  std::vector<std::string> values;   ///< one per key
  std::vector<std::size_t> rows;
};
[[nodiscard]] std::vector<RowGroup> group_rows(const ResultStore& store, const std::vector<std::size_t>& rows,
                                               const std::vector<std::string>& keys);

}  // namespace advx
