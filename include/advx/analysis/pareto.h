#pragma once
// Non-dominated sorting and the knee point. Points are rows of costs, all minimised (Objective::cost turns
// maximised objectives around). a dominates b when a is no worse in every objective and strictly better in
// one; equal points therefore never dominate each other and share a front, and a point's rank is 1 + the
// length of the longest chain of points dominating it (Deb et al.'s fast non-dominated sort, O(M·N²),
// plenty for sweeps of thousands of points). Costs must be finite: the analysis drops trials with missing
// values before it sorts.

#include <cstddef>
#include <vector>

namespace advx {

using CostMatrix = std::vector<std::vector<double>>;  ///< [point][objective]

/// True when a dominates b (minimisation).
[[nodiscard]] bool dominates(const std::vector<double>& a, const std::vector<double>& b);

struct ParetoSort {
  std::vector<int> rank;                          ///< per point, 1 = first (non-dominated) front
  std::vector<std::vector<std::size_t>> fronts;   ///< fronts[r − 1] = points of rank r, ascending index
};

/// Sorts every point into fronts. Throws std::invalid_argument on ragged rows or non-finite costs.
[[nodiscard]] ParetoSort non_dominated_sort(const CostMatrix& costs);

/// The knee of a front: each objective's cost is scaled to [0, 1] over the front (0 = the front's best,
/// 1 = its worst; an objective constant on the front scales to 0), and the knee is the point closest to the
/// ideal (0, …, 0) in Euclidean distance — the most balanced compromise, defined in any dimension and
/// unaffected by units. Ties go to the earlier point in `front`. Returns an index into `front`'s points
/// (i.e. a value of `front`); `front` must not be empty.
[[nodiscard]] std::size_t knee_point(const CostMatrix& costs, const std::vector<std::size_t>& front);

}  // namespace advx
