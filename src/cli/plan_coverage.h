#pragma once
// How the rows of a result file compare with the trials its last run planned: the notes of `advx analyze`
// and the summary of `advx results`.

#include <cstdint>

#include "advx/store/result_store.h"

namespace advx::cli {

struct PlanCoverage {
  std::int64_t rows = 0;       ///< rows in the file
  std::int64_t planned = 0;    ///< trials the file's last run planned (0: not recorded)
  std::int64_t held = 0;       ///< planned trials that have a row
  std::int64_t unplanned = 0;  ///< rows of trials that run did not plan (a resumed smaller or other grid)
  [[nodiscard]] std::int64_t missing() const { return planned - held; }
};

/// By trial id when the plan can be rebuilt from what the file records of its last run (sweep text,
/// overrides, shard), else by count — then rows beyond the plan count as unplanned, and a stopped run of
/// another grid holding as many rows as it planned looks complete.
[[nodiscard]] PlanCoverage plan_coverage(const ResultStore& store);

}  // namespace advx::cli
