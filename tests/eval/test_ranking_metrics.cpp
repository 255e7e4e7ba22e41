#include "advx/eval/ranking_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "advx/common/rng.h"

namespace advx {
namespace {

constexpr double kTol = 1e-12;
constexpr float kInf = std::numeric_limits<float>::infinity();

CsrMatrix csr(std::int32_t cols, const std::vector<std::vector<std::int32_t>>& rows) {
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (auto c : rows[r]) pairs.emplace_back(static_cast<std::int32_t>(r), c);
  return CsrMatrix::from_pairs(static_cast<std::int32_t>(rows.size()), cols, std::move(pairs));
}

// 1 / log2(r + 1): the discount of 1-based rank r.
double disc(int rank) { return 1.0 / std::log2(static_cast<double>(rank) + 1.0); }

// Three users, six items, no fold-in items; k = 3 and k = 5.
//   user 0: scores 0.9 0.8 0.7 0.6 0.5 0.4 -> ranking 0 1 2 3 4 5;  T = {1}        (|T| = 1 < k)
//   user 1: scores 0.1 0.2 0.3 0.4 0.5 0.6 -> ranking 5 4 3 2 1 0;  T = {0,3,4,5}  (|T| = 4 > 3, < 5)
//   user 2: scores 0.5 0.1 0.9 0.3 0.7 0.2 -> ranking 2 4 0 3 5 1;  T = {1,3}
TEST(RankingAccumulator, HandComputedNdcgRecallRecallMin) {
  const std::vector<float> scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f,  //
                                     0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f,  //
                                     0.5f, 0.1f, 0.9f, 0.3f, 0.7f, 0.2f};
  const auto heldout = csr(6, {{1}, {0, 3, 4, 5}, {1, 3}});
  const auto foldin = csr(6, {{}, {}, {}});
  RankingAccumulator acc({3, 5}, 6);
  acc.add(scores, 3, heldout, foldin, 0);
  ASSERT_EQ(acc.users(), 3);

  // k = 3
  //   user 0: top3 = 0 1 2, hit at rank 2: DCG = 1/log2(3); IDCG over min(3,1)=1 rank = 1.
  //           recall = 1/1, recall_min = 1/min(3,1) = 1.
  //   user 1: top3 = 5 4 3, hits at ranks 1,2,3: DCG = IDCG (over min(3,4)=3 ranks) -> NDCG 1.
  //           recall = 3/4, recall_min = 3/3 = 1.
  //   user 2: top3 = 2 4 0, no hit -> 0, 0, 0.
  const auto& u3 = acc.per_user(0);
  EXPECT_NEAR(u3.ndcg[0], disc(2), kTol);
  EXPECT_NEAR(u3.ndcg[1], 1.0, kTol);
  EXPECT_NEAR(u3.ndcg[2], 0.0, kTol);
  EXPECT_NEAR(u3.recall[1], 0.75, kTol);
  EXPECT_NEAR(u3.recall_min[1], 1.0, kTol);

  // k = 5
  //   user 0: unchanged: NDCG 1/log2(3), recall 1, recall_min 1.
  //   user 1: top5 = 5 4 3 2 1, hits at ranks 1,2,3: DCG = 1 + 1/log2(3) + 1/log2(4);
  //           IDCG over min(5,4)=4 ranks = DCG + 1/log2(5). recall = 3/4, recall_min = 3/min(5,4) = 3/4.
  //   user 2: top5 = 2 4 0 3 5, hit at rank 4: DCG = 1/log2(5); IDCG over min(5,2)=2 = 1 + 1/log2(3).
  //           recall = 1/2, recall_min = 1/min(5,2) = 1/2.
  const double dcg_u1 = disc(1) + disc(2) + disc(3);
  const double ndcg5_u1 = dcg_u1 / (dcg_u1 + disc(4));
  const double ndcg5_u2 = disc(4) / (disc(1) + disc(2));
  const auto& u5 = acc.per_user(1);
  EXPECT_NEAR(u5.ndcg[0], disc(2), kTol);
  EXPECT_NEAR(u5.ndcg[1], ndcg5_u1, kTol);  // ≈ 0.83188
  EXPECT_NEAR(u5.ndcg[2], ndcg5_u2, kTol);  // ≈ 0.26407
  EXPECT_NEAR(u5.recall_min[1], 0.75, kTol);
  EXPECT_NEAR(u5.recall[2], 0.5, kTol);
  EXPECT_NEAR(u5.recall_min[2], 0.5, kTol);

