#pragma once
// Stores an analysis in its result file under /analysis, without touching /trials, /curves or the root
// attributes: a copy of the file is opened read-write with HDF5, an existing /analysis is unlinked and a new
// one written, and the copy renamed over the file. (The store itself rewrites whole files, so a resumed
// sweep drops /analysis; rerun `advx analyze --write`, the analysis is cheap and deterministic. Unlinking
// leaves the old group's bytes as free space in the file; `h5repack` compacts it.)
//
// Layout:
//   /analysis               attributes: format = advx-analysis, format_version = 1, checkpoint, objectives
//                           (spec text), per_replicate (0/1), config_keys, replicate_keys, reference
//                           (float[M]), hypervolume, knee (point index), fronts, trials_planned,
//                           trials_planned_without_row, shard, sweep_trials (when the plan is known),
//                           advx_version, created
//   /analysis/points/<col>  one row per point: the config keys (text), trial_ids (";"-joined), n, rank,
//                           and "<objective metric>" / "<objective metric>.std" per objective
//   /analysis/front         int64 point indices of the first front
//   /analysis/trial_rank    int64 per /trials row: the rank of the point that row belongs to, −1 if unused

#include <filesystem>

#include "advx/analysis/analysis.h"

namespace advx {

/// Replaces /analysis through a copy renamed over the file (a process killed midway leaves the file as it
/// was); in place where no copy can replace it (see the source). InputError when it cannot be written.
void write_analysis(const Analysis& analysis, const std::filesystem::path& path);

/// What write_analysis would throw for a file it cannot write, checked before an analysis is run and
/// printed: read-only, or open in another process (h5py, a notebook, another advx: HDF5's lock).
void check_analysis_writable(const std::filesystem::path& path);

}  // namespace advx
