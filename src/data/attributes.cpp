#include "advx/data/attributes.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "text_file.h"

namespace advx {

NumberText read_number(std::string_view text) {
  text = detail::trim(text);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || end != text.data() + text.size()) return {};
  if (ec == std::errc::result_out_of_range) {
    // from_chars says so for 1e400 and for 1e-400 alike; strtod tells them apart (±HUGE_VAL on overflow).
    const double d = std::strtod(std::string(text).c_str(), nullptr);
    if (std::isinf(d)) return {.kind = NumberText::Kind::kOutOfRange};
    return {.kind = NumberText::Kind::kFinite, .value = d};
  }
  if (ec != std::errc() || !std::isfinite(v)) return {};
  return {.kind = NumberText::Kind::kFinite, .value = v};
}

AttributeColumn AttributeColumn::categorical(std::string name, const std::vector<std::string>& raw) {
  AttributeColumn col;
  col.name_ = std::move(name);
  col.kind_ = AttributeKind::kCategorical;
  for (const auto& s : raw)
    if (!s.empty()) col.labels_.push_back(s);
  std::sort(col.labels_.begin(), col.labels_.end());
  col.labels_.erase(std::unique(col.labels_.begin(), col.labels_.end()), col.labels_.end());
  col.codes_.reserve(raw.size());
  for (const auto& s : raw) col.codes_.push_back(s.empty() ? -1 : col.code_of(s));
  return col;
}

AttributeColumn AttributeColumn::continuous(std::string name, std::vector<float> values) {
  AttributeColumn col;
  col.name_ = std::move(name);
  col.kind_ = AttributeKind::kContinuous;
  col.values_ = std::move(values);
  return col;
}

std::size_t AttributeColumn::size() const { return is_categorical() ? codes_.size() : values_.size(); }

std::int32_t AttributeColumn::code_of(const std::string& label) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), label);
  if (it == labels_.end() || *it != label) return -1;
  return static_cast<std::int32_t>(it - labels_.begin());
}

std::size_t AttributeColumn::missing() const {
  if (is_categorical()) return static_cast<std::size_t>(std::count(codes_.begin(), codes_.end(), -1));
  return static_cast<std::size_t>(std::count_if(values_.begin(), values_.end(), [](float v) { return std::isnan(v); }));
}

AttributeColumn AttributeColumn::select(std::span<const std::int32_t> rows) const {
  AttributeColumn out;
  out.name_ = name_;
  out.kind_ = kind_;
  out.labels_ = labels_;
  if (is_categorical()) {
    out.codes_.reserve(rows.size());
    for (auto r : rows) out.codes_.push_back(codes_.at(static_cast<std::size_t>(r)));
  } else {
    out.values_.reserve(rows.size());
    for (auto r : rows) out.values_.push_back(values_.at(static_cast<std::size_t>(r)));
  }
  return out;
}

void AttributeTable::add(AttributeColumn column) {
  if (has(column.name())) throw std::invalid_argument(fmt::format("attribute '{}' added twice", column.name()));
  if (!columns_.empty() && column.size() != columns_.front().size())
    throw std::invalid_argument(fmt::format("attribute '{}' has {} rows, expected {}", column.name(),
                                            column.size(), columns_.front().size()));
  columns_.push_back(std::move(column));
}

bool AttributeTable::has(const std::string& name) const {
  return std::any_of(columns_.begin(), columns_.end(), [&](const auto& c) { return c.name() == name; });
}

const AttributeColumn& AttributeTable::get(const std::string& name) const {
  for (const auto& c : columns_)
    if (c.name() == name) return c;
  std::vector<std::string> names;
  for (const auto& c : columns_) names.push_back(c.name());
  throw InputError(fmt::format("no user attribute named '{}' (the data has: {})", name, fmt::join(names, ", ")));
}

AttributeTable AttributeTable::select(std::span<const std::int32_t> rows) const {
  AttributeTable out;
  for (const auto& c : columns_) out.add(c.select(rows));
  return out;
}

}  // namespace advx