  const auto res = acc.result();
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0].k, 3);
  EXPECT_NEAR(res[0].ndcg, (disc(2) + 1.0 + 0.0) / 3.0, kTol);
  EXPECT_NEAR(res[0].recall, (1.0 + 0.75 + 0.0) / 3.0, kTol);
  EXPECT_NEAR(res[0].recall_min, (1.0 + 1.0 + 0.0) / 3.0, kTol);
  EXPECT_EQ(res[1].k, 5);
  EXPECT_NEAR(res[1].ndcg, (disc(2) + ndcg5_u1 + ndcg5_u2) / 3.0, kTol);
  EXPECT_NEAR(res[1].recall, (1.0 + 0.75 + 0.5) / 3.0, kTol);
  EXPECT_NEAR(res[1].recall_min, (1.0 + 0.75 + 0.5) / 3.0, kTol);
  EXPECT_EQ(acc.user_rows(), (std::vector<std::int32_t>{0, 1, 2}));
}

// Ties: equal scores rank the lower item index first.
//   scores 0.2 0.7 0.7 0.1 0.7 -> items 1, 2, 4 tie at 0.7 -> ranking 1 2 4 0 3.
TEST(RankingAccumulator, TiesGoToLowerItemIndex) {
  const std::vector<float> scores = {0.2f, 0.7f, 0.7f, 0.1f, 0.7f};
  EXPECT_EQ(top_k_items(scores, {}, 5), (std::vector<std::int32_t>{1, 2, 4, 0, 3}));
  EXPECT_EQ(top_k_items(scores, {}, 2), (std::vector<std::int32_t>{1, 2}));
  const std::vector<float> flat(6, 0.5f);
  EXPECT_EQ(top_k_items(flat, {}, 3), (std::vector<std::int32_t>{0, 1, 2}));

  // Through the accumulator, T = {4}: k = 2 -> top 1 2, no hit; k = 3 -> top 1 2 4, hit at rank 3,
  // NDCG = (1/log2 4) / 1 = 0.5.
  RankingAccumulator acc({2, 3}, 5);
  acc.add(scores, 1, csr(5, {{4}}), csr(5, {{}}), 0);
  const auto res = acc.result();
  EXPECT_NEAR(res[0].ndcg, 0.0, kTol);
  EXPECT_NEAR(res[1].ndcg, 0.5, kTol);
  EXPECT_NEAR(res[1].recall, 1.0, kTol);
}

