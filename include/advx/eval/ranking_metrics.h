#pragma once
// Top-k ranking metrics of a recommender on a fold-in / held-out split (REFERENCE §6.1–6.3, §9 Q1–Q2).
//
// Ranking rule, used everywhere in this header:
//   * fold-in items are masked first (see FoldInMask);
//   * items are ordered by score, higher first; equal scores go to the LOWER item index first, so the
//     ranking is a total order and results do not depend on the sort algorithm or the thread count;
//   * NaN scores are an error (std::invalid_argument naming the row and item): a NaN logit means the
//     model diverged, and any place we could rank it would produce metrics that look valid but are not.
//     +inf / -inf scores are ranked normally.

#include <cstdint>
#include <span>
#include <vector>

#include "advx/data/csr_matrix.h"

namespace advx {

/// How fold-in items (the user's known interactions) are kept out of the recommendation list.
enum class FoldInMask {
  /// Masked items rank after EVERY unmasked item, including unmasked items scored -inf, and among
  /// themselves by item index. They enter the top-k only when fewer than k unmasked items exist.
  kNegInfinity,
  /// The reference's behaviour (REFERENCE Q1): fold-in scores are overwritten with 0.0 and ranked like
  /// any other score, so a fold-in item outranks every item with a negative score. For parity checks.
  kReferenceZero,
};

/// Split-level metrics at one cut-off k. ndcg/recall/recall_min are plain means over users.
struct RankingMetricsAtK {
  int k = 0;
  double ndcg = 0.0;        ///< DCG@k / IDCG, IDCG over min(k, |T_u|) ranks (standard; rmet ≥ 2024-03-07).
  double recall = 0.0;      ///< hits@k / |T_u|  (rmet "recall"; what the reference reports).
  double recall_min = 0.0;  ///< hits@k / min(k, |T_u|)  (Liang et al.'s Recall@k, rmet "hitrate").
  double coverage = 0.0;    ///< |∪_u top-k(u)| / n_items over all users added.
};

/// Per-user values at one cut-off, in the order the users were added.
struct PerUserRankingMetrics {
  std::vector<double> ndcg;
  std::vector<double> recall;
  std::vector<double> recall_min;
};

/// The top-k items of one score row, best first, under the ranking rule above. `masked_items` are the
/// fold-in items (sorted, distinct, in [0, scores.size())). Returns min(k, scores.size()) items.
/// Throws std::invalid_argument for k <= 0, bad masked_items, or a NaN score.
[[nodiscard]] std::vector<std::int32_t> top_k_items(std::span<const float> scores,
                                                    std::span<const std::int32_t> masked_items, int k,
                                                    FoldInMask mask = FoldInMask::kNegInfinity);

/// Accumulates ranking metrics over batches of users, as the model produces logits batch by batch.
/// Adding the users of a split in several batches gives exactly the same result as adding them at once.
///
/// Conventions:
///   * k larger than n_items is allowed; the list is then all n_items items (IDCG and recall_min still
///     use min(k, |T_u|), which is ≤ n_items).
///   * A user with no held-out items (|T_u| = 0) is counted with ndcg = recall = recall_min = 0, as rmet
///     does; its top-k still counts for coverage. Splits normally drop such users.
///   * Held-out and fold-in are expected to be disjoint (not checked). With kNegInfinity a held-out item
///     that is also fold-in can never be a hit.
///   * result() with no users gives NaN for the user means and 0 for coverage.
class RankingAccumulator {
 public:
  /// `ks`: the cut-offs, each > 0, reported in this order (duplicates allowed). n_items > 0.
  RankingAccumulator(std::vector<int> ks, std::int32_t n_items, FoldInMask mask = FoldInMask::kNegInfinity);

  /// `scores`: row-major [n_rows x n_items]; row i belongs to user row `first_row + i` of both `heldout`
  /// (targets T_u) and `foldin` (masked items). The caller's scores are never modified (masking happens
  /// in a per-thread scratch copy). On any error (size mismatch, rows out of range, NaN score) nothing
  /// is added. Rows are processed in parallel with OpenMP; results do not depend on the thread count.
  void add(std::span<const float> scores, std::int32_t n_rows, const CsrMatrix& heldout, const CsrMatrix& foldin,
           std::int32_t first_row);

  /// One entry per k, in the order given to the constructor.
  [[nodiscard]] std::vector<RankingMetricsAtK> result() const;
  /// Number of users added so far.
  [[nodiscard]] std::int64_t users() const { return static_cast<std::int64_t>(user_rows_.size()); }
  /// Per-user values for the k at position `k_index` of the constructor's list.
  [[nodiscard]] const PerUserRankingMetrics& per_user(std::size_t k_index) const;
  /// The matrix row (first_row + i) of each added user, in the order added; indexes per_user() values.
  [[nodiscard]] const std::vector<std::int32_t>& user_rows() const { return user_rows_; }

  [[nodiscard]] const std::vector<int>& ks() const { return ks_; }
  [[nodiscard]] std::int32_t n_items() const { return n_items_; }
  [[nodiscard]] FoldInMask mask() const { return mask_; }

  /// Forgets all users (e.g. between epochs), keeping ks, n_items and mask.
  void reset();

 private:
  std::vector<int> ks_;
  std::int32_t n_items_;
  FoldInMask mask_;
  int list_len_;                      // min(max k, n_items): the longest list any k needs.
  std::vector<double> discount_;      // discount_[r] = 1 / log2(r + 2), r < list_len_.
  std::vector<double> ideal_prefix_;  // ideal_prefix_[n] = Σ_{r<n} discount_[r], n ≤ list_len_.
  std::vector<PerUserRankingMetrics> per_user_;  // one per k
  std::vector<std::vector<bool>> covered_;       // one per k: item appeared in some user's top-k
  std::vector<std::int32_t> covered_count_;      // one per k
  std::vector<std::int32_t> user_rows_;
};

}  // namespace advx
