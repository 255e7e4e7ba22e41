#include "advx/data/synthetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "advx/common/error.h"
#include "advx/data/readers.h"
#include "advx/eval/attacker_metrics.h"
#include "test_helpers.h"

namespace advx {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Synthetic, DeterministicInTheSeed) {
  test::TempDir a, b, c;
  write_synthetic_movielens(a.path(), {.users = 200, .items = 150, .seed = 9});
  write_synthetic_movielens(b.path(), {.users = 200, .items = 150, .seed = 9});
  write_synthetic_movielens(c.path(), {.users = 200, .items = 150, .seed = 10});
  EXPECT_EQ(slurp(a.path() / "ratings.dat"), slurp(b.path() / "ratings.dat"));
  EXPECT_EQ(slurp(a.path() / "users.dat"), slurp(b.path() / "users.dat"));
  EXPECT_NE(slurp(a.path() / "ratings.dat"), slurp(c.path() / "ratings.dat"));
}

// A sweep's data.format synthetic generates each data set once, into its own subdirectory of data.path
// named by the options, and reuses it only when its stamp names the same options; a stamp that does not
// match, or a data set without one, is an error naming the directory and what differs; nothing is
// overwritten.
TEST(Synthetic, EnsureGeneratesOnceIntoItsOwnDirectory) {
  test::TempDir root;
  const SyntheticOptions o{.users = 200, .items = 150, .seed = 9};
  const auto dir = ensure_synthetic_movielens(root.path(), o);
  EXPECT_EQ(dir, root.path() / "users200-items150-seed9");
  EXPECT_EQ(dir, synthetic_dataset_dir(root.path(), o));
  const auto ratings = slurp(dir / "ratings.dat");
  ASSERT_FALSE(ratings.empty());
  const auto stamp = slurp(dir / kSyntheticStamp);
  EXPECT_NE(stamp.find("users: 200\n"), std::string::npos) << stamp;
  EXPECT_NE(stamp.find("clusters: 16\n"), std::string::npos) << stamp;  // the resolved default
  EXPECT_NE(stamp.find("taste: 0.8\n"), std::string::npos) << stamp;
  EXPECT_NE(stamp.find("ratings_bytes: " + std::to_string(ratings.size()) + "\n"), std::string::npos) << stamp;

  // Same options: reused as is (the ratings file is not rewritten); spelled-out defaults are the same.
  std::filesystem::last_write_time(dir / "ratings.dat", std::filesystem::file_time_type{});
  EXPECT_EQ(ensure_synthetic_movielens(root.path(), o), dir);
  ensure_synthetic_movielens(root.path(), {.users = 200, .items = 150, .seed = 9, .clusters = 16, .signal = 1.0, .taste = 0.8});
  EXPECT_EQ(std::filesystem::last_write_time(dir / "ratings.dat"), std::filesystem::file_time_type{});

  // Another seed (a grid over data.seed): its own data set next to the first.
  const auto other = ensure_synthetic_movielens(root.path(), {.users = 200, .items = 150, .seed = 10});
  EXPECT_EQ(other, root.path() / "users200-items150-seed10");
  EXPECT_NE(slurp(other / "ratings.dat"), ratings);

  auto refused = [&](const SyntheticOptions& opts) -> std::string {
    try {
      ensure_synthetic_movielens(root.path(), opts);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  // Options a sweep cannot set differ from the stamp (e.g. made by `advx data synth --signal 2`).
  const auto msg = refused({.users = 200, .items = 150, .seed = 9, .signal = 2.0});
  EXPECT_NE(msg.find(dir.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("signal 1 (asked: 2)"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("users 200"), std::string::npos) << msg;  // only what differs
  // The ratings changed behind the stamp's back.
  { std::ofstream(dir / "ratings.dat", std::ios::app) << "1::1::5::0\n"; }
  EXPECT_NE(refused(o).find("ratings.dat of"), std::string::npos);
  { std::ofstream(dir / "ratings.dat", std::ios::trunc) << ratings; }
  EXPECT_EQ(refused(o), "");
  // A data set without a stamp (put there by hand) is not taken for a generated one.
  std::filesystem::remove(dir / kSyntheticStamp);
  const auto no_stamp = refused(o);
  EXPECT_NE(no_stamp.find("no synthetic.txt"), std::string::npos) << no_stamp;
  EXPECT_EQ(slurp(dir / "ratings.dat"), ratings);
}

TEST(Synthetic, ShapeResemblesMovieLens1M) {
  test::TempDir dir;
  const auto s = write_synthetic_movielens(dir.path(), {.users = 1000, .items = 1000, .seed = 2});
  const auto raw = read_movielens_1m(dir.path());
  EXPECT_EQ(raw.user_ids.size(), 1000u);
  const double per_user = static_cast<double>(s.ratings) / 1000.0;
  EXPECT_GT(per_user, 0.030 * 1000);  // ML-1M: 165 ratings per user over 3706 items ≈ 4.5 %
  EXPECT_LT(per_user, 0.070 * 1000);
  const double liked = static_cast<double>(s.ratings_ge4) / static_cast<double>(s.ratings);
  EXPECT_GT(liked, 0.45);  // ML-1M: 57.5 % of ratings are ≥ 4
  EXPECT_LT(liked, 0.75);
  EXPECT_NEAR(s.female / 1000.0, 0.283, 0.05);
  const auto ds = preprocess(raw, {});
  EXPECT_GT(ds.users(), 950);
  EXPECT_GT(ds.items(), 500);
}

// The planted signal must be learnable from the interactions alone: a nearest-centroid classifier on
// L2-normalised rows (train on even users, test on odd) recovers gender clearly above chance, and
// does not when the signal is switched off.
double centroid_gender_bacc(double signal) {
  test::TempDir dir;
  write_synthetic_movielens(dir.path(), {.users = 1500, .items = 500, .seed = 5, .signal = signal});
  const auto ds = preprocess(read_movielens_1m(dir.path()), {});
  const auto& g = ds.attributes.get("gender").codes();
  std::vector<std::vector<double>> centroid(2, std::vector<double>(static_cast<std::size_t>(ds.items()), 0.0));
  auto add_row = [&](std::int32_t u, std::vector<double>& v, double w) {
    const double norm = std::sqrt(static_cast<double>(ds.interactions.row_nnz(u)));
    for (auto i : ds.interactions.row(u)) v[static_cast<std::size_t>(i)] += w / norm;
  };
  std::vector<int> n(2, 0);
  for (std::int32_t u = 0; u < ds.users(); u += 2) {
    add_row(u, centroid[static_cast<std::size_t>(g[static_cast<std::size_t>(u)])], 1.0);
    n[static_cast<std::size_t>(g[static_cast<std::size_t>(u)])]++;
  }
  for (int c = 0; c < 2; ++c)
    for (auto& x : centroid[static_cast<std::size_t>(c)]) x /= n[static_cast<std::size_t>(c)];
  std::vector<std::int32_t> y_true, y_pred;
  for (std::int32_t u = 1; u < ds.users(); u += 2) {
    double best = -1e300;
    std::int32_t arg = 0;
    for (std::int32_t c = 0; c < 2; ++c) {
      double dist = 0;  // squared distance to the centroid, up to terms equal for both classes
      for (auto x : centroid[static_cast<std::size_t>(c)]) dist += x * x;
      const double norm = std::sqrt(static_cast<double>(ds.interactions.row_nnz(u)));
      for (auto i : ds.interactions.row(u)) dist -= 2.0 * centroid[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)] / norm;
      if (-dist > best) {
        best = -dist;
        arg = c;
      }
    }
    y_true.push_back(g[static_cast<std::size_t>(u)]);
    y_pred.push_back(arg);
  }
  return balanced_accuracy(y_true, y_pred, 2);
}

TEST(Synthetic, PlantedGenderSignalIsRecoverable) {
  EXPECT_GT(centroid_gender_bacc(1.0), 0.70);
  EXPECT_LT(centroid_gender_bacc(0.0), 0.60);
}

TEST(Synthetic, RejectsImpossibleSizes) {
  test::TempDir dir;
  EXPECT_THROW(write_synthetic_movielens(dir.path(), {.users = 5}), InputError);
  EXPECT_THROW(write_synthetic_movielens(dir.path(), {.users = 100, .items = 10}), InputError);
}

}  // namespace
}  // namespace advx