// Mask modes. Five items, fold-in {0, 1}, held-out T = {4}.
//   raw scores:  item0 -1.0 (fold-in), item1 2.0 (fold-in), item2 0.5, item3 -0.5, item4 -0.2
//   -inf mode:   candidates 2 (0.5), 4 (-0.2), 3 (-0.5); masked after -> ranking 2 4 3 0 1
//                k=2: top 2 4, hit at rank 2 -> NDCG 1/log2(3); k=4: same single hit -> 1/log2(3)
//   zero mode:   scores become 0, 0, 0.5, -0.5, -0.2 -> ranking 2 0 1 4 3
//                k=2: top 2 0, no hit -> NDCG 0; k=4: hit at rank 4 -> NDCG 1/log2(5)
//   The negative fold-in item rises to 0 and the positive one falls to 0; both outrank item 4.
TEST(RankingAccumulator, MaskModesDiffer) {
  const std::vector<float> scores = {-1.0f, 2.0f, 0.5f, -0.5f, -0.2f};
  const auto heldout = csr(5, {{4}});
  const auto foldin = csr(5, {{0, 1}});
  const std::vector<std::int32_t> masked = {0, 1};
  EXPECT_EQ(top_k_items(scores, masked, 5, FoldInMask::kNegInfinity), (std::vector<std::int32_t>{2, 4, 3, 0, 1}));
  EXPECT_EQ(top_k_items(scores, masked, 5, FoldInMask::kReferenceZero), (std::vector<std::int32_t>{2, 0, 1, 4, 3}));

  RankingAccumulator neg({2, 4}, 5, FoldInMask::kNegInfinity);
  RankingAccumulator zero({2, 4}, 5, FoldInMask::kReferenceZero);
  neg.add(scores, 1, heldout, foldin, 0);
  zero.add(scores, 1, heldout, foldin, 0);
  const auto rn = neg.result();
  const auto rz = zero.result();
  EXPECT_NEAR(rn[0].ndcg, disc(2), kTol);
  EXPECT_NEAR(rn[1].ndcg, disc(2), kTol);
  EXPECT_NEAR(rz[0].ndcg, 0.0, kTol);
  EXPECT_NEAR(rz[1].ndcg, disc(4), kTol);
  EXPECT_NEAR(rn[0].recall, 1.0, kTol);
  EXPECT_NEAR(rz[0].recall, 0.0, kTol);
  // Coverage with one user = k/I: -inf top2 {2,4}, zero top2 {2,0}: both 2/5; top4 4/5 each.
  EXPECT_NEAR(rn[0].coverage, 0.4, kTol);
  EXPECT_NEAR(rz[1].coverage, 0.8, kTol);
  // The caller's scores are untouched.
  EXPECT_EQ(scores, (std::vector<float>{-1.0f, 2.0f, 0.5f, -0.5f, -0.2f}));
}

// With -inf masking a masked item enters the top-k only when fewer than k unmasked items exist, and
// it never outranks an unmasked item, even one scored -inf.
TEST(RankingAccumulator, NegInfinityMaskedItemsOnlyFillShortLists) {
  // Four items, fold-in {0, 1, 2}: one unmasked item (3), so top-3 = 3, then masked 0, 1 by index.
  const std::vector<float> s1 = {5.0f, 4.0f, 3.0f, 1.0f};
  EXPECT_EQ(top_k_items(s1, std::vector<std::int32_t>{0, 1, 2}, 3), (std::vector<std::int32_t>{3, 0, 1}));
  // Unmasked item 3 scored -inf still outranks the masked items.
  const std::vector<float> s2 = {5.0f, 5.0f, 5.0f, -kInf};
  EXPECT_EQ(top_k_items(s2, std::vector<std::int32_t>{0, 1, 2}, 2), (std::vector<std::int32_t>{3, 0}));
  // Through the accumulator, T = {3}, k = 3: list 3 0 1, hit at rank 1 -> NDCG 1; coverage {3,0,1} = 3/4.
  // The filled-in masked items cannot be hits because held-out and fold-in are disjoint.
  RankingAccumulator acc({3}, 4);
  acc.add(s1, 1, csr(4, {{3}}), csr(4, {{0, 1, 2}}), 0);
  EXPECT_NEAR(acc.result()[0].ndcg, 1.0, kTol);
  EXPECT_NEAR(acc.result()[0].coverage, 0.75, kTol);
}

