#include "advx/eval/ranking_metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace advx {
namespace {

// Per-thread buffers, reused across rows so that ranking a row allocates nothing.
struct TopKScratch {
  std::vector<float> work;  // the row's scores with masked items set to 0 (kReferenceZero) or -inf
  std::vector<float> lane_max;
  std::vector<std::int32_t> candidates;
};

// Index of the first NaN in `scores`, or -1. The common case, no NaN, is one branch-free (vectorised) pass.
std::int32_t first_nan(std::span<const float> scores) {
  bool any = false;
  for (const float x : scores) any |= x != x;  // NaN is the one value unequal to itself
  if (!any) return -1;
  for (std::size_t j = 0; j < scores.size(); ++j)
    if (std::isnan(scores[j])) return static_cast<std::int32_t>(j);
  return -1;
}

// Writes the `len` best items (len ≤ scores.size()) into out[0..len). `masked` is sorted and distinct.
// Preconditions (no NaN, valid masked items) are checked by the callers.
//
// Items compete in a strict total order: higher score first, then lower index. In kNegInfinity mode
// masked items are not candidates at all (so they rank after unmasked items that themselves score -inf)
// and only fill a list that has fewer than `len` unmasked items.
//
// Selection runs in three passes over the row, none of which depends on the order of the items. (A heap
// of the best `len` scores costs a sift per improving item: on a row whose scores rise with the item
// index, which popularity-ordered item ids give, that is every item.)
//  1. A lower bound on the take-th best score: deal the items round-robin into 4·take lanes (item j to
//     lane j mod lanes; a contiguous, vectorised max over chunks of `lanes`). Each lane maximum above
//     -inf is a distinct candidate's score (masked items are -inf in kNegInfinity mode), so at least
//     `take` candidates score ≥ the take-th best lane maximum; when that is -inf, every item passes.
//  2. The candidates scoring at least that bound: on ranking rows, ≈ 10 % more than `take` (4 lanes per
//     place; 1 lane per place admits ≈ 3–4 times `take`).
//  3. Those sorted exactly (partial sort), which also settles ties.
void select_top_k(std::span<const float> scores, std::span<const std::int32_t> masked, int len, FoldInMask mask,
                  TopKScratch& scratch, std::int32_t* out) {
  const auto n = scores.size();
  const bool exclude_masked = mask == FoldInMask::kNegInfinity;
  auto& w = scratch.work;
  w.assign(scores.begin(), scores.end());
  const float masked_score = exclude_masked ? -std::numeric_limits<float>::infinity() : 0.0f;
  for (auto j : masked) w[static_cast<std::size_t>(j)] = masked_score;
  const std::size_t n_candidates = exclude_masked ? n - masked.size() : n;
  const auto take = std::min(static_cast<std::size_t>(len), n_candidates);

  float bound = -std::numeric_limits<float>::infinity();  // admits every candidate
  if (take > 0 && take < n_candidates) {
    auto& lane = scratch.lane_max;
    const std::size_t lanes = std::min(n, 4 * take);  // ≤ n: every lane holds at least one item
    lane.assign(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(lanes));
    std::size_t j = lanes;
    for (; j + lanes <= n; j += lanes)
      for (std::size_t l = 0; l < lanes; ++l) lane[l] = std::max(lane[l], w[j + l]);
    for (std::size_t l = 0; j + l < n; ++l) lane[l] = std::max(lane[l], w[j + l]);
    // The take-th best lane maximum. If it is a masked item's -inf, the bound admits everything: still right.
    const auto kth = lane.begin() + static_cast<std::ptrdiff_t>(take - 1);
    std::nth_element(lane.begin(), kth, lane.end(), std::greater<>());
    bound = *kth;
  }
  // Branch-free: whether an item passes the bound is unpredictable near the bound.
  auto& cand = scratch.candidates;
  cand.resize(n);
  std::size_t kept = 0;
  for (std::size_t j = 0; j < n; ++j) {
    cand[kept] = static_cast<std::int32_t>(j);
    kept += w[j] >= bound ? 1 : 0;
  }
  cand.resize(kept);
  if (exclude_masked) {  // drop masked items: both lists ascending
    std::size_t p = 0, out_n = 0;
    for (const std::int32_t item : cand) {
      while (p < masked.size() && masked[p] < item) ++p;
      if (p == masked.size() || masked[p] != item) cand[out_n++] = item;
    }
    cand.resize(out_n);
  }
  const float* s = w.data();
  const auto better = [s](std::int32_t a, std::int32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
  const auto mid = cand.begin() + static_cast<std::ptrdiff_t>(take);
  std::partial_sort(cand.begin(), mid, cand.end(), better);
  std::copy(cand.begin(), mid, out);
  // kNegInfinity with fewer than `len` unmasked items: fill with masked items by index.
  for (std::size_t r = take, q = 0; r < static_cast<std::size_t>(len); ++r, ++q) out[r] = masked[q];
}

void check_masked_items(std::span<const std::int32_t> masked, std::size_t n_items) {
  for (std::size_t p = 0; p < masked.size(); ++p) {
    if (masked[p] < 0 || static_cast<std::size_t>(masked[p]) >= n_items)
      throw std::invalid_argument(
          fmt::format("top_k_items: masked item {} outside [0, {})", masked[p], n_items));
    if (p > 0 && masked[p] <= masked[p - 1])
      throw std::invalid_argument("top_k_items: masked items must be sorted and distinct");
  }
}

}  // namespace

std::vector<std::int32_t> top_k_items(std::span<const float> scores, std::span<const std::int32_t> masked_items,
                                      int k, FoldInMask mask) {
  if (k <= 0) throw std::invalid_argument(fmt::format("top_k_items: k must be > 0, got {}", k));
  check_masked_items(masked_items, scores.size());
  if (const auto j = first_nan(scores); j >= 0)
    throw std::invalid_argument(fmt::format("top_k_items: score of item {} is NaN", j));
  const auto len = static_cast<int>(std::min(static_cast<std::size_t>(k), scores.size()));
  std::vector<std::int32_t> out(static_cast<std::size_t>(len));
  TopKScratch scratch;
  select_top_k(scores, masked_items, len, mask, scratch, out.data());
  return out;
}

RankingAccumulator::RankingAccumulator(std::vector<int> ks, std::int32_t n_items, FoldInMask mask)
    : ks_(std::move(ks)), n_items_(n_items), mask_(mask) {
  if (ks_.empty()) throw std::invalid_argument("RankingAccumulator: no cut-off k given");
  for (auto k : ks_)
    if (k <= 0) throw std::invalid_argument(fmt::format("RankingAccumulator: k must be > 0, got {}", k));
  if (n_items <= 0)
    throw std::invalid_argument(fmt::format("RankingAccumulator: n_items must be > 0, got {}", n_items));
  list_len_ = std::min(*std::max_element(ks_.begin(), ks_.end()), static_cast<int>(n_items));
  discount_.resize(static_cast<std::size_t>(list_len_));
  ideal_prefix_.assign(static_cast<std::size_t>(list_len_) + 1, 0.0);
  for (int r = 0; r < list_len_; ++r) {
    discount_[static_cast<std::size_t>(r)] = 1.0 / std::log2(static_cast<double>(r) + 2.0);
    ideal_prefix_[static_cast<std::size_t>(r) + 1] =
        ideal_prefix_[static_cast<std::size_t>(r)] + discount_[static_cast<std::size_t>(r)];
  }
  per_user_.resize(ks_.size());
  covered_.assign(ks_.size(), std::vector<bool>(static_cast<std::size_t>(n_items), false));
  covered_count_.assign(ks_.size(), 0);
}

void RankingAccumulator::reset() {
  for (auto& p : per_user_) p = PerUserRankingMetrics{};
  for (auto& c : covered_) std::fill(c.begin(), c.end(), false);
  std::fill(covered_count_.begin(), covered_count_.end(), 0);
  user_rows_.clear();
}

const PerUserRankingMetrics& RankingAccumulator::per_user(std::size_t k_index) const {
  if (k_index >= per_user_.size())
    throw std::invalid_argument(
        fmt::format("RankingAccumulator::per_user: k index {} but only {} cut-offs", k_index, per_user_.size()));
  return per_user_[k_index];
}

void RankingAccumulator::add(std::span<const float> scores, std::int32_t n_rows, const CsrMatrix& heldout,
                             const CsrMatrix& foldin, std::int32_t first_row) {
  if (n_rows < 0) throw std::invalid_argument(fmt::format("RankingAccumulator::add: n_rows = {} < 0", n_rows));
  const auto n_items = static_cast<std::size_t>(n_items_);
  if (scores.size() != static_cast<std::size_t>(n_rows) * n_items)
    throw std::invalid_argument(fmt::format("RankingAccumulator::add: {} scores, expected n_rows x n_items = {} x {}",
                                            scores.size(), n_rows, n_items_));
  if (heldout.cols() != n_items_ || foldin.cols() != n_items_)
    throw std::invalid_argument(
        fmt::format("RankingAccumulator::add: held-out has {} and fold-in {} columns, expected n_items = {}",
                    heldout.cols(), foldin.cols(), n_items_));
  const auto end_row = static_cast<std::int64_t>(first_row) + n_rows;
  if (first_row < 0 || end_row > heldout.rows() || end_row > foldin.rows())
    throw std::invalid_argument(fmt::format(
        "RankingAccumulator::add: rows [{}, {}) outside held-out ({} rows) or fold-in ({} rows)", first_row,
        end_row, heldout.rows(), foldin.rows()));
  if (n_rows == 0) return;

  const auto n_k = ks_.size();
  const auto len = static_cast<std::size_t>(list_len_);
  const auto rows = static_cast<std::size_t>(n_rows);
  // Per-row results land in these buffers first and are merged serially afterwards, so an error leaves
  // the accumulator untouched and the merge order (hence every sum) is independent of the thread count.
  std::vector<std::int32_t> top(rows * len);
  std::vector<double> ndcg(rows * n_k), recall(rows * n_k), recall_min(rows * n_k);
  std::vector<std::int32_t> nan_item(rows, -1);

#pragma omp parallel
  {
    TopKScratch scratch;
    std::vector<char> hit(len);
#pragma omp for schedule(static)
    for (std::int32_t i = 0; i < n_rows; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      const auto row_scores = scores.subspan(ui * n_items, n_items);
      if (const auto j = first_nan(row_scores); j >= 0) {
        nan_item[ui] = j;
        continue;
      }
      const auto user = first_row + i;
      std::int32_t* user_top = top.data() + ui * len;
      select_top_k(row_scores, foldin.row(user), list_len_, mask_, scratch, user_top);
      const auto targets = heldout.row(user);
      for (std::size_t r = 0; r < len; ++r)
        hit[r] = std::binary_search(targets.begin(), targets.end(), user_top[r]) ? 1 : 0;
      const auto n_targets = static_cast<std::int64_t>(targets.size());
      for (std::size_t q = 0; q < n_k; ++q) {
        const auto k = static_cast<std::int64_t>(ks_[q]);
        const auto cut = static_cast<std::size_t>(std::min<std::int64_t>(k, list_len_));
        double dcg = 0.0;
        std::int64_t hits = 0;
        for (std::size_t r = 0; r < cut; ++r) {
          if (hit[r]) {
            dcg += discount_[r];
            ++hits;
          }
        }
        auto& nd = ndcg[ui * n_k + q];
        auto& rc = recall[ui * n_k + q];
        auto& rm = recall_min[ui * n_k + q];
        if (n_targets == 0) {
          nd = rc = rm = 0.0;  // rmet's convention for users without targets
        } else {
          const auto ideal_len = std::min(k, n_targets);  // ≤ n_items, and ≤ list_len_ since k ≤ max k
          nd = dcg / ideal_prefix_[static_cast<std::size_t>(std::min<std::int64_t>(ideal_len, list_len_))];
          rc = static_cast<double>(hits) / static_cast<double>(n_targets);
          rm = static_cast<double>(hits) / static_cast<double>(ideal_len);
        }
      }
    }
  }

  for (std::size_t i = 0; i < rows; ++i)
    if (nan_item[i] >= 0)
      throw std::invalid_argument(
          fmt::format("RankingAccumulator::add: NaN score for user row {} (batch row {}), item {}",
                      first_row + static_cast<std::int32_t>(i), i, nan_item[i]));

  for (std::size_t i = 0; i < rows; ++i) {
    user_rows_.push_back(first_row + static_cast<std::int32_t>(i));
    for (std::size_t q = 0; q < n_k; ++q) {
      per_user_[q].ndcg.push_back(ndcg[i * n_k + q]);
      per_user_[q].recall.push_back(recall[i * n_k + q]);
      per_user_[q].recall_min.push_back(recall_min[i * n_k + q]);
      const auto cut = std::min<std::size_t>(static_cast<std::size_t>(ks_[q]), len);
      auto& cov = covered_[q];
      for (std::size_t r = 0; r < cut; ++r) {
        const auto item = static_cast<std::size_t>(top[i * len + r]);
        if (!cov[item]) {
          cov[item] = true;
          ++covered_count_[q];
        }
      }
    }
  }
}

std::vector<RankingMetricsAtK> RankingAccumulator::result() const {
  const auto mean = [](const std::vector<double>& v) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  std::vector<RankingMetricsAtK> out;
  out.reserve(ks_.size());
  for (std::size_t q = 0; q < ks_.size(); ++q) {
    out.push_back({.k = ks_[q],
                   .ndcg = mean(per_user_[q].ndcg),
                   .recall = mean(per_user_[q].recall),
                   .recall_min = mean(per_user_[q].recall_min),
                   .coverage = static_cast<double>(covered_count_[q]) / static_cast<double>(n_items_)});
  }
  return out;
}

}  // namespace advx
