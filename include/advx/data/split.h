#pragma once
// User splits per REFERENCE §1.3: k disjoint user blocks; fold i trains on k−2 consecutive blocks,
// validates on the next and tests on the one after (indices mod k). For k = 5: train = F_i ∪ F_{i+1} ∪
// F_{i+2}, val = F_{i+3}, test = F_{i+4}.

#include <cstdint>
#include <vector>

#include "advx/data/csr_matrix.h"
#include "advx/data/dataset.h"

namespace advx {

struct SplitOptions {
  std::int32_t folds = 5;      ///< k ≥ 3
  std::int32_t fold = 0;       ///< 0 ≤ fold < k
  std::uint64_t seed = 42;     ///< decides the user blocks and the fold-in draw
  double foldin = 0.2;         ///< fraction of val/test interactions given to the model as input
};

/// Val or test users: each row of `foldin` is the model's input, the same row of `heldout` its targets.
struct HeldOutSplit {
  std::vector<std::int32_t> users;  ///< dataset row of each user
  CsrMatrix foldin;                 ///< users × fold items
  CsrMatrix heldout;                ///< users × fold items
};

/// One fold. Columns of every matrix are the fold's items: column j is dataset item `items[j]`.
struct FoldSplit {
  std::int32_t fold = 0;
  std::vector<std::int32_t> items;        ///< dataset items some training user has, ascending
  std::vector<std::int32_t> train_users;  ///< dataset rows, ascending
  CsrMatrix train;                        ///< full rows: input and target
  HeldOutSplit val, test;
  std::int32_t dropped_items = 0;         ///< items no training user has
  std::int32_t dropped_val_users = 0;     ///< val users left with an empty fold-in or held-out side
  std::int32_t dropped_test_users = 0;
};

/// The k user blocks (each ascending). Block sizes as sklearn's KFold: the first n mod k blocks have one
/// user more. Throws InputError for invalid options or fewer users than folds.
[[nodiscard]] std::vector<std::vector<std::int32_t>> user_blocks(std::int32_t n_users, const SplitOptions& options);

/// Builds fold `options.fold`. Val and test interactions are pooled per block and split at random
/// (not per user, as the reference does): ceil((1 − foldin)·n) held out, the rest fold-in. Users with an
/// empty side are dropped. Deterministic in (options, dataset).
[[nodiscard]] FoldSplit make_fold_split(const Dataset& data, const SplitOptions& options);

}  // namespace advx
