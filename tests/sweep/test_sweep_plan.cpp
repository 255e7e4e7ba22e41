#include "advx/sweep/sweep_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

namespace advx {
namespace {

std::filesystem::path write_sweep(const std::string& body) {
  const auto p = std::filesystem::temp_directory_path() / ("advx-plan-" + std::to_string(std::random_device{}()) + ".yaml");
  std::ofstream(p) << body;
  return p;
}

const char* kBase = R"(name: t
data: {format: synthetic, path: /tmp/advx-plan-data, users: 100, items: 60}
attributes:
  gender: {type: categorical}
adversaries:
  gender: {lambda: 0}
)";

TEST(SweepPlan, CartesianProductFirstAxisOutermostTimesReplicates) {
  const auto p = write_sweep(std::string(kBase) + "replicates: 2\ngrid:\n  adversaries.gender.lambda: [0, 200]\n  split.fold: [0, 1, 2]\n");
  const auto plan = make_plan(SweepFile::load(p));
  ASSERT_EQ(plan.trials.size(), 12u);
  EXPECT_EQ(plan.grid_keys, (std::vector<std::string>{"adversaries.gender.lambda", "split.fold"}));
  // index = ((λ index)·3 + fold index)·2 + replicate
  const auto& t = plan.trials[7];
  EXPECT_EQ(t.index, 7);
  EXPECT_EQ(t.assignments[0].second, "200");
  EXPECT_EQ(t.assignments[1].second, "0");
  EXPECT_EQ(t.replicate, 1);
  std::set<std::string> ids;
  std::set<std::uint64_t> seeds;
  for (const auto& tr : plan.trials) {
    ids.insert(tr.id);
    seeds.insert(tr.seed);
  }
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_EQ(seeds.size(), 12u);
  std::filesystem::remove(p);
}

TEST(SweepPlan, IdsAndSeedsDependOnParametersNotOnPosition) {
  // Reordering an axis' values moves trials in the plan but keeps each trial's id and seed.
  const auto a = write_sweep(std::string(kBase) + "grid:\n  adversaries.gender.lambda: [0, 200, 400]\n");
  const auto b = write_sweep(std::string(kBase) + "grid:\n  adversaries.gender.lambda: [400, 0, 200, 800]\n");
  const auto pa = make_plan(SweepFile::load(a));
  const auto pb = make_plan(SweepFile::load(b));
  auto find = [](const SweepPlan& p, const std::string& v) {
    for (const auto& t : p.trials)
      if (t.assignments[0].second == v) return t;
    return TrialSpec{};
  };
  for (const char* v : {"0", "200", "400"}) {
    EXPECT_EQ(find(pa, v).id, find(pb, v).id) << v;
    EXPECT_EQ(find(pa, v).seed, find(pb, v).seed) << v;
  }
  // Adding grid values keeps the sweep identity (a resumed file gets the new points)...
  EXPECT_EQ(pa.identity, pb.identity);
  // ...while changing any other setting makes it another sweep.
  const auto pc = make_plan(SweepFile::load(a, {"train.epochs=3"}));
  EXPECT_NE(pa.identity, pc.identity);
  // The data path counts as a path: other spellings of the same directory are the same sweep; another
  // directory is not.
  for (const char* same : {"/tmp/advx-plan-data/", "/tmp/./advx-plan-data", "/tmp/x/../advx-plan-data//"})
    EXPECT_EQ(make_plan(SweepFile::load(a, {std::string("data.path=") + same})).identity, pa.identity) << same;
  EXPECT_NE(make_plan(SweepFile::load(a, {"data.path=/tmp/advx-plan-data2"})).identity, pa.identity);
  for (const auto& p : {a, b}) std::filesystem::remove(p);
}

TEST(SweepPlan, KeyOrderOfAResultFileGivesReorderedAxesTheSameIdsAndSeeds) {
  const auto a = write_sweep(std::string(kBase) + "grid:\n  adversaries.gender.lambda: [0, 200]\n  split.fold: [0, 1, 2]\n");
  const auto b = write_sweep(std::string(kBase) + "grid:\n  split.fold: [0, 1, 2, 3]\n  adversaries.gender.lambda: [0, 200]\n");
  const auto pa = make_plan(SweepFile::load(a));
  const auto pb_own = make_plan(SweepFile::load(b));
  const auto pb = make_plan(SweepFile::load(b), pa.grid_keys);
  EXPECT_EQ(pa.identity, pb.identity);
  EXPECT_EQ(pb.grid_keys, pa.grid_keys) << "the file's order is kept";
  const auto by_values = [](const SweepPlan& p) {
    std::map<std::string, std::pair<std::string, std::uint64_t>> out;  // "fold,λ" → (id, seed)
    for (const auto& t : p.trials) {
      std::string fold, lambda;
      for (const auto& [k, v] : t.assignments) (k == "split.fold" ? fold : lambda) = v;
      out[fold + "," + lambda] = {t.id, t.seed};
    }
    return out;
  };
  const auto ia = by_values(pa), ib = by_values(pb), ib_own = by_values(pb_own);
  ASSERT_EQ(ib.size(), 8u);
  for (const auto& [point, id_seed] : ia) {
    EXPECT_EQ(ib.at(point), id_seed) << point;
    EXPECT_NE(ib_own.at(point).first, id_seed.first) << point << ": without the key order the ids differ";
  }
  // Indices follow the file's order too (shards are index mod N): the plan is, trial by trial, that of
  // the same values written in the file's order.
  const auto c = write_sweep(std::string(kBase) + "grid:\n  adversaries.gender.lambda: [0, 200]\n  split.fold: [0, 1, 2, 3]\n");
  const auto pc = make_plan(SweepFile::load(c));
  ASSERT_EQ(pb.trials.size(), pc.trials.size());
  for (std::size_t i = 0; i < pc.trials.size(); ++i) {
    EXPECT_EQ(pb.trials[i].index, pc.trials[i].index);
    EXPECT_EQ(pb.trials[i].id, pc.trials[i].id) << i;
    EXPECT_EQ(pb.trials[i].seed, pc.trials[i].seed) << i;
    EXPECT_EQ(pb.trials[i].assignments, pc.trials[i].assignments) << i;
  }
  std::filesystem::remove(c);
  // A key order that is no permutation of the axes (another grid) is ignored.
  EXPECT_EQ(make_plan(SweepFile::load(b), {"split.fold"}).trials[0].id, pb_own.trials[0].id);
  EXPECT_EQ(make_plan(SweepFile::load(b), {"split.fold", "train.lr"}).grid_keys, pb_own.grid_keys);
  for (const auto& p : {a, b}) std::filesystem::remove(p);
}

TEST(SweepPlan, TrialConfigCarriesAssignmentsAndSeed) {
  const auto p = write_sweep(std::string(kBase) + "grid:\n  adversaries.gender.lambda: [0, 200]\n");
  const auto sweep = SweepFile::load(p);
  const auto plan = make_plan(sweep);
  const auto c = trial_config(sweep, plan.trials[1]);
  ASSERT_EQ(c.model.adversaries.size(), 1u);
  EXPECT_EQ(c.model.adversaries[0].lambda, 200.0);
  EXPECT_EQ(c.seed, plan.trials[1].seed);
  std::filesystem::remove(p);
}

TEST(SweepPlan, ExplicitSeedsAreUsedAsGiven) {
  const auto p = write_sweep(std::string(kBase) + "seeds: [42, 7]\n");
  const auto plan = make_plan(SweepFile::load(p));
  ASSERT_EQ(plan.trials.size(), 2u);
  EXPECT_EQ(plan.trials[0].seed, 42u);
  EXPECT_EQ(plan.trials[1].seed, 7u);
  std::filesystem::remove(p);
}

TEST(SweepPlan, SettingsChangeNamesChangedValuesAndGridAxesAddedOrRemoved) {
  const std::string text = std::string(kBase) + "grid:\n  adversaries.gender.lambda: [0, 200]\n";
  const auto before = SweepFile::from_text(text, "s.yaml");
  EXPECT_EQ(settings_change(before, SweepFile::from_text(text, "s.yaml", {"threads=2"})), "");
  EXPECT_EQ(settings_change(before, SweepFile::from_text(text, "s.yaml", {"grid.adversaries.gender.lambda=[0, 1]"})), "");
  EXPECT_EQ(settings_change(before, SweepFile::from_text(text, "s.yaml", {"train.lr=0.01"})), "train.lr: 0.001 → 0.01");
  // A fixed setting turned into an axis: no value differs, the identity does (and the message says why).
  const auto folds = SweepFile::from_text(text, "s.yaml", {"grid.split.fold=[0, 1]"});
  EXPECT_NE(make_plan(before).identity, make_plan(folds).identity);
  EXPECT_EQ(settings_change(before, folds), "split.fold: fixed 0 → grid axis");
  EXPECT_EQ(settings_change(folds, before), "split.fold: grid axis → fixed 0");
  // Pinning an axis with a settings key removes it.
  EXPECT_EQ(settings_change(before, SweepFile::from_text(text, "s.yaml", {"adversaries.gender.lambda=5"})),
            "adversaries.gender.lambda: grid axis → fixed 5");
  // A seeds: list is named by its values (reordered, extended, or new), not as a replicate count.
  const auto seeds78 = SweepFile::from_text(text, "s.yaml", {"seeds=[7, 8]"});
  EXPECT_EQ(settings_change(seeds78, SweepFile::from_text(text, "s.yaml", {"seeds=[8, 7]"})), "seeds: [7, 8] → [8, 7]");
  EXPECT_EQ(settings_change(seeds78, SweepFile::from_text(text, "s.yaml", {"seeds=[7, 8, 9]"})), "seeds: [7, 8] → [7, 8, 9]");
  EXPECT_EQ(settings_change(before, seeds78), "seeds: none → [7, 8]");
  EXPECT_EQ(settings_change(before, SweepFile::from_text(text, "s.yaml", {"replicates=3"})), "replicates: 1 → 3");
}

TEST(SweepPlan, ReplicatesMayGrowWhenEveryKeptReplicateKeepsItsSeed) {
  const std::string text = std::string(kBase) + "grid:\n  adversaries.gender.lambda: [0, 200]\n";
  const auto with = [&](std::vector<std::string> sets) { return SweepFile::from_text(text, "s.yaml", std::move(sets)); };
  const auto seeds78 = with({"seeds=[7, 8]"});
  EXPECT_TRUE(replicates_may_change(seeds78, with({"seeds=[7, 8, 9]"})));  // extended
  EXPECT_FALSE(replicates_may_change(seeds78, with({"seeds=[7]"})));       // cut: then [7, 9] would reuse 8's row
  EXPECT_FALSE(replicates_may_change(with({"replicates=3"}), with({"replicates=2"})));
  EXPECT_FALSE(replicates_may_change(seeds78, with({"seeds=[8, 7, 9]"})));  // replicate 0 would change its seed
  EXPECT_FALSE(replicates_may_change(seeds78, with({"seeds=[7, 9]"})));
  EXPECT_FALSE(replicates_may_change(seeds78, with({"replicates=2"})));     // listed → derived seeds
  EXPECT_TRUE(replicates_may_change(with({}), with({"replicates=3"})));
  EXPECT_FALSE(replicates_may_change(with({}), seeds78));
  // The settings identity ignores the replicate setup; the identity does not. The trials both plans
  // have keep their ids and seeds.
  const auto a = make_plan(seeds78), b = make_plan(with({"seeds=[7, 8, 9]"}));
  EXPECT_EQ(a.settings_identity, b.settings_identity);
  EXPECT_NE(a.identity, b.identity);
  EXPECT_NE(a.settings_identity, make_plan(with({"seeds=[7, 8, 9]", "train.lr=0.01"})).settings_identity);
  std::map<std::string, std::uint64_t> seed_of;
  for (const auto& t : b.trials) seed_of[t.id] = t.seed;
  for (const auto& t : a.trials) EXPECT_EQ(seed_of.at(t.id), t.seed) << t.label();
  const auto r3 = make_plan(with({"replicates=3"})), r2 = make_plan(with({"replicates=2"}));
  seed_of.clear();
  for (const auto& t : r3.trials) seed_of[t.id] = t.seed;
  for (const auto& t : r2.trials) EXPECT_EQ(seed_of.at(t.id), t.seed) << t.label();
}

}  // namespace
}  // namespace advx
