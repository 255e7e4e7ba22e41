#pragma once
// How well an attacker recovers a protected attribute from the latent code (REFERENCE §5, §6.3, §9 Q3):
// balanced accuracy for categorical attributes (gender), mean absolute error for numeric ones (age).
//
// Missing values: attribute values may be missing in the CSV data. A missing class label is any
// negative y_true; a missing numeric target is NaN. Such rows are skipped by every metric here.
// A metric over zero usable rows is NaN (undefined, not an error).

#include <cstdint>
#include <span>
#include <vector>

namespace advx {

/// Balanced accuracy as sklearn computes it: the mean, over the classes PRESENT in y_true (among the
/// non-skipped rows), of per-class recall. A class in [0, n_classes) that no row carries does not enter
/// the mean. Rows with y_true < 0 are skipped. Throws std::invalid_argument for mismatched sizes,
/// n_classes <= 0, y_true >= n_classes, or y_pred outside [0, n_classes).
[[nodiscard]] double balanced_accuracy(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                                       int n_classes);

/// The chance level of balanced_accuracy on these labels: 1 / (classes present in y_true), what a
/// constant prediction of a present class scores (sklearn's `adjusted` uses it too). It is 1/C only when
/// every class occurs: a small test fold may lack a rare class. NaN without labelled rows. Throws like
/// balanced_accuracy for labels ≥ n_classes or n_classes <= 0.
[[nodiscard]] double balanced_accuracy_chance(std::span<const std::int32_t> y_true, int n_classes);

/// The reference attacker's score (REFERENCE Q3), kept for parity: rows are cut into consecutive batches
/// of `batch_size` (the last may be shorter), balanced_accuracy is computed per batch, and the result is
/// the mean of the per-batch values weighted by each batch's number of labelled (non-skipped) rows.
/// Batches without labelled rows are left out. It generally differs from the global balanced_accuracy.
/// Throws like balanced_accuracy, and for batch_size <= 0.
[[nodiscard]] double batch_mean_balanced_accuracy(std::span<const std::int32_t> y_true,
                                                  std::span<const std::int32_t> y_pred, int n_classes,
                                                  int batch_size = 64);

/// mean |pred - target| over rows whose target is not NaN. A NaN prediction on such a row makes the
/// result NaN (a diverged attacker must not look good). Throws std::invalid_argument on size mismatch.
[[nodiscard]] double mean_absolute_error(std::span<const float> pred, std::span<const float> target);

/// Median of the non-NaN values (mean of the two middle values for an even count, as numpy and
/// sklearn's DummyRegressor do). NaN when there are none.
[[nodiscard]] double median(std::span<const float> values);

/// The baseline an age attacker must beat: MAE on `test_targets` of always predicting the median of
/// `train_targets` (NaN skipped in both). NaN when either side has no usable value.
[[nodiscard]] double constant_predictor_mae(std::span<const float> train_targets,
                                            std::span<const float> test_targets);

/// Index of the largest value; ties go to the lowest index. Throws std::invalid_argument if `row` is
/// empty or contains NaN.
[[nodiscard]] std::int32_t argmax(std::span<const float> row);

/// argmax of each row of row-major logits [n_rows x n_classes] (predicted class per user). Throws
/// std::invalid_argument on a size mismatch, n_classes <= 0, or a NaN logit (naming the row).
[[nodiscard]] std::vector<std::int32_t> argmax_rows(std::span<const float> logits, std::int32_t n_rows,
                                                    std::int32_t n_classes);

}  // namespace advx
