#include "advx/sweep/sweep_plan.h"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

#include "advx/common/hash.h"
#include "advx/common/rng.h"
#include "advx/config/trial_settings.h"

namespace advx {

std::string TrialSpec::label() const {
  std::string out;
  for (const auto& [k, v] : assignments) out += fmt::format("{}{}={}", out.empty() ? "" : " ", k, v);
  if (replicate > 0 || out.empty()) out += fmt::format("{}replicate={}", out.empty() ? "" : " ", replicate);
  return out;
}

namespace {
std::string normal_path(const std::string& text) {
  auto p = std::filesystem::path(text).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}
}  // namespace

std::string data_settings_text(const TrialConfig& config) {
  std::string out;
  for (const auto& [key, value] : trial_settings(config))
    if (key.starts_with("data."))
      out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, key == "data.path" ? normal_path(value) : value);
  return out;
}

SweepPlan make_plan(const SweepFile& sweep, const std::vector<std::string>& key_order) {
  SweepPlan plan;
  plan.name = sweep.name();
  plan.replicates = sweep.replicates();
  // The axes in plan order: the sweep file's, or key_order when it permutes them (a result file's
  // grid_keys). Indices, ids and seeds all follow it, so a reordered sweep file plans the file's trials.
  std::vector<GridAxis> axes = sweep.grid();
  std::vector<std::string> file_keys, wanted = key_order;
  for (const auto& axis : axes) file_keys.push_back(axis.key);
  std::sort(file_keys.begin(), file_keys.end());
  std::sort(wanted.begin(), wanted.end());
  if (wanted == file_keys && !key_order.empty())
    for (std::size_t j = 0; j < key_order.size(); ++j)
      axes[j] = *std::find_if(sweep.grid().begin(), sweep.grid().end(), [&](const GridAxis& a) { return a.key == key_order[j]; });
  for (const auto& axis : axes) plan.grid_keys.push_back(axis.key);

  std::string identity_text;
  for (const auto& [key, value] : trial_settings(sweep.base())) {
    bool is_axis = false;
    for (const auto& k : plan.grid_keys) is_axis |= (k == key);
    if (is_axis) continue;
    // The data path as a path, not as text: data/ml-1m, data/ml-1m/ and ./data/x/../ml-1m are one data set.
    // (Symbolic links are not resolved: the identity must not change with where a file system is mounted.)
    identity_text += fmt::format("{}: {}\n", key, key == "data.path" ? normal_path(value) : value);
  }
  plan.settings_identity = hex64(stable_hash(identity_text));
  identity_text += fmt::format("replicates: {}\n", plan.replicates);
  for (auto s : sweep.seeds()) identity_text += fmt::format("seeds: {}\n", s);
  plan.identity = hex64(stable_hash(identity_text));

  const std::int64_t points = sweep.grid_points();
  for (std::int64_t p = 0; p < points; ++p) {
    GridAssignment assignments(axes.size());
    std::int64_t rest = p;
    for (std::size_t a = axes.size(); a-- > 0;) {  // last axis varies fastest
      const auto n = static_cast<std::int64_t>(axes[a].values.size());
      assignments[a] = {axes[a].key, axes[a].values[static_cast<std::size_t>(rest % n)]};
      rest /= n;
    }
    std::string canonical;
    for (const auto& [k, v] : assignments) canonical += fmt::format("{}={}\n", k, v);
    for (std::int32_t r = 0; r < plan.replicates; ++r) {
      TrialSpec t;
      t.index = static_cast<std::int64_t>(plan.trials.size());
      t.assignments = assignments;
      t.replicate = r;
      // An explicit seeds: list gives the seed of each replicate; otherwise it is derived from the sweep
      // seed and the trial's canonical parameters.
      const std::string key = canonical + fmt::format("replicate={}\n", r);
      t.id = hex64(stable_hash(key));
      t.seed = sweep.seeds().empty() ? mix_seed(sweep.base().seed, stable_hash(key)) : sweep.seeds()[static_cast<std::size_t>(r)];
      plan.trials.push_back(std::move(t));
    }
  }
  return plan;
}

std::set<std::string> shard_trial_ids(const SweepPlan& plan, std::int64_t shard, std::int64_t shards) {
  std::set<std::string> ids;
  for (const auto& t : plan.trials)
    if (t.index % shards == shard) ids.insert(t.id);
  return ids;
}

TrialConfig trial_config(const SweepFile& sweep, const TrialSpec& spec) {
  TrialConfig c = sweep.trial(spec.assignments);
  c.seed = spec.seed;
  c.threads = sweep.base().threads;
  c.name = sweep.name();
  return c;
}

bool replicates_may_change(const SweepFile& before, const SweepFile& after) {
  if (before.seeds().empty() != after.seeds().empty()) return false;  // listed vs derived seeds
  // Growth only: a list cut and then extended otherwise (1, 2, 3 → 1, 2 → 1, 2, 4) would find replicate
  // 2's row, of seed 3, and take it for seed 4's (trial ids hash the replicate number, not the seed).
  if (after.replicates() < before.replicates()) return false;
  const auto& a = before.seeds();
  return std::equal(a.begin(), a.end(), after.seeds().begin());
}

std::string settings_change(const SweepFile& before, const SweepFile& after) {
  std::map<std::string, std::string> was;
  for (const auto& [k, v] : trial_settings(before.base())) was[k] = v;
  const auto is_axis = [&](const std::string& k) {
    for (const auto* sweep : {&before, &after})
      for (const auto& axis : sweep->grid())
        if (axis.key == k) return true;
    return false;
  };
  std::string diff;
  const auto add = [&diff](const std::string& what) { diff += (diff.empty() ? "" : "; ") + what; };
  // A fixed setting that becomes a grid axis (or the reverse) changes the identity although no value
  // differs: the trial ids are built from the grid's assignments, so the old rows cannot be matched.
  const auto has_axis = [](const SweepFile& sweep, const std::string& k) {
    return std::any_of(sweep.grid().begin(), sweep.grid().end(), [&k](const GridAxis& a) { return a.key == k; });
  };
  for (const auto& axis : after.grid())
    if (!has_axis(before, axis.key)) {
      const auto it = was.find(axis.key);
      add(fmt::format("{}: fixed {} → grid axis", axis.key, it == was.end() ? "(unset)" : it->second));
    }
  std::map<std::string, std::string> now;
  for (const auto& [k, v] : trial_settings(after.base())) now[k] = v;
  for (const auto& axis : before.grid())
    if (!has_axis(after, axis.key)) {
      const auto it = now.find(axis.key);
      add(fmt::format("{}: grid axis → fixed {}", axis.key, it == now.end() ? "(unset)" : it->second));
    }
  for (const auto& [k, v] : now) {
    const auto it = was.find(k);
    if (is_axis(k) || (it != was.end() && it->second == v)) continue;
    add(fmt::format("{}: {} → {}", k, it == was.end() ? "(unset)" : it->second, v));
  }
  // A seeds: list is the replicates axis: replicate r runs seeds[r], so only a list extended at the end
  // keeps the file's trials (replicates_may_change); named here for the other changes.
  const auto seeds_text = [](const SweepFile& s) {
    return s.seeds().empty() ? std::string("none") : fmt::format("[{}]", fmt::join(s.seeds(), ", "));
  };
  if (before.seeds() != after.seeds())
    add(fmt::format("seeds: {} → {}", seeds_text(before), seeds_text(after)));
  else if (before.replicates() != after.replicates())
    add(fmt::format("replicates: {} → {}", before.replicates(), after.replicates()));
  return diff;
}

}  // namespace advx
