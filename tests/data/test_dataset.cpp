#include "advx/data/dataset.h"

#include <gtest/gtest.h>

#include "advx/common/error.h"
#include "advx/data/readers.h"
#include "test_helpers.h"

namespace advx {
namespace {

// tests/data/kcore (files stored as NAME.in) holds 5 users (ids 1..5) and items 10..15 in ML-1M format. With ratings ≥ 4 kept:
//   u1 {10,11,12}  u2 {10,11}  u3 {10,12,13}  u4 {13,14}  u5 {14,15}
// 2-core (min_user = min_item = 2), counting users and items on the same matrix each pass:
//   pass 1: item 15 has 1 → dropped              pass 2: u5 now has {14} → dropped
//   pass 3: item 14 has only u4 → dropped        pass 4: u4 now has {13} → dropped
//   pass 5: item 13 has only u3 → dropped        pass 6: nothing to drop → stop
// Result: users 1,2,3 × items 10,11,12 with 3 + 2 + 2 = 7 interactions, 6 passes.
TEST(Preprocess, KCoreNeedsSeveralPasses) {
  const auto raw = read_movielens_1m(test::fixture("kcore"));
  EXPECT_EQ(raw.rating_value.size(), 15u);
  const auto ds = preprocess(raw, {.min_rating = 4.0f, .min_user = 2, .min_item = 2});
  EXPECT_EQ(ds.stats.raw_users, 5);
  EXPECT_EQ(ds.stats.raw_items, 6);
  EXPECT_EQ(ds.stats.kept_ratings, 12);
  EXPECT_EQ(ds.stats.kcore_passes, 6);
  EXPECT_EQ(ds.user_ids, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(ds.item_ids, (std::vector<std::int64_t>{10, 11, 12}));
  EXPECT_EQ(ds.interactions.nnz(), 7);
  EXPECT_EQ(ds.interactions.row_nnz(0), 3);
  EXPECT_EQ(std::vector<std::int32_t>(ds.interactions.row(2).begin(), ds.interactions.row(2).end()),
            (std::vector<std::int32_t>{0, 2}));  // u3 keeps items 10 and 12
  // Attributes follow the kept users: u1 F/25, u2 M/18, u3 M/35.
  const auto& g = ds.attributes.get("gender");
  EXPECT_EQ(g.labels(), (std::vector<std::string>{"f", "m"}));
  EXPECT_EQ(g.codes(), (std::vector<std::int32_t>{0, 1, 1}));
  EXPECT_EQ(ds.attributes.get("age").values(), (std::vector<float>{25, 18, 35}));
  EXPECT_NEAR(ds.density(), 7.0 / 9.0, 1e-12);
}

TEST(Preprocess, OneCoreKeepsEveryUserWithAKeptRating) {
  const auto ds = preprocess(read_movielens_1m(test::fixture("kcore")), {.min_rating = 1.0f, .min_user = 1, .min_item = 1});
  EXPECT_EQ(ds.users(), 5);
  EXPECT_EQ(ds.items(), 6);
  EXPECT_EQ(ds.interactions.nnz(), 15);
  EXPECT_EQ(ds.stats.kcore_passes, 1);
}

TEST(Fingerprint, ChangesWithInteractionsIdsAndAttributesOnly) {
  const auto raw = read_movielens_1m(test::fixture("kcore"));
  const PreprocessOptions one_core{.min_rating = 1.0f, .min_user = 1, .min_item = 1};
  const auto base = fingerprint(preprocess(raw, one_core));
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(fingerprint(preprocess(read_movielens_1m(test::fixture("kcore")), one_core)), base) << "same data, same print";
  auto rated = raw;  // the last rating moved to another item
  rated.rating_item.back() = 10;
  if (rated.rating_item.back() == raw.rating_item.back()) rated.rating_item.back() = 11;
  EXPECT_NE(fingerprint(preprocess(rated, one_core)), base);
  auto renamed = raw;  // one user's id changed (ratings follow)
  for (auto& u : renamed.rating_user) u = u == 5 ? 6 : u;
  renamed.user_ids.back() = 6;
  EXPECT_NE(fingerprint(preprocess(renamed, one_core)), base);
  auto older = preprocess(raw, one_core);  // one attribute value changed
  auto ages = older.attributes.get("age").values();
  ages[0] += 1;
  AttributeTable table;
  for (const auto& c : older.attributes.columns())
    table.add(c.name() == "age" ? AttributeColumn::continuous("age", ages) : c);
  older.attributes = table;
  EXPECT_NE(fingerprint(older), base);
  auto stats = preprocess(raw, one_core);  // preprocessing statistics are no content
  stats.stats.kcore_passes = 99;
  EXPECT_EQ(fingerprint(stats), base);
}

TEST(Preprocess, RejectsImpossibleOptions) {
  const auto raw = read_movielens_1m(test::fixture("kcore"));
  try {
    (void)preprocess(raw, {.min_rating = 4.0f, .min_user = 0, .min_item = 5});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("min_user"), std::string::npos) << e.what();
  }
}

TEST(Preprocess, NothingLeftNamesTheSettingsThatDroppedIt) {
  // Every rating of the fixture is ≤ 5: min_rating 6 keeps none. A later "cannot split 0 users" would
  // not say why.
  const auto raw = read_movielens_1m(test::fixture("kcore"));
  try {
    (void)preprocess(raw, {.min_rating = 6.0f, .min_user = 2, .min_item = 2});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no users left after preprocessing: 0 of 15 ratings ≥ data.min_rating 6, "
                                         "then the k-core (data.min_user 2, data.min_item 2) kept none"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)preprocess(raw, {.min_rating = 1.0f, .min_user = 100, .min_item = 1}), InputError);
}

TEST(AttributeTable, GetNamesMissingAttributeAndChoices) {
  const auto raw = read_movielens_1m(test::fixture("kcore"));
  try {
    (void)raw.attributes.get("income");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "no user attribute named 'income' (the data has: gender, age, occupation)");
  }
}

}  // namespace
}  // namespace advx
