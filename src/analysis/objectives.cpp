#include "advx/analysis/objectives.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/store/result_store.h"

namespace advx {

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

/// Metric names of a checkpoint's numeric columns ("test.ndcg@10", …), for error messages.
std::string metric_list(const ResultStore& store, const std::string& checkpoint) {
  std::vector<std::string> names;
  const auto prefix = checkpoint + ".";
  for (const auto& c : store.column_names())
    if (c.rfind(prefix, 0) == 0 && store.column(c).kind == Column::Kind::kFloat) names.push_back(c.substr(prefix.size()));
  if (names.empty()) return "none";
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::string Objective::spec() const {
  switch (sense) {
    case Sense::kMax: return metric + ":max";
    case Sense::kMin: return metric + ":min";
    // As given: a stored spec reused on another file takes that file's levels, not this one's.
    case Sense::kChance: return chance_given ? fmt::format("{}:chance={}", metric, chance) : metric + ":chance";
  }
  return metric;
}

std::string Objective::label() const {
  switch (sense) {
    case Sense::kMax: return metric + " ↑";
    case Sense::kMin: return metric + " ↓";
    case Sense::kChance:
      if (chance_varies) return fmt::format("|{}−chance| ↓", metric);  // each trial's own level
      return fmt::format("|{}−{:.4g}| ↓", metric, chance);              // 1/21, not 0.047619047619047616
  }
  return metric;
}

double Objective::value(double metric_value) const {
  return sense == Sense::kChance ? std::fabs(metric_value - chance) : metric_value;
}

double Objective::value(double metric_value, double trial_chance) const {
  return sense == Sense::kChance && std::isfinite(trial_chance) ? std::fabs(metric_value - trial_chance) : value(metric_value);
}

std::vector<Objective> parse_objectives(std::string_view spec, std::string_view source) {
  std::vector<Objective> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const auto comma = std::min(spec.find(',', pos), spec.size());
    const auto entry = trim(spec.substr(pos, comma - pos));
    pos = comma + 1;
    if (entry.empty()) throw InputError(fmt::format("{}: empty objective in '{}'", source, spec));
    Objective o;
    const auto colon = entry.find(':');
    o.metric = trim(entry.substr(0, colon));
    if (o.metric.empty()) throw InputError(fmt::format("{}: objective '{}' names no metric", source, entry));
    if (o.metric.rfind("best.", 0) == 0 || o.metric.rfind("last.", 0) == 0)
      throw InputError(fmt::format("{}: objective '{}': name the metric without its checkpoint ('{}'); "
                                   "--checkpoint chooses it",
                                   source, entry, o.metric.substr(5)));
    // No default sense: "max" would maximise an attacker's accuracy or a loss without a word.
    if (colon == std::string::npos)
      throw InputError(fmt::format("{}: objective '{}' has no sense; write {}:max, {}:min or {}:chance", source, entry,
                                   o.metric, o.metric, o.metric));
    const auto sense = trim(entry.substr(colon + 1));
    // A continuous attribute's attacker has no chance level: removal raises its MAE toward the constant
    // predictor's, which is what max asks for.
    if (sense.rfind("chance", 0) == 0 && o.metric.ends_with(".mae"))
      throw InputError(fmt::format("{}: objective '{}': a MAE has no chance level; use {}:max (removal raises it)",
                                   source, entry, o.metric));
    if (sense == "max") {
      o.sense = Sense::kMax;
    } else if (sense == "min") {
      o.sense = Sense::kMin;
    } else if (sense == "chance") {
      // Only the attackers' balanced accuracies have stored levels; 0.5 for anything else would be a guess.
      if (!o.metric.ends_with(".bacc"))
        throw InputError(fmt::format("{}: objective '{}': only a balanced accuracy (attack.<attr>.bacc) has a stored "
                                     "chance level; give one with {}:chance=C, or use max or min",
                                     source, entry, o.metric));
      o.sense = Sense::kChance;
      o.chance_from_file = true;
    } else if (sense.rfind("chance=", 0) == 0) {
      o.sense = Sense::kChance;
      const auto text = sense.substr(7);
      std::size_t used = 0;
      double c = NAN;
      try {
        c = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || text.empty() || !std::isfinite(c))
        throw InputError(fmt::format("{}: objective '{}': chance level '{}' is not a number", source, entry, text));
      // A balanced accuracy lies in 0..1; a level outside makes every trial "far from chance" alike.
      if (o.metric.ends_with(".bacc") && (c < 0.0 || c > 1.0))
        throw InputError(fmt::format("{}: objective '{}': chance level {:g} is outside 0..1, the range of a balanced "
                                     "accuracy",
                                     source, entry, c));
      o.chance = c;
      o.chance_given = true;
    } else {
      throw InputError(
          fmt::format("{}: objective '{}': unknown sense '{}' (expected max, min, chance or chance=C)", source, entry, sense));
    }
    for (const auto& prev : out)
      if (prev.metric == o.metric) throw InputError(fmt::format("{}: objective '{}' given twice", source, o.metric));
    out.push_back(std::move(o));
  }
  return out;
}

void resolve_chance_levels(const ResultStore& store, const std::string& checkpoint, std::vector<Objective>& objectives) {
  for (auto& o : objectives) {
    if (o.sense != Sense::kChance || !o.chance_from_file) continue;
    o.chance_from_file = false;
    o.chance = 0.5;  // files without the column (earlier advx builds): binary attributes
    if (!o.metric.ends_with(".bacc")) continue;
    const auto column = checkpoint + "." + o.metric.substr(0, o.metric.size() - 5) + ".chance";
    if (!store.has_column(column)) continue;
    o.chance_column = column;
    bool first = true;
    for (double v : store.column(column).f) {
      if (!std::isfinite(v)) continue;
      if (first) o.chance = v;
      o.chance_varies = o.chance_varies || v != o.chance;
      first = false;
    }
  }
}

int default_ranking_k(const ResultStore& store, const std::string& checkpoint) {
  const auto prefix = checkpoint + ".test.ndcg@";
  if (store.has_column(prefix + "10")) return 10;
  int smallest = 0;
  for (const auto& c : store.column_names()) {
    if (c.rfind(prefix, 0) != 0) continue;
    const auto digits = c.substr(prefix.size());
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const int k = std::stoi(digits);
    if (k > 0 && (smallest == 0 || k < smallest)) smallest = k;
  }
  return smallest;
}

std::vector<Objective> default_objectives(const ResultStore& store, const std::string& checkpoint) {
  const auto prefix = checkpoint + ".";
  const int k = default_ranking_k(store, checkpoint);
  if (k == 0)
    throw InputError(fmt::format("{}: no column '{}test.ndcg@K' in /trials for the default objectives (metrics of "
                                 "checkpoint {}: {}); name the objectives with --objectives",
                                 store.path().string(), prefix, checkpoint, metric_list(store, checkpoint)));
  std::vector<Objective> out{{.metric = fmt::format("test.ndcg@{}", k), .sense = Sense::kMax}}, continuous;
  const auto attack = prefix + "attack.";
  // By name, not in the file's column order (the order trials first reported them): --reference gives one
  // value per objective by position, so the objectives' order must not depend on which trial came first.
  auto columns = store.column_names();
  std::sort(columns.begin(), columns.end());
  for (const auto& c : columns) {
    if (c.rfind(attack, 0) != 0) continue;
    const auto metric = c.substr(prefix.size());
    const auto ends_with = [&](std::string_view suffix) {
      return metric.size() > suffix.size() && metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".bacc")) {
      // resolve_chance_levels reads the stored levels.
      out.push_back({.metric = metric, .sense = Sense::kChance, .chance_from_file = true});
    }
    else if (ends_with(".mae")) continuous.push_back({.metric = metric, .sense = Sense::kMax});
  }
  out.insert(out.end(), continuous.begin(), continuous.end());
  return out;
}

void check_objectives(const ResultStore& store, const std::string& checkpoint, const std::vector<Objective>& objectives) {
  for (const auto& o : objectives) {
    const auto column = checkpoint + "." + o.metric;
    if (!store.has_column(column))
      throw InputError(fmt::format("{}: objective '{}': no column '{}' in /trials (metrics of checkpoint {}: {})",
                                   store.path().string(), o.metric, column, checkpoint, metric_list(store, checkpoint)));
    if (store.column(column).kind == Column::Kind::kString)
      throw InputError(fmt::format("{}: objective '{}': column '{}' holds text, not numbers", store.path().string(),
                                   o.metric, column));
  }
}

}  // namespace advx
