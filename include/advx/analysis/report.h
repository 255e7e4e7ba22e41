#pragma once
// Renders an Analysis: a terminal table (the first front, then the paper-style table, mean ± std), and
// CSV, JSON and Markdown for scripts and papers.
//   text      front + hypervolume + knee + paper table, aligned columns
//   markdown  the same two tables as GitHub Markdown
//   csv       one row per point (all fronts): config keys (+ trial_id per replicate), n, rank, roles,
//             "<objective>" and "<objective>.std" per objective, then "<metric>"/"<metric>.std" per paper
//             metric; the front is `rank == 1`
//   json      {file, sweep, checkpoint, per_replicate, objectives, config_keys, replicate_keys, trials,
//             fronts, hypervolume{value, reference, reference_source}, knee, front[…], table[…], points[…]};
//             an entry carries trial_id (per replicate) or config {grid key: value} (aggregated), n, rank,
//             roles, objectives {metric: {mean, std}} (objective values: |BAcc − c| for chance) and metrics
//             {metric: {mean, std}} (raw values of every metric of the checkpoint).

#include <string>

#include "advx/analysis/analysis.h"

namespace advx {

enum class ReportFormat { kText, kCsv, kJson, kMarkdown };

[[nodiscard]] std::string render_report(const Analysis& analysis, ReportFormat format);

}  // namespace advx
