#pragma once
// How the rows of a result file compare with the trials its last run planned: the notes of `advx analyze`
// and the summary of `advx results`.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "advx/analysis/analysis.h"
#include "advx/store/result_store.h"

namespace advx::cli {

/// The ids of the trials the file's last run planned, rebuilt from what the file records of that run: the
/// sweep text, its overrides and the shard (a trial's id depends on its grid values only; advx merge
/// rebuilds plans the same way); `sweep_trials` is set to the whole sweep's count. None when they cannot
/// be trusted: a file of an advx that did not record the overrides, a sweep text this advx no longer
/// reads, or a plan of another size than the recorded planned_trials (a merge of shards of different
/// grids takes one shard's text).
[[nodiscard]] std::optional<std::set<std::string>> planned_trial_ids(const ResultStore& store,
                                                                     std::int64_t& sweep_trials);

/// By trial id when the plan can be rebuilt from what the file records of its last run (sweep text,
/// overrides, shard), else by count — then rows beyond the plan count as unplanned, and a stopped run of
/// another grid holding as many rows as it planned looks complete.
/// For a shard file (one shard of the sweep, or a merge of one shard) `shard` names it and sweep_trials
/// counts the whole sweep's trials, when the plan can be rebuilt.
[[nodiscard]] PlanCoverage plan_coverage(const ResultStore& store);

}  // namespace advx::cli