// Coverage = |union of top-k lists| / I.
//   6 items, k = 2, no fold-in:
//   user 0: 0.9 0.8 0.1 0.1 0.1 0.1 -> top2 {0, 1}
//   user 1: 0.1 0.9 0.8 0.1 0.1 0.1 -> top2 {1, 2}
//   user 2: 0.1 0.1 0.1 0.1 0.1 0.1 -> all tie -> top2 {0, 1}
//   union {0, 1, 2} -> 3/6 = 0.5; with k = 1: {0} ∪ {1} ∪ {0} = 2/6.
TEST(RankingAccumulator, Coverage) {
  const std::vector<float> scores = {0.9f, 0.8f, 0.1f, 0.1f, 0.1f, 0.1f,  //
                                     0.1f, 0.9f, 0.8f, 0.1f, 0.1f, 0.1f,  //
                                     0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
  RankingAccumulator acc({2, 1}, 6);
  acc.add(scores, 3, csr(6, {{5}, {5}, {5}}), csr(6, {{}, {}, {}}), 0);
  const auto res = acc.result();
  EXPECT_NEAR(res[0].coverage, 3.0 / 6.0, kTol);
  EXPECT_NEAR(res[1].coverage, 2.0 / 6.0, kTol);
  EXPECT_EQ(res[1].k, 1);
}

// A user with no held-out items counts with 0 (rmet convention); k > n_items is clamped to n_items.
//   3 items, k = 5: user 0 T = {} -> 0; user 1 scores 0.3 0.2 0.1, T = {2}: list 0 1 2, hit at rank 3:
//   DCG = 1/log2(4) = 0.5, IDCG over min(5,1) = 1 rank = 1 -> NDCG 0.5; recall = recall_min = 1.
TEST(RankingAccumulator, EmptyTargetsAndLargeK) {
  const std::vector<float> scores = {0.3f, 0.2f, 0.1f, 0.3f, 0.2f, 0.1f};
  RankingAccumulator acc({5}, 3);
  acc.add(scores, 2, csr(3, {{}, {2}}), csr(3, {{}, {}}), 0);
  const auto res = acc.result();
  EXPECT_EQ(acc.users(), 2);
  EXPECT_NEAR(acc.per_user(0).ndcg[0], 0.0, kTol);
  EXPECT_NEAR(acc.per_user(0).ndcg[1], 0.5, kTol);
  EXPECT_NEAR(res[0].ndcg, 0.25, kTol);
  EXPECT_NEAR(res[0].recall, 0.5, kTol);
  EXPECT_NEAR(res[0].recall_min, 0.5, kTol);
  EXPECT_NEAR(res[0].coverage, 1.0, kTol);
}

TEST(RankingAccumulator, NoUsersGivesNaN) {
  RankingAccumulator acc({10}, 4);
  const auto res = acc.result();
  EXPECT_TRUE(std::isnan(res[0].ndcg));
  EXPECT_TRUE(std::isnan(res[0].recall));
  EXPECT_EQ(res[0].coverage, 0.0);
}

// Random data used by the batching and naive-reference tests. Scores are quantised to a few values so
// that ties are frequent; held-out and fold-in are disjoint; some users have empty fold-in.
struct RandomSplit {
  std::int32_t users, items;
  std::vector<float> scores;
  CsrMatrix heldout, foldin;
};

RandomSplit random_split(std::uint64_t seed, std::int32_t users, std::int32_t items) {
  Rng rng(seed);
  RandomSplit s{users, items, {}, {}, {}};
  s.scores.resize(static_cast<std::size_t>(users) * static_cast<std::size_t>(items));
  for (auto& x : s.scores) x = static_cast<float>(static_cast<int>(rng.below(9)) - 4) * 0.5f;
  std::vector<std::pair<std::int32_t, std::int32_t>> h, f;
  for (std::int32_t u = 0; u < users; ++u) {
    bool any_heldout = false;
    for (std::int32_t i = 0; i < items; ++i) {
      const auto r = rng.below(10);
      if (r < 2) {
        h.emplace_back(u, i);
        any_heldout = true;
      } else if (r < 4 && u % 5 != 0) {
        f.emplace_back(u, i);
      }
    }
    if (!any_heldout) h.emplace_back(u, static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(items))));
  }
  // The fallback held-out item may collide with a fold-in item; drop fold-in entries that do.
  std::set<std::pair<std::int32_t, std::int32_t>> hs(h.begin(), h.end());
  std::erase_if(f, [&](const auto& p) { return hs.count(p) > 0; });
  s.heldout = CsrMatrix::from_pairs(users, items, std::move(h));
  s.foldin = CsrMatrix::from_pairs(users, items, std::move(f));
  return s;
}

