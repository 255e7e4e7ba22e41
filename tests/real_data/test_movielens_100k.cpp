// Counts of MovieLens-100K after REFERENCE §1.1 preprocessing (ratings ≥ 4, 5-core), pinned from an
// independent computation (tests/real_data/crosscheck_counts.py, which ctest also runs against advx).

#include <gtest/gtest.h>

#include "advx/data/readers.h"
#include "advx/data/split.h"

namespace advx {
namespace {

const std::filesystem::path kDir = std::filesystem::path(ADVX_SHARED_DATA_DIR) / "ml-100k";

TEST(MovieLens100K, CountsAfterPreprocessing) {
  const auto raw = read_movielens_100k(kDir);
  EXPECT_EQ(raw.rating_value.size(), 100000u);
  EXPECT_EQ(raw.user_ids.size(), 943u);
  const auto ds = preprocess(raw, {.min_rating = 4.0f, .min_user = 5, .min_item = 5});
  EXPECT_EQ(ds.stats.kept_ratings, 34174 + 21201);  // fours + fives (data README)
  EXPECT_EQ(ds.users(), 938);
  EXPECT_EQ(ds.items(), 1008);
  EXPECT_EQ(ds.interactions.nnz(), 54413);
  EXPECT_EQ(ds.stats.kcore_passes, 2);
  const auto& g = ds.attributes.get("gender");
  EXPECT_EQ(std::count(g.codes().begin(), g.codes().end(), g.code_of("f")), 271);
  EXPECT_EQ(std::count(g.codes().begin(), g.codes().end(), g.code_of("m")), 667);
  const auto& age = ds.attributes.get("age").values();
  EXPECT_EQ(*std::min_element(age.begin(), age.end()), 7.0f);
  EXPECT_EQ(*std::max_element(age.begin(), age.end()), 73.0f);
}

TEST(MovieLens100K, FiveFoldsCoverEveryUserOnce) {
  const auto ds = preprocess(read_movielens_100k(kDir), {});
  std::vector<int> seen(static_cast<std::size_t>(ds.users()), 0);
  for (std::int32_t f = 0; f < 5; ++f) {
    const auto s = make_fold_split(ds, {.folds = 5, .fold = f});
    EXPECT_GE(s.train_users.size(), 562u);  // 3 of 5 blocks of 938 users: 187–188 each
    for (auto u : s.test.users) seen[static_cast<std::size_t>(u)]++;
    EXPECT_GT(s.test.users.size(), 170u);  // few of ~188 test users lose a side
  }
  for (auto n : seen) EXPECT_LE(n, 1);
}

}  // namespace
}  // namespace advx
