// Non-dominated sorting against a brute-force definition on random point sets with ties and duplicates,
// and the knee point on fronts whose knee is known.

#include <gtest/gtest.h>

#include <random>

#include "advx/analysis/pareto.h"

namespace advx {
namespace {

/// Random points on a coarse integer lattice, so that ties in single objectives and exact duplicates are
/// frequent; some points are copied verbatim.
CostMatrix random_points(std::mt19937& rng, std::size_t n, std::size_t m, int levels) {
  std::uniform_int_distribution<int> value(0, levels - 1);
  CostMatrix pts;
  for (std::size_t i = 0; i < n; ++i) {
    if (!pts.empty() && value(rng) == 0) {
      pts.push_back(pts[std::uniform_int_distribution<std::size_t>(0, pts.size() - 1)(rng)]);
      continue;
    }
    std::vector<double> p(m);
    for (auto& x : p) x = value(rng) * 0.5 - 1.0;
    pts.push_back(p);
  }
  return pts;
}

/// Brute force: a dominates b iff a ≤ b everywhere and a < b somewhere, written out independently.
bool brute_dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool all_le = true, any_lt = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    all_le = all_le && a[k] <= b[k];
    any_lt = any_lt || a[k] < b[k];
  }
  return all_le && any_lt;
}

/// Brute-force ranks by peeling: rank r = points not dominated by any point still unranked.
std::vector<int> brute_ranks(const CostMatrix& pts) {
  std::vector<int> rank(pts.size(), 0);
  for (int r = 1;; ++r) {
    std::vector<std::size_t> layer;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      if (rank[i] != 0) continue;
      bool dominated = false;
      for (std::size_t j = 0; j < pts.size() && !dominated; ++j)
        dominated = rank[j] == 0 && j != i && brute_dominates(pts[j], pts[i]);
      if (!dominated) layer.push_back(i);
    }
    if (layer.empty()) break;
    for (auto i : layer) rank[i] = r;
  }
  return rank;
}

TEST(ParetoTest, DominanceBasics) {
  EXPECT_TRUE(dominates({1, 2}, {1, 3}));
  EXPECT_FALSE(dominates({1, 3}, {1, 2}));
  EXPECT_FALSE(dominates({1, 2}, {1, 2})) << "equal points do not dominate each other";
  EXPECT_FALSE(dominates({1, 3}, {2, 2})) << "incomparable";
}

class RandomSets : public ::testing::TestWithParam<std::tuple<std::size_t, std::size_t, int>> {};

TEST_P(RandomSets, RanksMatchBruteForce) {
  const auto [n, m, levels] = GetParam();
  std::mt19937 rng(static_cast<unsigned>(1000 * n + 10 * m + levels));
  for (int rep = 0; rep < 20; ++rep) {
    const auto pts = random_points(rng, n, m, levels);
    const auto sorted = non_dominated_sort(pts);
    ASSERT_EQ(sorted.rank, brute_ranks(pts)) << "n=" << n << " m=" << m << " rep=" << rep;
    // Fronts partition the points, each front is mutually non-dominated, and every point of front r > 1
    // is dominated by some point of front r − 1.
    std::size_t total = 0;
    for (std::size_t f = 0; f < sorted.fronts.size(); ++f) {
      total += sorted.fronts[f].size();
      for (auto i : sorted.fronts[f]) {
        EXPECT_EQ(sorted.rank[i], static_cast<int>(f + 1));
        for (auto j : sorted.fronts[f]) EXPECT_FALSE(dominates(pts[i], pts[j]));
        if (f == 0) continue;
        bool covered = false;
        for (auto j : sorted.fronts[f - 1]) covered = covered || dominates(pts[j], pts[i]);
        EXPECT_TRUE(covered);
      }
    }
    EXPECT_EQ(total, pts.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Pareto, RandomSets,
                         ::testing::Values(std::make_tuple(1, 2, 3), std::make_tuple(12, 1, 4), std::make_tuple(30, 2, 3),
                                           std::make_tuple(40, 2, 10), std::make_tuple(50, 3, 4),
                                           std::make_tuple(60, 4, 3), std::make_tuple(80, 5, 6)));

TEST(ParetoTest, DuplicatesShareTheirFront) {
  const CostMatrix pts{{1, 1}, {1, 1}, {2, 2}, {2, 2}, {0, 3}};
  const auto s = non_dominated_sort(pts);
  EXPECT_EQ(s.rank, (std::vector<int>{1, 1, 2, 2, 1}));
  ASSERT_EQ(s.fronts.size(), 2u);
  EXPECT_EQ(s.fronts[0], (std::vector<std::size_t>{0, 1, 4}));
}

TEST(ParetoTest, EmptyAndInvalidInput) {
  EXPECT_TRUE(non_dominated_sort({}).fronts.empty());
  EXPECT_THROW((void)non_dominated_sort({{1, 2}, {1}}), std::invalid_argument);
  EXPECT_THROW((void)non_dominated_sort({{1, std::nan("")}}), std::invalid_argument);
}

TEST(KneeTest, ClosestToIdealAfterScaling) {
  // A convex 2-D front: (0,10) (1,3) (3,1) (10,0); scaled by 10 in both, (1,3) and (3,1) tie at
  // distance √0.1 → the earlier one wins.
  const CostMatrix pts{{0, 10}, {1, 3}, {3, 1}, {10, 0}};
  EXPECT_EQ(knee_point(pts, {0, 1, 2, 3}), 1u);
  EXPECT_EQ(knee_point(pts, {0, 2, 3, 1}), 2u) << "ties go to the earlier point in the given order";
  // Units do not matter: stretching one objective keeps the knee.
  const CostMatrix stretched{{0, 1000}, {1, 200}, {3, 100}, {10, 0}};
  EXPECT_EQ(knee_point(stretched, {0, 1, 2, 3}), 1u);
  // A single point is its own knee; a constant objective does not count.
  EXPECT_EQ(knee_point(pts, {2}), 2u);
  const CostMatrix flat{{0, 5, 4}, {4, 5, 0}, {1, 5, 1}};
  EXPECT_EQ(knee_point(flat, {0, 1, 2}), 2u);
}

}  // namespace
}  // namespace advx