TEST(RankingAccumulator, TwoBatchesEqualOneBatch) {
  const auto s = random_split(11, 37, 23);
  const std::vector<int> ks = {1, 5, 10, 50};
  for (auto mask : {FoldInMask::kNegInfinity, FoldInMask::kReferenceZero}) {
    RankingAccumulator one(ks, s.items, mask), two(ks, s.items, mask);
    one.add(s.scores, s.users, s.heldout, s.foldin, 0);
    const std::int32_t split = 16;
    const auto n_first = static_cast<std::size_t>(split) * static_cast<std::size_t>(s.items);
    const std::span<const float> all(s.scores);
    two.add(all.first(n_first), split, s.heldout, s.foldin, 0);
    two.add(all.subspan(n_first), s.users - split, s.heldout, s.foldin, split);
    ASSERT_EQ(two.users(), s.users);
    EXPECT_EQ(one.user_rows(), two.user_rows());
    const auto a = one.result();
    const auto b = two.result();
    for (std::size_t q = 0; q < ks.size(); ++q) {
      EXPECT_EQ(a[q].ndcg, b[q].ndcg);
      EXPECT_EQ(a[q].recall, b[q].recall);
      EXPECT_EQ(a[q].recall_min, b[q].recall_min);
      EXPECT_EQ(a[q].coverage, b[q].coverage);
      EXPECT_EQ(one.per_user(q).ndcg, two.per_user(q).ndcg);
    }
  }
}

// Naive reference: full sort of all items by (score desc, index asc), where in -inf mode masked items
// go last in index order; then the textbook formulas.
struct NaiveUser {
  std::vector<double> ndcg, recall, recall_min;
  std::vector<std::vector<std::int32_t>> lists;
};

NaiveUser naive_user(std::span<const float> row, std::span<const std::int32_t> targets,
                     std::span<const std::int32_t> foldin, const std::vector<int>& ks, FoldInMask mask) {
  const auto n = static_cast<std::int32_t>(row.size());
  std::vector<float> s(row.begin(), row.end());
  std::vector<char> is_masked(row.size(), 0);
  for (auto j : foldin) is_masked[static_cast<std::size_t>(j)] = 1;
  if (mask == FoldInMask::kReferenceZero)
    for (auto j : foldin) s[static_cast<std::size_t>(j)] = 0.0f;
  std::vector<std::int32_t> order(row.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    if (mask == FoldInMask::kNegInfinity) {
      // Masked items act as -inf: after every unmasked item, and tied among themselves.
      if (is_masked[ua] != is_masked[ub]) return is_masked[ua] < is_masked[ub];
      if (is_masked[ua]) return a < b;
    }
    if (s[ua] != s[ub]) return s[ua] > s[ub];
    return a < b;
  });
  const std::set<std::int32_t> t(targets.begin(), targets.end());
  NaiveUser out;
  for (auto k : ks) {
    const int len = std::min(k, n);
    double dcg = 0.0, idcg = 0.0;
    int hits = 0;
    for (int r = 0; r < len; ++r) {
      if (t.count(order[static_cast<std::size_t>(r)])) {
        dcg += 1.0 / std::log2(r + 2.0);
        ++hits;
      }
    }
    const int ideal = std::min<int>(k, static_cast<int>(t.size()));
    for (int r = 0; r < ideal; ++r) idcg += 1.0 / std::log2(r + 2.0);
    out.ndcg.push_back(t.empty() ? 0.0 : dcg / idcg);
    out.recall.push_back(t.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(t.size()));
    out.recall_min.push_back(t.empty() ? 0.0 : static_cast<double>(hits) / ideal);
    out.lists.emplace_back(order.begin(), order.begin() + len);
  }
  return out;
}

