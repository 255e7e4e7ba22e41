#include "advx/analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "advx/analysis/hypervolume.h"
#include "advx/analysis/pareto.h"
#include "advx/common/error.h"
#include "advx/config/sweep_file.h"
#include "advx/config/trial_settings.h"
#include "advx/store/result_store.h"

namespace advx {

namespace {

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  std::size_t used = 0;
  try {
    out = std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

/// "adversaries.gender.lambda" → "gender"; "" for other keys.
std::string lambda_attribute(const std::string& key) {
  static const std::regex re(R"(^adversaries\.(.+)\.lambda$)");
  std::smatch m;
  return std::regex_match(key, m, re) ? m[1].str() : std::string();
}

/// "attack.gender.bacc" → "gender"; "" for other metrics.
std::string attack_attribute(const std::string& metric) {
  if (metric.rfind("attack.", 0) != 0) return "";
  const auto rest = metric.substr(7);
  const auto dot = rest.rfind('.');
  return dot == std::string::npos ? "" : rest.substr(0, dot);
}

/// Whether a point's attacker metric `name` (attack.<a>.bacc or attack.<a>.mae) is no better than its
/// trivial predictor: BAcc within 0.01 of the stored chance level, or an MAE no lower than always
/// predicting the training median (attack.<a>.mae_constant). False for other metrics or missing values.
bool at_trivial_predictor(const std::map<std::string, Stat>& metrics, const std::string& name) {
  const auto attr = attack_attribute(name);
  if (attr.empty()) return false;
  const auto prefix = "attack." + attr + ".";
  const bool bacc = name == prefix + "bacc";
  if (!bacc && name != prefix + "mae") return false;
  const auto v = metrics.find(name), t = metrics.find(prefix + (bacc ? "chance" : "mae_constant"));
  if (v == metrics.end() || t == metrics.end()) return false;
  return bacc ? v->second.mean <= t->second.mean + 0.01 : v->second.mean >= t->second.mean;
}

}  // namespace

std::string Analysis::model_name(std::size_t point) const {
  if (lambda_keys.empty() && !fixed_lambdas_known) return "";
  std::vector<std::string> active;
  for (const auto& key : lambda_keys) {
    const auto k = static_cast<std::size_t>(std::find(config_keys.begin(), config_keys.end(), key) - config_keys.begin());
    double v = 0;
    if (!parse_number(points[point].config[k], v)) return "";
    if (v != 0) active.push_back(lambda_attribute(key));
  }
  active.insert(active.end(), fixed_lambda_attributes.begin(), fixed_lambda_attributes.end());
  if (active.empty()) return "MultVAE";
  if (active.size() == 1) {
    std::string initial = active.front().substr(0, 1);
    std::transform(initial.begin(), initial.end(), initial.begin(), [](unsigned char c) { return std::toupper(c); });
    return "AdvMultVAE-" + initial;
  }
  return "AdvXMultVAE";
}

std::vector<std::string> Analysis::roles(std::size_t point) const {
  std::vector<std::string> out;
  for (const auto& row : table)
    if (row.point == point) out.push_back(row.role == "baseline" ? "baseline " + row.model : row.role);
  return out;
}

ResultStore read_results(const std::filesystem::path& path) {
  try {
    return ResultStore::read(path);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    // The file opened as HDF5 but a dataset could not be read: a damaged or truncated file, which is the
    // user's input, not an advx failure.
    throw InputError(fmt::format("{}: cannot read the result file (damaged or truncated?): {}", path.string(), e.what()));
  }
}

Analysis analyze(const ResultStore& store, const AnalysisOptions& options) {
  const auto file = store.path().string();
  if (options.checkpoint != "best" && options.checkpoint != "last")
    throw InputError(fmt::format("--checkpoint: expected best or last, found '{}'", options.checkpoint));
  Analysis a;
  a.file = file;
  a.sweep_name = store.header().sweep_name;
  a.checkpoint = options.checkpoint;
  a.per_replicate = options.per_replicate;
  a.trials_recorded = store.rows();
  if (store.rows() == 0) throw InputError(fmt::format("{}: no finished trials in the file yet", file));
  if (store.has_column("status")) {
    const auto& status = store.column("status").s;
    if (std::none_of(status.begin(), status.end(), [](const std::string& s) { return s == "ok"; }))
      throw InputError(store.rows() == 1
                           ? fmt::format("{}: its one trial did not finish ok (it diverged or failed); `advx results {}` "
                                         "shows its message", file, file)
                           : fmt::format("{}: none of its {} trials finished ok (all diverged or failed); `advx results "
                                         "{}` lists them with their messages", file, store.rows(), file));
  }
  a.objectives = options.objectives.empty() ? default_objectives(store, options.checkpoint) : parse_objectives(options.objectives);
  resolve_chance_levels(store, options.checkpoint, a.objectives);
  check_objectives(store, options.checkpoint, a.objectives);
  const auto prefix = options.checkpoint + ".";

  // Usable trials, in plan order.
  std::vector<std::size_t> used;
  const auto* status = store.has_column("status") ? &store.column("status") : nullptr;
  for (std::size_t r = 0; r < store.rows(); ++r) {
    const std::string s = status != nullptr ? status->text(r) : "ok";
    if (s != "ok" && s != "diverged") {
      ++a.trials_failed;
      continue;
    }
    bool finite = true;
    for (const auto& o : a.objectives) {
      const auto& c = store.column(prefix + o.metric);
      const double v = c.kind == Column::Kind::kFloat ? c.f[r] : static_cast<double>(c.i[r]);
      finite = finite && std::isfinite(v) && !(c.kind == Column::Kind::kInt && c.i[r] == -1);
    }
    if (!finite) {
      ++a.trials_missing;
      continue;
    }
    used.push_back(r);
    if (s == "diverged") ++a.trials_diverged_used;  // its best checkpoint, from before the divergence
  }
  a.trials_used = used.size();
  if (used.empty())
    throw InputError(fmt::format("{}: none of the {} recorded trials has values for every objective at checkpoint {} "
                                 "({} failed, {} without values)",
                                 file, store.rows(), options.checkpoint, a.trials_failed, a.trials_missing));
  if (store.has_column("trial_index") && store.column("trial_index").kind == Column::Kind::kInt) {
    const auto& index = store.column("trial_index").i;
    std::stable_sort(used.begin(), used.end(), [&](auto x, auto y) { return index[x] < index[y]; });
  }

  // Configuration keys vs replicate keys.
  bool replicated = false;
  if (store.has_column("replicate")) {
    const auto& c = store.column("replicate");
    for (auto r : used) replicated = replicated || c.text(r) != c.text(used.front());
  }
  for (const auto& k : store.header().grid_keys) {
    if (options.per_replicate || !is_replicate_key(k)) a.config_keys.push_back(k);
    else a.replicate_keys.push_back(k);
  }
  if (replicated) (options.per_replicate ? a.config_keys : a.replicate_keys).push_back("replicate");
  for (const auto& k : a.config_keys)
    if (!lambda_attribute(k).empty()) a.lambda_keys.push_back(k);
  // A λ the sweep fixes (no grid axis) names the models too: at λ_gender = 100 fixed, λ_age = 0 is no
  // MultVAE. The sweep's text is in the file; without it (an older file) only grid axes count.
  const auto& h = store.header();
  if (!h.sweep_text.empty() && h.overrides_recorded) {
    try {
      const auto sweep = SweepFile::from_text(h.sweep_text, h.sweep_path, h.sweep_overrides);
      for (const auto& [key, value] : trial_settings(sweep.base())) {
        double v = 0;
        if (!lambda_attribute(key).empty() && std::find(h.grid_keys.begin(), h.grid_keys.end(), key) == h.grid_keys.end() &&
            parse_number(value, v) && v != 0)
          a.fixed_lambda_attributes.push_back(lambda_attribute(key));
      }
      a.fixed_lambdas_known = true;
    } catch (const std::exception&) {  // a sweep text this advx cannot read: the grid axes only
    }
  }

  std::vector<RowGroup> groups;
  if (options.per_replicate) {
    for (auto r : used) {
      RowGroup g;
      for (const auto& k : a.config_keys) g.values.push_back(store.has_column(k) ? store.column(k).text(r) : "");
      g.rows.push_back(r);
      groups.push_back(std::move(g));
    }
  } else {
    groups = group_rows(store, used, a.config_keys);
  }

  // Every numeric metric of the checkpoint, summarised per point (the table and the plots read them).
  // By name, as the objectives (objectives.cpp): the table's columns must not depend on the file's order.
  std::vector<std::string> metrics;
  auto columns = store.column_names();
  std::sort(columns.begin(), columns.end());
  for (const auto& c : columns)
    if (c.rfind(prefix, 0) == 0 && store.column(c).kind == Column::Kind::kFloat) metrics.push_back(c.substr(prefix.size()));
  // NDCG and Recall at 10, or at the sweep's smallest k when it computed no 10 (the default objective's).
  if (const int k = default_ranking_k(store, options.checkpoint); k > 0)
    for (const auto& m : {fmt::format("test.ndcg@{}", k), fmt::format("test.recall@{}", k)})
      if (std::find(metrics.begin(), metrics.end(), m) != metrics.end()) a.paper_metrics.push_back(m);
  // Categorical attackers (BAcc) before continuous ones (MAE), as in the paper's table.
  for (const char* kind : {".bacc", ".mae"})
    for (const auto& m : metrics) {
      const auto attr = attack_attribute(m);
      if (!attr.empty() && m == "attack." + attr + kind) a.paper_metrics.push_back(m);
    }

  const auto& ids = store.column("trial_id").s;
  for (auto& g : groups) {
    Point p;
    p.config = std::move(g.values);
    p.rows = std::move(g.rows);
    for (auto r : p.rows) p.trial_ids.push_back(ids[r]);
    for (const auto& o : a.objectives) {
      const auto& c = store.column(prefix + o.metric);
      // A trial's own chance level when the attackers stored one (folds may differ: a missing class).
      const auto* level = o.chance_column.empty() ? nullptr : &store.column(o.chance_column).f;
      std::vector<double> v;
      for (auto r : p.rows) {
        const double x = c.kind == Column::Kind::kFloat ? c.f[r] : static_cast<double>(c.i[r]);
        v.push_back(level != nullptr ? o.value(x, (*level)[r]) : o.value(x));
      }
      p.objectives.push_back(summarize(v));
    }
    for (const auto& m : metrics) {
      const auto& c = store.column(prefix + m).f;
      std::vector<double> v;
      for (auto r : p.rows) v.push_back(c[r]);
      p.metrics[m] = summarize(v);
    }
    a.points.push_back(std::move(p));
  }

  // Fronts on the means, in minimisation form.
  const std::size_t m = a.objectives.size();
  CostMatrix costs(a.points.size(), std::vector<double>(m));
  for (std::size_t i = 0; i < a.points.size(); ++i)
    for (std::size_t k = 0; k < m; ++k) costs[i][k] = a.objectives[k].cost(a.points[i].objectives[k].mean);
  const auto sorted = non_dominated_sort(costs);
  for (std::size_t i = 0; i < a.points.size(); ++i) a.points[i].rank = sorted.rank[i];
  a.fronts = sorted.fronts.size();
  a.front = sorted.fronts.front();
  std::stable_sort(a.front.begin(), a.front.end(), [&](auto x, auto y) { return costs[x][0] < costs[y][0]; });

  // Hypervolume reference, in objective values.
  if (!options.reference.empty()) {
    if (options.reference.size() != m)
      throw InputError(fmt::format("--reference: {} values for {} objectives ({})", options.reference.size(), m,
                                   [&] {
                                     std::vector<std::string> s;
                                     for (const auto& o : a.objectives) s.push_back(o.spec());
                                     return fmt::format("{}", fmt::join(s, ", "));
                                   }()));
    for (double v : options.reference)
      if (!std::isfinite(v)) throw InputError("--reference: values must be finite numbers");
    a.reference = options.reference;
    a.reference_given = true;
  } else {
    for (std::size_t k = 0; k < m; ++k) {
      double lo = costs[0][k], hi = costs[0][k];
      for (const auto& c : costs) {
        lo = std::min(lo, c[k]);
        hi = std::max(hi, c[k]);
      }
      double margin = 0.1 * (hi - lo);
      if (margin == 0) margin = 0.1 * std::fabs(hi);
      if (margin == 0) margin = 0.1;
      const double worst_cost = hi + margin;
      a.reference.push_back(a.objectives[k].maximise() ? -worst_cost : worst_cost);
    }
  }
  std::vector<double> ref_cost(m);
  for (std::size_t k = 0; k < m; ++k) ref_cost[k] = a.objectives[k].cost(a.reference[k]);
  CostMatrix front_costs;
  for (auto i : a.front) front_costs.push_back(costs[i]);
  a.hypervolume = hypervolume(front_costs, ref_cost);
  // A given reference that no front point beats in every objective makes the hypervolume 0, which reads
  // as "no trade-off" unless the reason is named.
  if (a.reference_given && a.hypervolume == 0) {
    std::vector<std::string> unbeaten;
    for (std::size_t k = 0; k < m; ++k)
      if (std::none_of(front_costs.begin(), front_costs.end(), [&](const auto& c) { return c[k] < ref_cost[k]; }))
        unbeaten.push_back(fmt::format("{} (reference {:g})", a.objectives[k].label(), a.reference[k]));
    a.warnings.push_back(
        unbeaten.empty()
            ? std::string("no point of the first front is better than the --reference in every objective at once, so "
                          "the hypervolume is 0; the reference must be worse than the front in every objective")
            : fmt::format("no point of the first front is better than the --reference in {}, so the hypervolume is 0; "
                          "the reference must be worse than the front in every objective",
                          fmt::join(unbeaten, ", ")));
  }
  a.knee = knee_point(costs, sorted.fronts.front());

  // The paper-style table: best removal per attacked attribute, the knee, the baselines.
  std::vector<std::string> picked;
  for (std::size_t k = 0; k < m; ++k) {
    const auto attr = attack_attribute(a.objectives[k].metric);
    if (attr.empty() || std::find(picked.begin(), picked.end(), attr) != picked.end()) continue;
    picked.push_back(attr);
    // Lexicographic: this objective first, then the others in order, so the pick is non-dominated.
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::stable_partition(order.begin(), order.end(), [k](auto x) { return x == k; });
    std::size_t best = 0;
    for (std::size_t i = 1; i < a.points.size(); ++i) {
      for (auto o : order) {
        if (costs[i][o] < costs[best][o]) {
          best = i;
          break;
        }
        if (costs[i][o] > costs[best][o]) break;
      }
    }
    a.table.push_back({.role = "best " + attr + " removal", .model = "", .point = best, .objective = static_cast<int>(k)});
  }
  a.table.push_back({"best trade-off (knee)", "", a.knee});
  if (!a.lambda_keys.empty()) {
    std::vector<TableRow> single;
    for (std::size_t i = 0; i < a.points.size(); ++i) {
      const auto name = a.model_name(i);
      if (name == "MultVAE") a.table.push_back({"baseline", name, i});
      else if (name.rfind("AdvMultVAE-", 0) == 0) single.push_back({"baseline", name, i});
    }
    // Single-attribute baselines grouped by attribute (-G rows, then -A rows), plan order within.
    std::stable_sort(single.begin(), single.end(), [&](const auto& x, const auto& y) {
      auto pos = [&](const TableRow& r) {
        for (std::size_t j = 0; j < a.lambda_keys.size(); ++j) {
          const auto attr = lambda_attribute(a.lambda_keys[j]);
          if (r.model == "AdvMultVAE-" + std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(attr[0])))))
            return j;
        }
        return a.lambda_keys.size();
      };
      return pos(x) < pos(y);
    });
    a.table.insert(a.table.end(), single.begin(), single.end());
  }
  for (auto& row : a.table)
    if (row.model.empty()) row.model = a.model_name(row.point);

  // An attacker that learned nothing on the unprotected model makes its removal scores meaningless.
  for (const auto& row : a.table) {
    if (row.model != "MultVAE") continue;
    const auto& metrics = a.points[row.point].metrics;
    const auto mean = [&](const std::string& name) {
      const auto it = metrics.find(name);
      return it == metrics.end() ? std::nan("") : it->second.mean;
    };
    for (const auto& [name, stat] : metrics) {
      const auto attr = attack_attribute(name);
      if (attr.empty()) continue;
      const auto prefix = "attack." + attr + ".";
      if (name == prefix + "bacc" && at_trivial_predictor(metrics, name))
        a.warnings.push_back(fmt::format(
            "the {} attacker on MultVAE (every λ = 0) scores BAcc {:.4f}, no better than chance ({:g}): it learned "
            "nothing, so its scores cannot show removal; train the attackers longer (attackers.epochs) or check "
            "the attribute",
            attr, stat.mean, mean(prefix + "chance")));
      if (name == prefix + "mae" && at_trivial_predictor(metrics, name))
        a.warnings.push_back(fmt::format(
            "the {} attacker on MultVAE (every λ = 0) has MAE {:.4g}, no lower than always predicting the training "
            "median ({:.4g}): it learned nothing, so its scores cannot show removal; train the attackers longer "
            "(attackers.epochs) or choose another target (attributes.{}.target)",
            attr, stat.mean, mean(prefix + "mae_constant"), attr));
    }
    break;
  }
  // Without a MultVAE point there is no unprotected model to check: an attacker no better than its trivial
  // predictor on every point may show removal or an attacker that learned nothing, and the numbers cannot
  // tell which. Only when every point's model is known (names need the λs: an axis or the sweep text).
  bool all_known = true, has_multvae = false;
  for (std::size_t i = 0; i < a.points.size(); ++i) {
    const auto name = a.model_name(i);
    all_known = all_known && !name.empty();
    has_multvae = has_multvae || name == "MultVAE";
  }
  if (all_known && !has_multvae && !a.points.empty()) {
    for (const auto& [name, stat] : a.points.front().metrics) {
      const bool everywhere = std::all_of(a.points.begin(), a.points.end(),
                                          [&](const Point& p) { return at_trivial_predictor(p.metrics, name); });
      if (everywhere)
        a.warnings.push_back(fmt::format(
            "the {} attacker is no better than {} on every point, and no point has every λ = 0: its scores cannot "
            "tell removal from an attacker that learned nothing; add a MultVAE point (every λ = 0) to the grid",
            attack_attribute(name), name.ends_with(".bacc") ? "chance" : "always predicting the training median"));
    }
  }
  return a;
}

}  // namespace advx
