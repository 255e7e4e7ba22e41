#include "advx/train/trainer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "advx/common/error.h"
#include "advx/data/readers.h"
#include "advx/data/synthetic.h"

namespace advx {
namespace {

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("advx-trainer-" + std::to_string(std::random_device{}()));
    write_synthetic_movielens(dir_, {.users = 400, .items = 200, .seed = 3, .signal = 2.0});
    data_ = new Dataset(preprocess(read_movielens_1m(dir_), {}));
  }
  static void TearDownTestSuite() {
    delete data_;
    std::filesystem::remove_all(dir_);
  }

  static TrialConfig config(std::int32_t epochs = 4) {
    TrialConfig c;
    c.attributes = {{.name = "gender", .categorical = true, .class_weights = {{"f", 0.7}, {"m", 0.3}}},
                    {.name = "age", .categorical = false, .class_weights = {}, .target = TargetTransform::kZScore}};
    c.model.latent = 16;
    AdversaryConfig g;
    g.attribute = "gender";
    g.lambda = 5.0;
    g.head = {.heads = 3, .hidden = {5}, .activation = Activation::kReLU, .dropout = 0.3f};
    AdversaryConfig a;
    a.attribute = "age";
    a.lambda = 1.0;
    a.head = {.heads = 2, .hidden = {5}, .activation = Activation::kSigmoid, .dropout = 0.3f};
    c.model.adversaries = {g, a};
    c.train.epochs = epochs;
    c.attackers.epochs = 5;
    c.seed = 7;
    return c;
  }

  static inline std::filesystem::path dir_;
  static inline Dataset* data_ = nullptr;
};

TEST_F(TrainerTest, RunsAndReportsBothCheckpoints) {
  const auto r = run_trial(config(), *data_);
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(r.epochs_run, 4);
  ASSERT_EQ(r.curves.size(), 4u);
  EXPECT_EQ(r.adversaries, (std::vector<std::string>{"gender", "age"}));
  EXPECT_EQ(r.curves[0].adversary_loss.size(), 2u);
  EXPECT_LT(r.curves[3].train_vae, r.curves[0].train_vae);  // it learns
  ASSERT_EQ(r.checkpoints.size(), 2u);
  EXPECT_EQ(r.checkpoints[0].name, "best");
  EXPECT_EQ(r.checkpoints[1].name, "last");
  EXPECT_EQ(r.checkpoints[1].epoch, 3);
  for (const auto& cp : r.checkpoints) {
    for (const char* key : {"test.ndcg@10", "test.recall@10", "test.recall_min@10", "test.coverage@10", "test.ndcg@50",
                            "test.loss", "attack.gender.bacc", "attack.gender.bacc_batch", "attack.age.mae",
                            "attack.age.mae_constant"}) {
      ASSERT_TRUE(cp.metrics.count(key)) << cp.name << " lacks " << key;
      EXPECT_TRUE(std::isfinite(cp.metrics.at(key))) << key;
    }
    std::vector<std::string> keys;
    for (const auto& [k, v] : cp.metrics) keys.push_back(k);
    EXPECT_EQ(keys, checkpoint_metric_names(config())) << cp.name;  // what reports of unreached checkpoints list
    EXPECT_GT(cp.metrics.at("test.ndcg@10"), 0.05);
    EXPECT_GE(cp.metrics.at("attack.gender.bacc"), 0.0);
    EXPECT_LE(cp.metrics.at("attack.gender.bacc"), 1.0);
  }
}

TEST_F(TrainerTest, ReportsEachCompletedEpochToTheCallback) {
  std::vector<EpochRecord> seen;
  const auto r = run_trial(config(3), *data_, [&seen](const EpochRecord& e) { seen.push_back(e); });
  ASSERT_EQ(seen.size(), 3u);
  for (std::size_t e = 0; e < seen.size(); ++e) {
    EXPECT_EQ(seen[e].epoch, static_cast<std::int32_t>(e));
    EXPECT_EQ(seen[e].val_select, r.curves[e].val_select);  // validated before it is reported
    EXPECT_EQ(seen[e].train_loss, r.curves[e].train_loss);
  }
}

TEST_F(TrainerTest, SameConfigSameNumbers) {
  const auto a = run_trial(config(3), *data_);
  const auto b = run_trial(config(3), *data_);
  ASSERT_EQ(a.checkpoints.size(), b.checkpoints.size());
  for (std::size_t i = 0; i < a.checkpoints.size(); ++i) EXPECT_EQ(a.checkpoints[i].metrics, b.checkpoints[i].metrics);
  auto c = config(3);
  c.seed = 8;
  EXPECT_NE(run_trial(c, *data_).checkpoints[1].metrics, a.checkpoints[1].metrics);
}

