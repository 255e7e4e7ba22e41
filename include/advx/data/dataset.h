#pragma once
// What a reader produces (RawDataset) and what preprocessing makes of it (Dataset).

#include <cstdint>
#include <string>
#include <vector>

#include "advx/data/attributes.h"
#include "advx/data/csr_matrix.h"

namespace advx {

/// Ratings and user attributes as read from files, with the original ids. A reader guarantees:
/// every rated user has attributes, every user with attributes has at least one rating, and no
/// (user, item) pair occurs twice.
struct RawDataset {
  std::string source;                  ///< e.g. "movielens-1m:/data/ml-1m", for messages
  std::vector<std::int64_t> rating_user;
  std::vector<std::int64_t> rating_item;
  std::vector<float> rating_value;     ///< rating or weight (1 when the file has none)
  bool has_values = true;              ///< false: the file gives none, every row is an interaction (no min_rating)
  std::vector<std::int64_t> user_ids;  ///< users with attributes, sorted ascending
  AttributeTable attributes;           ///< row u belongs to user_ids[u]
};

/// REFERENCE §1.1: keep ratings ≥ min_rating as binary ones, then an iterative k-core.
struct PreprocessOptions {
  float min_rating = 4.0f;
  std::int32_t min_user = 5;  ///< a user needs at least this many kept interactions
  std::int32_t min_item = 5;  ///< an item needs at least this many kept interactions
};

struct PreprocessStats {
  std::int64_t raw_users = 0, raw_items = 0, raw_ratings = 0;
  std::int64_t kept_ratings = 0;  ///< after the minimum-rating filter, before the k-core
  std::int32_t kcore_passes = 0;  ///< passes of the k-core loop, including the final one that drops nothing
};

/// The binary interaction matrix after preprocessing, users and items re-indexed 0..n−1.
struct Dataset {
  std::string source;
  CsrMatrix interactions;              ///< users × items
  std::vector<std::int64_t> user_ids;  ///< original id of each row
  std::vector<std::int64_t> item_ids;  ///< original id of each column
  AttributeTable attributes;           ///< row-aligned with `interactions`
  PreprocessOptions preprocessing;     ///< the options preprocess() was given (a file without ratings ignores min_rating)
  PreprocessStats stats;

  [[nodiscard]] std::int32_t users() const { return interactions.rows(); }
  [[nodiscard]] std::int32_t items() const { return interactions.cols(); }
  [[nodiscard]] double density() const;
};

/// 16 hex digits that change with the data set's content: its interactions, user and item ids and
/// attributes. A result file records it, so a resume on data changed in place is refused.
[[nodiscard]] std::string fingerprint(const Dataset& data);

/// Validates the options (InputError naming the option) and applies them. Item order is the sorted
/// order of item ids among *all* ratings, user order the sorted user ids; both survive re-indexing.
/// k-core pass: count per user and per item on the current matrix, then drop items below min_item and
/// users below min_user in the same pass (user counts taken before that pass's item drop); repeat
/// until a pass drops nothing.
[[nodiscard]] Dataset preprocess(const RawDataset& raw, const PreprocessOptions& options);

}  // namespace advx
