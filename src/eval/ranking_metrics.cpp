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
  std::vector<float> masked_scores;  // only for kReferenceZero
  std::vector<std::int32_t> candidates;
  std::vector<float> values;         // heap of the best scores, for the threshold search
};

// Index of the first NaN in `scores`, or -1.
std::int32_t first_nan(std::span<const float> scores) {
  for (std::size_t j = 0; j < scores.size(); ++j)
    if (std::isnan(scores[j])) return static_cast<std::int32_t>(j);
  return -1;
}

// Writes the `len` best items (len ≤ scores.size()) into out[0..len). `masked` is sorted and distinct.
// Preconditions (no NaN, valid masked items) are checked by the callers.
void select_top_k(std::span<const float> scores, std::span<const std::int32_t> masked, int len, FoldInMask mask,
                  TopKScratch& scratch, std::int32_t* out) {
  const auto n = static_cast<std::int32_t>(scores.size());
  const float* s = scores.data();
  auto& cand = scratch.candidates;
  cand.clear();
  if (mask == FoldInMask::kReferenceZero) {
    scratch.masked_scores.assign(scores.begin(), scores.end());
    for (auto j : masked) scratch.masked_scores[static_cast<std::size_t>(j)] = 0.0f;
    s = scratch.masked_scores.data();
    cand.resize(static_cast<std::size_t>(n));
    std::iota(cand.begin(), cand.end(), 0);
  } else {
    // Masked items are left out of the candidates entirely rather than scored -inf, so that they rank
    // after unmasked items that themselves score -inf.
    std::size_t p = 0;
    for (std::int32_t j = 0; j < n; ++j) {
      if (p < masked.size() && masked[p] == j) {
        ++p;
        continue;
      }
      cand.push_back(j);
    }
  }
  // Strict total order: higher score first, then lower index.
  const auto better = [s](std::int32_t a, std::int32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
  const auto take = std::min(static_cast<std::size_t>(len), cand.size());
  if (take > 0 && take < cand.size()) {
    // The take-th largest score first; then only the candidates scoring at least that much — take of
    // them plus any ties — are kept and ordered exactly.
    // A min-heap of the `take` largest scores seen so far: after the first few hundred items almost
    // every score fails the one comparison against its top, a well-predicted branch.
    auto& heap = scratch.values;
    heap.clear();
    for (const std::int32_t j : cand) {
      const float v = s[j];
      if (heap.size() < take) {
        heap.push_back(v);
        std::push_heap(heap.begin(), heap.end(), std::greater<>());
      } else if (v > heap.front()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>());
        heap.back() = v;
        std::push_heap(heap.begin(), heap.end(), std::greater<>());
      }
    }
    const float threshold = heap.front();  // the take-th largest score
    std::size_t kept = 0;
    for (const std::int32_t j : cand)
      if (s[j] >= threshold) cand[kept++] = j;
    cand.resize(kept);
  }
  const auto mid = cand.begin() + static_cast<std::ptrdiff_t>(take);
  std::partial_sort(cand.begin(), mid, cand.end(), better);
  std::copy(cand.begin(), mid, out);
  // kNegInfinity with fewer than `len` unmasked items: fill with masked items by index.
  for (std::size_t r = take, p = 0; r < static_cast<std::size_t>(len); ++r, ++p) out[r] = masked[p];
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