TEST_F(TrainerTest, ResumesBitIdenticallyFromACheckpoint) {
  const auto path = dir_ / "trial.ckpt";
  const auto straight = run_trial(config(5), *data_);
  {
    Trainer t(config(5), *data_);
    for (int e = 0; e < 2; ++e) t.train_epoch();
    t.save_checkpoint(path);
  }  // the first process "dies" here
  Trainer resumed(config(5), *data_);
  resumed.load_checkpoint(path);
  EXPECT_EQ(resumed.epoch(), 2);
  while (resumed.train_epoch()) {
  }
  const auto r = resumed.finish();
  ASSERT_EQ(r.curves.size(), straight.curves.size());
  for (std::size_t e = 0; e < r.curves.size(); ++e) {
    EXPECT_EQ(r.curves[e].train_loss, straight.curves[e].train_loss) << "epoch " << e;
    EXPECT_EQ(r.curves[e].val_select, straight.curves[e].val_select) << "epoch " << e;
  }
  ASSERT_EQ(r.checkpoints.size(), straight.checkpoints.size());
  for (std::size_t i = 0; i < r.checkpoints.size(); ++i) {
    EXPECT_EQ(r.checkpoints[i].epoch, straight.checkpoints[i].epoch);
    EXPECT_EQ(r.checkpoints[i].metrics, straight.checkpoints[i].metrics);
  }
}

TEST_F(TrainerTest, RejectsACheckpointOfAnotherTrial) {
  const auto path = dir_ / "other.ckpt";
  {
    Trainer t(config(2), *data_);
    t.train_epoch();
    t.save_checkpoint(path);
  }
  auto c = config(2);
  c.seed = 99;
  Trainer other(c, *data_);
  EXPECT_THROW(other.load_checkpoint(path), InputError);
  std::filesystem::resize_file(path, 100);
  Trainer same(config(2), *data_);
  EXPECT_THROW(same.load_checkpoint(path), InputError);
  // A format-1 checkpoint (heads stored one by one) is named as such.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.write("ADVXCKT1", 8);
  }
  try {
    same.load_checkpoint(path);
    ADD_FAILURE() << "a format-1 checkpoint was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("older advx (format 1)"), std::string::npos) << e.what();
  }
}

// The sweep runner tags checkpoints with its trial's settings: a checkpoint is resumed only under the tag
// it was saved with (a trial of the same seed and shapes but, say, another learning rate is another trial).
TEST_F(TrainerTest, ResumesACheckpointOnlyUnderItsSettingsTag) {
  const auto path = dir_ / "tagged.ckpt";
  {
    Trainer t(config(2), *data_);
    t.train_epoch();
    t.save_checkpoint(path, "settings-a");
  }
  Trainer other(config(2), *data_);
  try {
    other.load_checkpoint(path, "settings-b");
    ADD_FAILURE() << "a checkpoint saved under another tag was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint of other settings (saved under settings-a"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(other.load_checkpoint(path), InputError);  // untagged
  Trainer same(config(2), *data_);
  same.load_checkpoint(path, "settings-a");
  EXPECT_EQ(same.epoch(), 1);
  // Format 2 (no tag) is named as an older format.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.write("ADVXCKT2", 8);
  }
  try {
    same.load_checkpoint(path, "settings-a");
    ADD_FAILURE() << "a format-2 checkpoint was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("older advx (format 2)"), std::string::npos) << e.what();
  }
}

TEST_F(TrainerTest, DivergenceIsAStatusNotACrash) {
  auto c = config(3);
  c.train.lr = 1e9;
  c.train.adv_lr = 1e9;
  c.model.adversaries[1].lambda = 1e9;
  const auto r = run_trial(c, *data_);
  EXPECT_EQ(r.status, "diverged");
  EXPECT_GE(r.diverged_epoch, 0);
  // The message counts from 1 ("epoch 1 of 3" for diverged_epoch 0), as the CLI's summaries do.
  EXPECT_NE(r.message.find(fmt::format("epoch {} of 3", r.diverged_epoch + 1)), std::string::npos) << r.message;
  for (const auto& cp : r.checkpoints) EXPECT_EQ(cp.name, "best");
}

TEST_F(TrainerTest, SettingsTheDataContradictsAreInputErrors) {
  auto c = config(1);
  c.attributes[0].class_weights = {{"f", 0.7}, {"x", 0.3}};
  try {
    Trainer t(c, *data_);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("attributes.gender.class_weights.x"), std::string::npos) << e.what();
  }
  c = config(1);
  c.attributes[0].name = "income";
  EXPECT_THROW(Trainer(c, *data_), InputError);
  c = config(1);
  c.train.select = "auc@10";
  EXPECT_THROW(Trainer(c, *data_), InputError);
}

}  // namespace
}  // namespace advx