TEST(RankingAccumulator, MatchesNaiveFullSortOnRandomData) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto s = random_split(seed, 41, 30);
    const std::vector<int> ks = {1, 3, 10, 20, 32};  // 32 > n_items
    for (auto mask : {FoldInMask::kNegInfinity, FoldInMask::kReferenceZero}) {
      RankingAccumulator acc(ks, s.items, mask);
      // Uneven batches: 7 users at a time.
      for (std::int32_t first = 0; first < s.users; first += 7) {
        const auto n = std::min<std::int32_t>(7, s.users - first);
        const auto off = static_cast<std::size_t>(first) * static_cast<std::size_t>(s.items);
        acc.add(std::span<const float>(s.scores).subspan(off, static_cast<std::size_t>(n * s.items)), n, s.heldout,
                s.foldin, first);
      }
      std::vector<double> sum_ndcg(ks.size(), 0.0), sum_recall(ks.size(), 0.0), sum_rmin(ks.size(), 0.0);
      std::vector<std::set<std::int32_t>> covered(ks.size());
      for (std::int32_t u = 0; u < s.users; ++u) {
        const auto row = std::span<const float>(s.scores).subspan(
            static_cast<std::size_t>(u) * static_cast<std::size_t>(s.items), static_cast<std::size_t>(s.items));
        const auto ref = naive_user(row, s.heldout.row(u), s.foldin.row(u), ks, mask);
        for (std::size_t q = 0; q < ks.size(); ++q) {
          const auto uu = static_cast<std::size_t>(u);
          ASSERT_NEAR(acc.per_user(q).ndcg[uu], ref.ndcg[q], kTol)
              << "seed " << seed << " user " << u << " k " << ks[q];
          ASSERT_NEAR(acc.per_user(q).recall[uu], ref.recall[q], kTol);
          ASSERT_NEAR(acc.per_user(q).recall_min[uu], ref.recall_min[q], kTol);
          sum_ndcg[q] += ref.ndcg[q];
          sum_recall[q] += ref.recall[q];
          sum_rmin[q] += ref.recall_min[q];
          covered[q].insert(ref.lists[q].begin(), ref.lists[q].end());
          if (q + 1 == ks.size()) {
            EXPECT_EQ(top_k_items(row, s.foldin.row(u), ks[q], mask), ref.lists[q]);
          }
        }
      }
      const auto res = acc.result();
      for (std::size_t q = 0; q < ks.size(); ++q) {
        EXPECT_NEAR(res[q].ndcg, sum_ndcg[q] / s.users, 1e-12);
        EXPECT_NEAR(res[q].recall, sum_recall[q] / s.users, 1e-12);
        EXPECT_NEAR(res[q].recall_min, sum_rmin[q] / s.users, 1e-12);
        EXPECT_EQ(res[q].coverage, static_cast<double>(covered[q].size()) / s.items);
      }
    }
  }
}

// Rows as long as a real catalogue's slice, in the orders that defeat a heap or a bound over contiguous
// blocks (scores rising or falling with the item index, all equal, -inf runs), with none, a few or nearly
// all items masked (fewer unmasked items than k): the top list is the naive full sort's.
TEST(RankingAccumulator, TopKMatchesNaiveSortWhateverTheItemOrder) {
  constexpr std::int32_t kItems = 500;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  Rng rng(7);
  const std::vector<std::string> patterns = {"rising", "falling", "constant", "random", "random-with-inf",
                                             "rising-steps", "mostly-minus-inf", "signed-zeros"};
  for (const auto& pattern : patterns) {
    std::vector<float> row(kItems);
    for (std::int32_t j = 0; j < kItems; ++j) {
      const auto u = static_cast<float>(rng.uniform_double());
      const auto x = static_cast<float>(j);
      float v = 0.0f;
      if (pattern == "rising") v = x;
      else if (pattern == "falling") v = -x;
      else if (pattern == "constant") v = 1.5f;
      else if (pattern == "random") v = u;
      else if (pattern == "random-with-inf") v = u < 0.3f ? -kInf : (u > 0.95f ? kInf : u);
      // Unmasked -inf items must fill lists next to masked ones (kNegInfinity ranks them first).
      else if (pattern == "mostly-minus-inf") v = u < 0.9f ? -kInf : u;
      else if (pattern == "signed-zeros") v = u < 0.5f ? -0.0f : 0.0f;  // equal: ties by index
      else v = std::floor(x / 40.0f);  // rising in steps: ties across lanes
      row[static_cast<std::size_t>(j)] = v;
    }
    for (const double masked_share : {0.0, 0.1, 0.5, 0.95}) {
      std::vector<std::int32_t> masked;
      for (std::int32_t j = 0; j < kItems; ++j)
        if (rng.uniform_double() < masked_share) masked.push_back(j);
      for (auto mask : {FoldInMask::kNegInfinity, FoldInMask::kReferenceZero}) {
        for (const int k : {1, 7, 50, 499}) {
          const auto ref = naive_user(row, {}, masked, {k}, mask);
          EXPECT_EQ(top_k_items(row, masked, k, mask), ref.lists[0])
              << pattern << ", masked share " << masked_share << ", k " << k
              << (mask == FoldInMask::kNegInfinity ? ", -inf mask" : ", zero mask");
        }
      }
    }
  }
}

