#pragma once
// Hypervolume of a point set in any number of objectives (minimisation): the measure of the region that the
// points dominate and that dominates the reference point. Points not strictly better than the reference in
// every objective add nothing. Computed exactly by slicing along the last objective and recursing (HSO; the
// 2-D base case is a sweep), O(N^(M−1) log N): instant for the fronts of a sweep; pass the first front,
// dominated points only cost time.
//
// The analysis (analysis.h) picks the reference point unless the user gives one: per objective, the worst
// value over all analysed points moved 10 % of the objective's spread further out, so every point counts.

#include <vector>

#include "advx/analysis/pareto.h"

namespace advx {

/// Throws std::invalid_argument when a point's size differs from the reference's or a value is not finite.
[[nodiscard]] double hypervolume(const CostMatrix& costs, const std::vector<double>& reference);

}  // namespace advx
