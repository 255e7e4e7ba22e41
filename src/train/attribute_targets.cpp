#include "advx/train/attribute_targets.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "advx/common/error.h"

namespace advx {

HeadTargets AttributeTargets::of_rows(std::span<const std::int32_t> rows) const {
  HeadTargets t;
  if (categorical) {
    t.labels.reserve(rows.size());
    for (auto r : rows) t.labels.push_back(column->codes()[static_cast<std::size_t>(r)]);
  } else {
    t.values.reserve(rows.size());
    for (auto r : rows) {
      const float v = column->values()[static_cast<std::size_t>(r)];
      t.values.push_back(std::isnan(v) ? v : scaler.forward(v));
    }
  }
  return t;
}

std::vector<float> AttributeTargets::raw_values(std::span<const std::int32_t> rows) const {
  std::vector<float> out;
  out.reserve(rows.size());
  for (auto r : rows) out.push_back(column->values()[static_cast<std::size_t>(r)]);
  return out;
}

AttributeTargets make_attribute_targets(const AttributeSpec& spec, const Dataset& data,
                                        std::span<const std::int32_t> train_rows) {
  AttributeTargets t;
  t.name = spec.name;
  t.categorical = spec.categorical;
  if (!data.attributes.has(spec.name)) {
    std::vector<std::string> names;
    for (const auto& c : data.attributes.columns()) names.push_back(c.name());
    throw InputError(fmt::format("attributes.{}: the data ({}) has no such user attribute (it has: {})", spec.name,
                                 data.source, fmt::join(names, ", ")));
  }
  t.column = &data.attributes.get(spec.name);
  if (spec.categorical) {
    // Numbers that name classes (region codes 1–4 in a CSV, read as a numeric column): declared
    // categorical, each distinct number is a class, labelled as written ("1", "2.5"), so class weights
    // name them that way.
    if (!t.column->is_categorical()) {
      std::vector<std::string> labels;
      labels.reserve(t.column->values().size());
      for (const float v : t.column->values()) labels.push_back(std::isnan(v) ? "" : fmt::format("{}", v));
      t.owned_column = std::make_shared<const AttributeColumn>(AttributeColumn::categorical(spec.name, labels));
      t.column = t.owned_column.get();
    }
    t.classes = static_cast<std::int32_t>(t.column->labels().size());
    if (t.classes < 2)
      throw InputError(fmt::format("attributes.{}: needs at least 2 classes, the data has {}", spec.name, t.classes));
    if (!spec.class_weights.empty()) {
      for (const auto& [label, w] : spec.class_weights)
        if (t.column->code_of(label) < 0)
          throw InputError(fmt::format("attributes.{}.class_weights.{}: the data has no such label (labels: {})",
                                       spec.name, label, fmt::join(t.column->labels(), ", ")));
      for (const auto& label : t.column->labels()) {
        auto it = spec.class_weights.find(label);
        if (it == spec.class_weights.end())
          throw InputError(fmt::format("attributes.{}.class_weights: no weight for label '{}' (labels: {})", spec.name,
                                       label, fmt::join(t.column->labels(), ", ")));
        t.class_weights.push_back(static_cast<float>(it->second));
      }
    }
  } else {
    if (t.column->is_categorical()) {
      // Name the labels that are not numbers: one "NA" or typo makes a whole CSV column categorical.
      std::vector<std::string> words;
      for (const auto& label : t.column->labels()) {
        if (!read_number(label).finite() && words.size() < 3) words.push_back("'" + label + "'");
      }
      throw InputError(fmt::format("attributes.{}.type: declared continuous, but the data's column is categorical{}",
                                   spec.name,
                                   words.empty() ? ""
                                                 : fmt::format(" (it holds {}: leave missing values empty)",
                                                               fmt::join(words, ", "))));
    }
    t.classes = 1;
    std::vector<double> v;
    for (auto r : train_rows) {
      const float x = t.column->values()[static_cast<std::size_t>(r)];
      if (!std::isnan(x)) v.push_back(x);
    }
    if (v.empty()) throw InputError(fmt::format("attributes.{}: no training user has a value", spec.name));
    if (spec.target == TargetTransform::kZScore) {
      double mean = 0, var = 0;
      for (auto x : v) mean += x;
      mean /= static_cast<double>(v.size());
      for (auto x : v) var += (x - mean) * (x - mean);
      const double sd = std::sqrt(var / static_cast<double>(std::max<std::size_t>(1, v.size() - 1)));
      t.scaler = {mean, sd > 0 ? sd : 1.0};
    } else if (spec.target == TargetTransform::kMinMax) {
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      t.scaler = {*lo, *hi > *lo ? *hi - *lo : 1.0};
    }
  }
  return t;
}

}  // namespace advx
