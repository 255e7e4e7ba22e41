#include "advx/eval/attacker_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace advx {
namespace {

constexpr double kTol = 1e-12;
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
using Labels = std::vector<std::int32_t>;

// y_true 0 0 0 1, y_pred 0 0 1 1: recall(0) = 2/3, recall(1) = 1/1 -> (2/3 + 1) / 2 = 5/6.
TEST(BalancedAccuracy, TwoClasses) {
  EXPECT_NEAR(balanced_accuracy(Labels{0, 0, 0, 1}, Labels{0, 0, 1, 1}, 2), 5.0 / 6.0, kTol);
  EXPECT_NEAR(balanced_accuracy(Labels{0, 1, 0, 1}, Labels{1, 0, 1, 0}, 2), 0.0, kTol);
}

// n_classes = 3 but class 2 never occurs in y_true (it is only predicted): it does not enter the mean.
// y_true 0 0 1 1, y_pred 0 2 1 1: recall(0) = 1/2, recall(1) = 2/2 -> 0.75 (not (0.5 + 1 + 0)/3 = 0.5).
TEST(BalancedAccuracy, ClassAbsentFromTruthIsIgnored) {
  EXPECT_NEAR(balanced_accuracy(Labels{0, 0, 1, 1}, Labels{0, 2, 1, 1}, 3), 0.75, kTol);
}

// Chance is over the classes present, as the BAcc's mean is: 3 classes, class 2 absent -> 1/2, which is
// what predicting one present class scores here (recall 1 and 0 over the two present classes).
TEST(BalancedAccuracyChance, CountsPresentClasses) {
  EXPECT_NEAR(balanced_accuracy_chance(Labels{0, 0, 1, 1}, 3), 0.5, kTol);
  EXPECT_NEAR(balanced_accuracy(Labels{0, 0, 1, 1}, Labels{0, 0, 0, 0}, 3), 0.5, kTol);
  EXPECT_NEAR(balanced_accuracy_chance(Labels{0, 2, 1, -1}, 3), 1.0 / 3.0, kTol);
  EXPECT_NEAR(balanced_accuracy_chance(Labels{1, 1, -1}, 2), 1.0, kTol);
  EXPECT_TRUE(std::isnan(balanced_accuracy_chance(Labels{-1}, 2)));
  EXPECT_THROW((void)balanced_accuracy_chance(Labels{0, 3}, 3), std::invalid_argument);
}

// Only class 1 present: BAcc = recall(1) = 3/4.
TEST(BalancedAccuracy, AllOneClass) {
  EXPECT_NEAR(balanced_accuracy(Labels{1, 1, 1, 1}, Labels{1, 0, 1, 1}, 2), 0.75, kTol);
}

// Negative labels are missing and skipped: rows 0 and 2 remain, recall(0) = 1/1, recall(1) = 0/1 -> 0.5.
TEST(BalancedAccuracy, MissingLabelsSkipped) {
  EXPECT_NEAR(balanced_accuracy(Labels{0, -1, 1, -1}, Labels{0, 1, 0, 0}, 2), 0.5, kTol);
  EXPECT_TRUE(std::isnan(balanced_accuracy(Labels{-1, -1}, Labels{0, 1}, 2)));
  EXPECT_TRUE(std::isnan(balanced_accuracy(Labels{}, Labels{}, 2)));
}

TEST(BalancedAccuracy, RejectsCallerErrors) {
  EXPECT_THROW((void)balanced_accuracy(Labels{0, 1}, Labels{0}, 2), std::invalid_argument);
  EXPECT_THROW((void)balanced_accuracy(Labels{0, 2}, Labels{0, 1}, 2), std::invalid_argument);
  EXPECT_THROW((void)balanced_accuracy(Labels{0, 1}, Labels{0, -1}, 2), std::invalid_argument);
  EXPECT_THROW((void)balanced_accuracy(Labels{0, 1}, Labels{0, 2}, 2), std::invalid_argument);
  EXPECT_THROW((void)balanced_accuracy(Labels{0}, Labels{0}, 0), std::invalid_argument);
  EXPECT_THROW((void)batch_mean_balanced_accuracy(Labels{0}, Labels{0}, 2, 0), std::invalid_argument);
}

// Per-batch BAcc (reference, Q3) vs global BAcc, batch size 2:
//   y_true 0 0 | 0 1,  y_pred 0 1 | 0 1
//   batch 1: only class 0, recall 1/2 -> 0.5 (weight 2); batch 2: recall(0) = 1, recall(1) = 1 -> 1.0 (weight 2)
//   per-batch mean = (0.5*2 + 1.0*2) / 4 = 0.75
//   global: recall(0) = 2/3 (rows 0,1,2 predicted 0,1,0), recall(1) = 1 -> (2/3 + 1) / 2 = 5/6 ≈ 0.833
TEST(BatchMeanBalancedAccuracy, DiffersFromGlobal) {
  const Labels t = {0, 0, 0, 1}, p = {0, 1, 0, 1};
  EXPECT_NEAR(batch_mean_balanced_accuracy(t, p, 2, 2), 0.75, kTol);
  EXPECT_NEAR(balanced_accuracy(t, p, 2), 5.0 / 6.0, kTol);
  // One batch covering everything equals the global value.
  EXPECT_NEAR(batch_mean_balanced_accuracy(t, p, 2, 64), 5.0 / 6.0, kTol);
}

// Short last batch is weighted by its size:
//   y_true 0 0 | 0 1 | 1,  y_pred 0 1 | 0 1 | 0
//   batches: 0.5 (w 2), 1.0 (w 2), recall(1) = 0 -> 0.0 (w 1)  ->  (1 + 2 + 0) / 5 = 0.6
TEST(BatchMeanBalancedAccuracy, ShortLastBatch) {
  EXPECT_NEAR(batch_mean_balanced_accuracy(Labels{0, 0, 0, 1, 1}, Labels{0, 1, 0, 1, 0}, 2, 2), 0.6, kTol);
}

// Missing labels: weights count labelled rows; batches without labels are left out.
//   y_true 0 -1 | 1 1 | -1,  y_pred 0 0 | 1 0 | 1
//   batch 1: row 0 only, recall(0) = 1 -> 1.0 (w 1); batch 2: recall(1) = 1/2 -> 0.5 (w 2); batch 3: skipped
//   -> (1*1 + 0.5*2) / 3 = 2/3
TEST(BatchMeanBalancedAccuracy, MissingLabels) {
  EXPECT_NEAR(batch_mean_balanced_accuracy(Labels{0, -1, 1, 1, -1}, Labels{0, 0, 1, 0, 1}, 2, 2), 2.0 / 3.0, kTol);
  EXPECT_TRUE(std::isnan(batch_mean_balanced_accuracy(Labels{-1, -1}, Labels{0, 0}, 2, 1)));
}

// pred 1 2 3, target 2 2 5: |1-2| + |2-2| + |3-5| = 1 + 0 + 2 = 3 -> 3/3 = 1.
// NaN target skipped: pred 1 2 3, target 2 NaN 5: (1 + 2) / 2 = 1.5.
TEST(MeanAbsoluteError, HandComputed) {
  EXPECT_NEAR(mean_absolute_error(std::vector<float>{1, 2, 3}, std::vector<float>{2, 2, 5}), 1.0, kTol);
  EXPECT_NEAR(mean_absolute_error(std::vector<float>{1, 2, 3}, std::vector<float>{2, kNaNf, 5}), 1.5, kTol);
  EXPECT_TRUE(std::isnan(mean_absolute_error(std::vector<float>{}, std::vector<float>{})));
  EXPECT_TRUE(std::isnan(mean_absolute_error(std::vector<float>{kNaNf, 1}, std::vector<float>{1, 1})));
  EXPECT_THROW((void)mean_absolute_error(std::vector<float>{1}, std::vector<float>{1, 2}), std::invalid_argument);
}

// median of 1 3 10 20 = (3 + 10) / 2 = 6.5; of 4 1 9 = 4; NaN ignored.
// constant predictor: median(train 1 3 10 20) = 6.5; test 5 6.5 10 -> (1.5 + 0 + 3.5) / 3 = 5/3.
TEST(ConstantPredictorMae, UsesTrainMedian) {
  EXPECT_NEAR(median(std::vector<float>{20, 1, 10, 3}), 6.5, kTol);
  EXPECT_NEAR(median(std::vector<float>{4, 1, 9}), 4.0, kTol);
  EXPECT_NEAR(median(std::vector<float>{4, kNaNf, 1, 9}), 4.0, kTol);
  EXPECT_TRUE(std::isnan(median(std::vector<float>{kNaNf})));
  EXPECT_NEAR(constant_predictor_mae(std::vector<float>{1, 3, 10, 20}, std::vector<float>{5, 6.5f, 10}), 5.0 / 3.0,
              kTol);
  EXPECT_NEAR(constant_predictor_mae(std::vector<float>{4, 1, 9}, std::vector<float>{kNaNf, 6}), 2.0, kTol);
  EXPECT_TRUE(std::isnan(constant_predictor_mae(std::vector<float>{}, std::vector<float>{1})));
}

// Rows: (0.1, 0.9) -> 1; (0.5, 0.5) tie -> 0; (2, -1) -> 0; 3 classes (1, 3, 3) tie -> 1.
TEST(Argmax, TiesGoToLowestClass) {
  EXPECT_EQ(argmax_rows(std::vector<float>{0.1f, 0.9f, 0.5f, 0.5f, 2.0f, -1.0f}, 3, 2), (Labels{1, 0, 0}));
  EXPECT_EQ(argmax(std::vector<float>{1, 3, 3}), 1);
  EXPECT_EQ(argmax(std::vector<float>{-std::numeric_limits<float>::infinity()}), 0);
  EXPECT_EQ(argmax_rows(std::vector<float>{}, 0, 2), Labels{});
}

TEST(Argmax, RejectsCallerErrors) {
  EXPECT_THROW((void)argmax(std::vector<float>{}), std::invalid_argument);
  EXPECT_THROW((void)argmax(std::vector<float>{1, kNaNf}), std::invalid_argument);
  EXPECT_THROW((void)argmax_rows(std::vector<float>{1, 2, 3}, 2, 2), std::invalid_argument);
  EXPECT_THROW((void)argmax_rows(std::vector<float>{1, 2}, 1, 0), std::invalid_argument);
  try {
    (void)argmax_rows(std::vector<float>{1, 2, kNaNf, 0}, 2, 2);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace advx
