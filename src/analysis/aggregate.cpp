#include "advx/analysis/aggregate.h"

#include <cmath>
#include <limits>
#include <map>

#include "advx/store/result_store.h"

namespace advx {

Stat summarize(const std::vector<double>& values) {
  Stat s;
  double sum = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++s.n;
    }
  if (s.n == 0) {
    s.mean = s.std = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.mean = sum / static_cast<double>(s.n);
  if (s.n < 2) {
    s.std = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  double ss = 0;
  for (double v : values)
    if (std::isfinite(v)) ss += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(ss / static_cast<double>(s.n - 1));
  return s;
}

bool is_replicate_key(const std::string& grid_key) {
  if (grid_key == "split.fold" || grid_key == "seed" || grid_key == "replicate") return true;
  const auto dot = grid_key.rfind('.');
  return dot != std::string::npos && grid_key.substr(dot + 1) == "seed";
}

std::vector<RowGroup> group_rows(const ResultStore& store, const std::vector<std::size_t>& rows,
                                 const std::vector<std::string>& keys) {
  std::vector<RowGroup> groups;
  std::map<std::vector<std::string>, std::size_t> index;
  for (auto r : rows) {
    std::vector<std::string> values;
    values.reserve(keys.size());
    for (const auto& k : keys) values.push_back(store.has_column(k) ? store.column(k).text(r) : "");
    auto [it, inserted] = index.emplace(values, groups.size());
    if (inserted) groups.push_back(RowGroup{std::move(values), {}});
    groups[it->second].rows.push_back(r);
  }
  return groups;
}

}  // namespace advx