TEST(RankingAccumulator, RejectsCallerErrors) {
  EXPECT_THROW(RankingAccumulator({10, 0}, 5), std::invalid_argument);
  EXPECT_THROW(RankingAccumulator({-1}, 5), std::invalid_argument);
  EXPECT_THROW(RankingAccumulator({}, 5), std::invalid_argument);
  EXPECT_THROW(RankingAccumulator({1}, 0), std::invalid_argument);

  RankingAccumulator acc({2}, 3);
  const auto h = csr(3, {{0}, {1}});
  const auto f = csr(3, {{}, {}});
  const std::vector<float> s(6, 0.0f);
  EXPECT_THROW(acc.add(std::span<const float>(s).first(5), 2, h, f, 0), std::invalid_argument);  // size
  EXPECT_THROW(acc.add(s, 2, h, f, 1), std::invalid_argument);                                   // rows past end
  EXPECT_THROW(acc.add(s, 2, h, f, -1), std::invalid_argument);
  EXPECT_THROW(acc.add(s, 2, csr(4, {{0}, {1}}), f, 0), std::invalid_argument);  // column count
  EXPECT_THROW(acc.add(s, 2, h, csr(3, {{}}), 0), std::invalid_argument);        // fold-in too short
  EXPECT_EQ(acc.users(), 0);

  EXPECT_THROW((void)top_k_items(s, {}, 0), std::invalid_argument);
  EXPECT_THROW((void)top_k_items(s, std::vector<std::int32_t>{1, 1}, 2), std::invalid_argument);
  EXPECT_THROW((void)top_k_items(s, std::vector<std::int32_t>{7}, 2), std::invalid_argument);
}

// NaN is an error naming the user row; nothing of the failing batch is added.
TEST(RankingAccumulator, NaNScoreThrowsAndAddsNothing) {
  RankingAccumulator acc({2}, 3);
  const auto h = csr(3, {{0}, {1}, {2}});
  const auto f = csr(3, {{}, {}, {}});
  std::vector<float> s = {0.1f, 0.2f, 0.3f, 0.4f, std::numeric_limits<float>::quiet_NaN(), 0.6f};
  try {
    acc.add(s, 2, h, f, 1);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("user row 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(acc.users(), 0);
  EXPECT_EQ(acc.result()[0].coverage, 0.0);
  EXPECT_THROW((void)top_k_items(std::span<const float>(s).subspan(3), {}, 1), std::invalid_argument);
}

TEST(RankingAccumulator, ResetForgetsUsers) {
  RankingAccumulator acc({1}, 2);
  const std::vector<float> s = {1.0f, 0.0f};
  acc.add(s, 1, csr(2, {{0}}), csr(2, {{}}), 0);
  EXPECT_NEAR(acc.result()[0].ndcg, 1.0, kTol);
  acc.reset();
  EXPECT_EQ(acc.users(), 0);
  EXPECT_EQ(acc.result()[0].coverage, 0.0);
  acc.add(s, 1, csr(2, {{1}}), csr(2, {{}}), 0);
  EXPECT_NEAR(acc.result()[0].ndcg, 0.0, kTol);
  EXPECT_NEAR(acc.result()[0].coverage, 0.5, kTol);
}

}  // namespace
}  // namespace advx
