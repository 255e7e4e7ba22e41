#include "advx/analysis/hypervolume.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace advx {

namespace {

/// Volume dominated by `pts` (each strictly below `ref` in the first d objectives) up to `ref`, counting
/// only the first d objectives.
double slice_volume(std::vector<const std::vector<double>*> pts, const std::vector<double>& ref, std::size_t d) {
  if (pts.empty()) return 0;
  if (d == 1) {
    double lo = ref[0];
    for (const auto* p : pts) lo = std::min(lo, (*p)[0]);
    return ref[0] - lo;
  }
  if (d == 2) {
    // Staircase sweep: by the first objective ascending, each point lower in the second than all before
    // it adds the rectangle between it and the previous step.
    std::sort(pts.begin(), pts.end(), [](const auto* a, const auto* b) {
      return (*a)[0] != (*b)[0] ? (*a)[0] < (*b)[0] : (*a)[1] < (*b)[1];
    });
    double volume = 0, ceiling = ref[1];
    for (const auto* p : pts) {
      if ((*p)[1] < ceiling) {
        volume += (ref[0] - (*p)[0]) * (ceiling - (*p)[1]);
        ceiling = (*p)[1];
      }
    }
    return volume;
  }
  // Slice along objective d−1: between consecutive values the cross-section is the (d−1)-dimensional
  // volume of the points already passed.
  const std::size_t last = d - 1;
  std::sort(pts.begin(), pts.end(), [last](const auto* a, const auto* b) { return (*a)[last] < (*b)[last]; });
  double volume = 0;
  std::vector<const std::vector<double>*> active;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    active.push_back(pts[i]);
    const double z = (*pts[i])[last];
    const double next = i + 1 < pts.size() ? (*pts[i + 1])[last] : ref[last];
    if (next > z) volume += slice_volume(active, ref, d - 1) * (next - z);
  }
  return volume;
}

}  // namespace

double hypervolume(const CostMatrix& costs, const std::vector<double>& reference) {
  const std::size_t m = reference.size();
  if (m == 0) throw std::invalid_argument("hypervolume: empty reference point");
  for (double r : reference)
    if (!std::isfinite(r)) throw std::invalid_argument("hypervolume: non-finite reference");
  std::vector<const std::vector<double>*> pts;
  for (const auto& p : costs) {
    if (p.size() != m) throw std::invalid_argument("hypervolume: point and reference differ in size");
    bool inside = true;
    for (std::size_t k = 0; k < m; ++k) {
      if (!std::isfinite(p[k])) throw std::invalid_argument("hypervolume: non-finite cost");
      inside = inside && p[k] < reference[k];
    }
    if (inside) pts.push_back(&p);
  }
  // Dominated points add no volume but multiply the work of the recursion: keep the non-dominated ones.
  std::vector<const std::vector<double>*> front;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    bool keep = true;
    for (std::size_t j = 0; j < pts.size() && keep; ++j) {
      if (j == i) continue;
      // Of equal points keep the first.
      if (dominates(*pts[j], *pts[i]) || (j < i && *pts[j] == *pts[i])) keep = false;
    }
    if (keep) front.push_back(pts[i]);
  }
  return slice_volume(std::move(front), reference, m);
}

}  // namespace advx
