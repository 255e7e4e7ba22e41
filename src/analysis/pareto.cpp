#include "advx/analysis/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace advx {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strictly = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) strictly = true;
  }
  return strictly;
}

ParetoSort non_dominated_sort(const CostMatrix& costs) {
  const std::size_t n = costs.size();
  for (const auto& row : costs) {
    if (row.size() != costs.front().size()) throw std::invalid_argument("non_dominated_sort: rows of different sizes");
    for (double v : row)
      if (!std::isfinite(v)) throw std::invalid_argument("non_dominated_sort: non-finite cost");
  }
  // Deb's bookkeeping: who each point dominates, and by how many it is dominated.
  std::vector<std::vector<std::size_t>> dominated(n);
  std::vector<std::size_t> dominators(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(costs[i], costs[j])) {
        dominated[i].push_back(j);
        ++dominators[j];
      } else if (dominates(costs[j], costs[i])) {
        dominated[j].push_back(i);
        ++dominators[i];
      }
    }
  }
  ParetoSort out;
  out.rank.assign(n, 0);
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i)
    if (dominators[i] == 0) current.push_back(i);
  int rank = 1;
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (auto i : current) {
      out.rank[i] = rank;
      for (auto j : dominated[i])
        if (--dominators[j] == 0) next.push_back(j);
    }
    std::sort(next.begin(), next.end());
    out.fronts.push_back(std::move(current));
    current = std::move(next);
    ++rank;
  }
  return out;
}

std::size_t knee_point(const CostMatrix& costs, const std::vector<std::size_t>& front) {
  if (front.empty()) throw std::invalid_argument("knee_point: empty front");
  const std::size_t m = costs[front.front()].size();
  std::vector<double> lo(m, std::numeric_limits<double>::infinity()), hi(m, -std::numeric_limits<double>::infinity());
  for (auto i : front)
    for (std::size_t k = 0; k < m; ++k) {
      lo[k] = std::min(lo[k], costs[i][k]);
      hi[k] = std::max(hi[k], costs[i][k]);
    }
  std::size_t best = front.front();
  double best_d = std::numeric_limits<double>::infinity();
  for (auto i : front) {
    double d = 0;
    for (std::size_t k = 0; k < m; ++k) {
      const double span = hi[k] - lo[k];
      const double x = span > 0 ? (costs[i][k] - lo[k]) / span : 0.0;
      d += x * x;
    }
    if (d < best_d) {  // strict: of equally close points the first (the front is in plan order)
      best_d = d;
      best = i;
    }
  }
  return best;
}

}  // namespace advx
