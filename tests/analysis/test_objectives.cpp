// Objective specs, their values, and the replicate summaries.

#include <gtest/gtest.h>

#include <cmath>

#include "advx/analysis/aggregate.h"
#include "advx/analysis/objectives.h"
#include "advx/common/error.h"

namespace advx {
namespace {

/// Runs f, expects InputError whose message contains `part`.
template <class F>
::testing::AssertionResult throws_input_error(F f, const std::string& part) {
  try {
    f();
  } catch (const InputError& e) {
    if (std::string(e.what()).find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << e.what() << "' lacks '" << part << "'";
  }
  return ::testing::AssertionFailure() << "no InputError";
}

TEST(ObjectivesTest, ParsesSenses) {
  const auto o = parse_objectives("test.ndcg@10:max, attack.gender.bacc:chance,attack.occ.bacc:chance=0.05,test.loss:min");
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0].metric, "test.ndcg@10");
  EXPECT_EQ(o[0].sense, Sense::kMax);
  EXPECT_EQ(o[1].sense, Sense::kChance);
  EXPECT_TRUE(o[1].chance_from_file) << "'chance' alone: the file's stored level, filled in by resolve_chance_levels";
  EXPECT_DOUBLE_EQ(o[2].chance, 0.05);
  EXPECT_FALSE(o[2].chance_from_file);
  EXPECT_EQ(o[3].sense, Sense::kMin);
  // spec() round-trips, as given: 'chance' stays the stored levels (also once resolved to one level).
  EXPECT_EQ(o[1].spec(), "attack.gender.bacc:chance");
  EXPECT_EQ(o[2].spec(), "attack.occ.bacc:chance=0.05");
  std::string joined;
  for (const auto& x : o) joined.append(joined.empty() ? "" : ",").append(x.spec());
  const auto again = parse_objectives(joined);
  ASSERT_EQ(again.size(), o.size());
  for (std::size_t i = 0; i < o.size(); ++i) EXPECT_EQ(again[i].spec(), o[i].spec());
}

TEST(ObjectivesTest, ValuesAndCosts) {
  const Objective chance{.metric = "attack.gender.bacc", .sense = Sense::kChance, .chance = 0.5};
  EXPECT_DOUBLE_EQ(chance.value(0.62), 0.12);
  EXPECT_DOUBLE_EQ(chance.value(0.38), 0.12) << "below chance leaks as much as above";
  EXPECT_DOUBLE_EQ(chance.cost(0.12), 0.12);
  const Objective ndcg{.metric = "test.ndcg@10", .sense = Sense::kMax};
  EXPECT_DOUBLE_EQ(ndcg.cost(ndcg.value(0.3)), -0.3);
}

TEST(ObjectivesTest, BadSpecsNameTheEntry) {
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("test.ndcg@10:maximum"); }, "unknown sense 'maximum'"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("a:max,,b"); }, "empty objective"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("a:max,test.loss"); },
                                 "objective 'test.loss' has no sense; write test.loss:max, test.loss:min or test.loss:chance"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("last.test.ndcg@10"); }, "without its checkpoint"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("a.bacc:chance=half"); }, "'half' is not a number"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("test.ndcg@10:chance"); },
                                 "only a balanced accuracy (attack.<attr>.bacc) has a stored chance level"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("attack.gender.bacc:chance=2"); },
                                 "chance level 2 is outside 0..1, the range of a balanced accuracy"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("attack.gender.bacc:chance=-0.1"); }, "outside 0..1"));
  EXPECT_EQ(parse_objectives("attack.occ.bacc:chance=1")[0].chance, 1.0) << "the bounds are levels a BAcc can have";
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("attack.age.mae:chance"); },
                                 "a MAE has no chance level; use attack.age.mae:max"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("attack.age.mae:chance=7.5"); }, "a MAE has no chance level"));
  EXPECT_EQ(parse_objectives("attack.x.score:chance=7.5")[0].chance, 7.5) << "only a BAcc is bounded";
  EXPECT_EQ((Objective{"attack.occ.bacc", Sense::kChance, 1.0 / 21}).label(), "|attack.occ.bacc−0.04762| ↓");
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives("a:max,a:min"); }, "'a' given twice"));
  EXPECT_TRUE(throws_input_error([] { (void)parse_objectives(":max"); }, "names no metric"));
}

TEST(AggregateTest, MeanAndSampleStd) {
  const auto s = summarize({1.0, 2.0, 3.0, std::nan("")});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.std, 1.0);  // n − 1 in the denominator
  const auto one = summarize({4.0});
  EXPECT_EQ(one.n, 1);
  EXPECT_DOUBLE_EQ(one.mean, 4.0);
  EXPECT_TRUE(std::isnan(one.std));  // undefined for one value (pandas: NaN), not 0
  EXPECT_TRUE(std::isnan(summarize({}).mean));
}

TEST(AggregateTest, ReplicateKeys) {
  EXPECT_TRUE(is_replicate_key("split.fold"));
  EXPECT_TRUE(is_replicate_key("split.seed"));
  EXPECT_TRUE(is_replicate_key("data.seed"));
  EXPECT_TRUE(is_replicate_key("replicate"));
  EXPECT_FALSE(is_replicate_key("adversaries.gender.lambda"));
  EXPECT_FALSE(is_replicate_key("split.folds"));
  EXPECT_FALSE(is_replicate_key("train.seedling"));
}

}  // namespace
}  // namespace advx
