#pragma once
// A synthetic data set with planted attribute signal, written in the MovieLens-1M file format so it
// goes through the same reader and preprocessing as real data.

#include <cstdint>
#include <filesystem>

namespace advx {

struct SyntheticOptions {
  std::int32_t users = 2000;
  std::int32_t items = 1000;
  std::uint64_t seed = 1;
  std::int32_t clusters = 0;    ///< item taste clusters, 2..items/5; 0 = min(16, items/5)
  double signal = 1.0;          ///< strength of the gender/age effect on cluster preferences (0 = none)
  double taste = 0.8;           ///< sd of each user's personal taste per cluster (attribute-independent)
};

/// Summary of what was written, for messages and tests.
struct SyntheticSummary {
  std::int64_t ratings = 0;
  std::int64_t ratings_ge4 = 0;
  std::int32_t female = 0;
};

/// Writes DIR/ratings.dat, DIR/users.dat and DIR/movies.dat (creating DIR). Model:
/// - items fall into `clusters` taste clusters; within the data set, item popularity is long-tailed
///   (Zipf, exponent 1, over a random ranking of the items);
/// - a user has a gender (≈ 28 % f, as ML-1M) and an age code drawn from ML-1M's distribution; the
///   user's preference over clusters is softmax(signal·(gender effect + age effect · age z-score) +
///   personal taste ~ N(0, taste²)), so both attributes leave a trace in what the user rates; the ratio
///   signal : taste sets how much of a user's preferences the attributes explain;
/// - each user rates 20 + a log-normal number of items (≈ 4.5 % of the catalogue on average, as ML-1M),
///   70 % drawn through their clusters and 30 % from global popularity; ratings 1..5, mostly ≥ 4 for
///   items from liked clusters.
/// Deterministic in the options. Throws InputError for impossible sizes.
/// Next to the files it writes DIR/synthetic.txt, the stamp of the options that made them (see below).
SyntheticSummary write_synthetic_movielens(const std::filesystem::path& dir, const SyntheticOptions& options);

/// The stamp's file name in a generated data set's directory.
inline constexpr const char* kSyntheticStamp = "synthetic.txt";

/// For `data.format: synthetic`: the data set of `options` lives in its own subdirectory of `root`,
/// named by the options a sweep sets (ROOT/users2000-items1000-seed1), so a grid over data.seed,
/// data.users or data.items gets one data set per value, and a sweep never trains on a data set made
/// for other settings. Generated on first use; when present, its stamp must name the same options
/// (InputError naming what differs otherwise; it is never overwritten). Returns the directory.
std::filesystem::path ensure_synthetic_movielens(const std::filesystem::path& root, const SyntheticOptions& options);

/// The subdirectory of `root` that ensure_synthetic_movielens uses for `options`.
std::filesystem::path synthetic_dataset_dir(const std::filesystem::path& root, const SyntheticOptions& options);

}  // namespace advx
