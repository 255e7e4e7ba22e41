// Hypervolume: hand-computed cases in 2 and 3 dimensions, and random sets against inclusion–exclusion over
// the points' boxes (exact, independent of the slicing algorithm).

#include <gtest/gtest.h>

#include <random>

#include "advx/analysis/hypervolume.h"

namespace advx {
namespace {

TEST(HypervolumeTest, HandComputed2D) {
  // Staircase (1,3) (2,2) (3,1) up to (4,4): columns of heights 1, 2, 3 → 6.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
  // One point: its box.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1}}, {3, 4}), 6.0);
  // A dominated point and a duplicate add nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}}, {4, 4}), 6.0);
  // Points on or beyond the reference add nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{4, 0}, {0, 5}}, {4, 4}), 0.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, {4, 4}), 0.0);
}

TEST(HypervolumeTest, HandComputed3D) {
  // Boxes [1,3]×[1,3]×[3,4] (4) and [2,3]×[2,3]×[1,4] (3) overlap in [2,3]×[2,3]×[3,4] (1) → 6.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 3}, {2, 2, 1}}, {3, 3, 4}), 6.0);
  // Three axis-extreme points of the unit cube's corner: (0,1,1) (1,0,1) (1,1,0) up to (2,2,2): each box is
  // 2·1·1 = 2, each pair and the triple overlap in [1,2]³: 3·2 − 3·1 + 1 = 4.
  EXPECT_DOUBLE_EQ(hypervolume({{0, 1, 1}, {1, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 4.0);
  // The ideal point alone fills the whole box.
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 0}, {1, 1, 1}}, {2, 3, 4}), 24.0);
}

/// Exact hypervolume by inclusion–exclusion over all subsets (2^n terms; n ≤ 10).
double inclusion_exclusion(const CostMatrix& pts, const std::vector<double>& ref) {
  const std::size_t n = pts.size(), m = ref.size();
  double total = 0;
  for (std::size_t mask = 1; mask < (std::size_t{1} << n); ++mask) {
    std::vector<double> corner(m, -1e300);
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (mask & (std::size_t{1} << i)) {
        ++bits;
        for (std::size_t k = 0; k < m; ++k) corner[k] = std::max(corner[k], pts[i][k]);
      }
    double vol = 1;
    for (std::size_t k = 0; k < m; ++k) vol *= std::max(0.0, ref[k] - corner[k]);
    total += (bits % 2 == 1 ? 1 : -1) * vol;
  }
  return total;
}

TEST(HypervolumeTest, RandomSetsMatchInclusionExclusion) {
  std::mt19937 rng(7);
  for (std::size_t m = 1; m <= 5; ++m) {
    for (int rep = 0; rep < 30; ++rep) {
      const std::size_t n = 1 + rep % 9;
      std::uniform_int_distribution<int> lattice(0, 5);  // coarse: ties and duplicates
      CostMatrix pts(n, std::vector<double>(m));
      for (auto& p : pts)
        for (auto& x : p) x = lattice(rng) * 0.25;
      const std::vector<double> ref(m, 1.3);  // some points lie beyond it in some objective
      CostMatrix inside;
      for (const auto& p : pts) {
        bool in = true;
        for (std::size_t k = 0; k < m; ++k) in = in && p[k] < ref[k];
        if (in) inside.push_back(p);
      }
      EXPECT_NEAR(hypervolume(pts, ref), inclusion_exclusion(inside, ref), 1e-9) << "m=" << m << " rep=" << rep;
    }
  }
}

TEST(HypervolumeTest, InvalidInput) {
  EXPECT_THROW((void)hypervolume({{1, 2}}, {3}), std::invalid_argument);
  EXPECT_THROW((void)hypervolume({{1, 2}}, {}), std::invalid_argument);
  EXPECT_THROW((void)hypervolume({{1, std::nan("")}}, {3, 3}), std::invalid_argument);
}

}  // namespace
}  // namespace advx
