#include "plan_coverage.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <set>
#include <string>

#include "advx/config/sweep_file.h"
#include "advx/sweep/sweep_plan.h"

namespace advx::cli {

std::optional<std::set<std::string>> planned_trial_ids(const ResultStore& store, std::int64_t& sweep_trials) {
  const auto& h = store.header();
  // planned_trials 0 is a plan too: a shard whose part of a shrunken grid is empty (its old rows stay).
  if (h.sweep_text.empty() || !h.overrides_recorded || h.planned_trials < 0) return std::nullopt;
  try {
    std::int64_t shard = 0, shards = 1;  // "K/N", or "" for the whole sweep
    if (const auto label = store.attribute("shard"); !label.empty()) {
      const auto slash = label.find('/');
      if (slash == std::string::npos) return std::nullopt;
      shard = std::stoll(label.substr(0, slash));
      shards = std::stoll(label.substr(slash + 1));
      if (shards < 1 || shard < 0 || shard >= shards) return std::nullopt;
    }
    const auto plan = make_plan(SweepFile::from_text(h.sweep_text, h.sweep_path, h.sweep_overrides), h.grid_keys);
    auto ids = shard_trial_ids(plan, shard, shards);
    if (static_cast<std::int64_t>(ids.size()) != h.planned_trials) return std::nullopt;
    sweep_trials = static_cast<std::int64_t>(plan.trials.size());
    return ids;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

PlanCoverage plan_coverage(const ResultStore& store) {
  PlanCoverage c;
  c.rows = static_cast<std::int64_t>(store.rows());
  c.planned = std::max<std::int64_t>(0, store.header().planned_trials);
  c.shard = store.attribute("shard");
  if (const auto ids = planned_trial_ids(store, c.sweep_trials); ids && store.has_column("trial_id")) {
    std::set<std::string> held;
    for (const auto& id : store.column("trial_id").s) {
      if (ids->count(id))
        held.insert(id);
      else
        ++c.unplanned;
    }
    c.held = static_cast<std::int64_t>(held.size());
  } else {
    c.held = std::min(c.rows, c.planned);
    c.unplanned = std::max<std::int64_t>(0, c.rows - c.planned);
  }
  return c;
}

}  // namespace advx::cli
