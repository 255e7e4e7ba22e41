#include "advx/data/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "advx/common/error.h"
#include "advx/data/readers.h"
#include "advx/data/synthetic.h"
#include "test_helpers.h"

namespace advx {
namespace {

class SplitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    write_synthetic_movielens(dir_->path(), {.users = 600, .items = 300, .seed = 11});
    data_ = new Dataset(preprocess(read_movielens_1m(dir_->path()), {}));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete dir_;
  }
  static inline test::TempDir* dir_ = nullptr;
  static inline Dataset* data_ = nullptr;
};

TEST_F(SplitTest, BlocksAreDisjointCoveringAndSizedLikeKFold) {
  const auto blocks = user_blocks(data_->users(), {.folds = 5});
  std::vector<std::int32_t> all;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto n = data_->users();
    const auto expected = n / 5 + (static_cast<std::int32_t>(b) < n % 5 ? 1 : 0);
    EXPECT_EQ(static_cast<std::int32_t>(blocks[b].size()), expected);
    all.insert(all.end(), blocks[b].begin(), blocks[b].end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(static_cast<std::int32_t>(all.size()), data_->users());
  for (std::int32_t u = 0; u < data_->users(); ++u) EXPECT_EQ(all[static_cast<std::size_t>(u)], u);
}

TEST_F(SplitTest, RotationTrainValTest) {
  const auto blocks = user_blocks(data_->users(), {.folds = 5});
  for (std::int32_t f = 0; f < 5; ++f) {
    const auto s = make_fold_split(*data_, {.folds = 5, .fold = f});
    std::vector<std::int32_t> train;
    for (int b = 0; b < 3; ++b) train.insert(train.end(), blocks[(f + b) % 5].begin(), blocks[(f + b) % 5].end());
    std::sort(train.begin(), train.end());
    EXPECT_EQ(s.train_users, train) << "fold " << f;
    // Val users come from block f+3 and test users from block f+4 (minus dropped users).
    const auto& vb = blocks[(f + 3) % 5];
    const auto& tb = blocks[(f + 4) % 5];
    for (auto u : s.val.users) EXPECT_TRUE(std::binary_search(vb.begin(), vb.end(), u));
    for (auto u : s.test.users) EXPECT_TRUE(std::binary_search(tb.begin(), tb.end(), u));
    EXPECT_EQ(s.val.users.size() + static_cast<std::size_t>(s.dropped_val_users), vb.size());
    EXPECT_EQ(s.test.users.size() + static_cast<std::size_t>(s.dropped_test_users), tb.size());
  }
}

TEST_F(SplitTest, NoEmptySideFoldInShareAndItemsSeenInTraining) {
  const auto s = make_fold_split(*data_, {.folds = 5, .fold = 2, .foldin = 0.2});
  const auto item_counts = s.train.col_counts();
  for (auto c : item_counts) EXPECT_GT(c, 0) << "every fold item has a training user";
  EXPECT_EQ(static_cast<std::int32_t>(s.items.size()) + s.dropped_items, data_->items());
  for (const HeldOutSplit* h : {&s.val, &s.test}) {
    ASSERT_EQ(h->foldin.rows(), static_cast<std::int32_t>(h->users.size()));
    for (std::int32_t r = 0; r < h->foldin.rows(); ++r) {
      EXPECT_GT(h->foldin.row_nnz(r), 0);
      EXPECT_GT(h->heldout.row_nnz(r), 0);
      // Fold-in and held-out of a user are disjoint and together are the user's fold items.
      std::set<std::int32_t> fi(h->foldin.row(r).begin(), h->foldin.row(r).end());
      for (auto i : h->heldout.row(r)) EXPECT_FALSE(fi.count(i));
      std::set<std::int32_t> want;
      for (auto i : data_->interactions.row(h->users[static_cast<std::size_t>(r)])) {
        auto it = std::lower_bound(s.items.begin(), s.items.end(), i);
        if (it != s.items.end() && *it == i) want.insert(static_cast<std::int32_t>(it - s.items.begin()));
      }
      std::set<std::int32_t> got = fi;
      got.insert(h->heldout.row(r).begin(), h->heldout.row(r).end());
      EXPECT_EQ(got, want);
    }
    const double share = static_cast<double>(h->foldin.nnz()) / static_cast<double>(h->foldin.nnz() + h->heldout.nnz());
    // The pooled draw gives exactly 20 % fold-in; dropping users left without fold-in items then removes
    // held-out interactions only, so the kept share is a little above 0.2.
    EXPECT_GE(share, 0.2);
    EXPECT_LT(share, 0.26);
  }
  // Train rows are the users' full rows restricted to fold items.
  for (std::size_t r = 0; r < s.train_users.size(); ++r)
    EXPECT_EQ(s.train.row_nnz(static_cast<std::int32_t>(r)), data_->interactions.row_nnz(s.train_users[r]));
}

TEST_F(SplitTest, SameSeedSameSplitDifferentSeedDifferentSplit) {
  const auto a = make_fold_split(*data_, {.folds = 5, .fold = 1, .seed = 42});
  const auto b = make_fold_split(*data_, {.folds = 5, .fold = 1, .seed = 42});
  const auto c = make_fold_split(*data_, {.folds = 5, .fold = 1, .seed = 43});
  EXPECT_EQ(a.train_users, b.train_users);
  EXPECT_EQ(a.val.users, b.val.users);
  EXPECT_EQ(a.test.foldin, b.test.foldin);
  EXPECT_EQ(a.test.heldout, b.test.heldout);
  EXPECT_NE(a.train_users, c.train_users);
  EXPECT_NE(a.test.users, c.test.users);
}

TEST_F(SplitTest, RejectsInvalidOptionsNamingTheKey) {
  for (const SplitOptions& o : {SplitOptions{.folds = 2}, SplitOptions{.folds = 5, .fold = 5},
                                SplitOptions{.folds = 5, .fold = 0, .seed = 1, .foldin = 1.0}}) {
    try {
      (void)make_fold_split(*data_, o);
      FAIL();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("split."), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW((void)user_blocks(4, {.folds = 5}), InputError);
}

}  // namespace
}  // namespace advx
