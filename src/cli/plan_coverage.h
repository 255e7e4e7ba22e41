#pragma once
// How the rows of a result file compare with the trials its last run planned: the notes of `advx analyze`
// and the summary of `advx results`.

#include <cstdint>

#include "advx/analysis/analysis.h"
#include "advx/store/result_store.h"

namespace advx::cli {

/// By trial id when the plan can be rebuilt from what the file records of its last run (sweep text,
/// overrides, shard), else by count — then rows beyond the plan count as unplanned, and a stopped run of
/// another grid holding as many rows as it planned looks complete.
/// For a shard file (one shard of the sweep, or a merge of one shard) `shard` names it and sweep_trials
/// counts the whole sweep's trials, when the plan can be rebuilt.
[[nodiscard]] PlanCoverage plan_coverage(const ResultStore& store);

}  // namespace advx::cli
