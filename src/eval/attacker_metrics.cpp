#include "advx/eval/attacker_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace advx {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_labels(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred, int n_classes,
                  const char* who) {
  if (y_true.size() != y_pred.size())
    throw std::invalid_argument(
        fmt::format("{}: {} true labels but {} predictions", who, y_true.size(), y_pred.size()));
  if (n_classes <= 0) throw std::invalid_argument(fmt::format("{}: n_classes must be > 0, got {}", who, n_classes));
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] >= n_classes)
      throw std::invalid_argument(
          fmt::format("{}: true label {} at row {} outside [0, {})", who, y_true[i], i, n_classes));
    if (y_pred[i] < 0 || y_pred[i] >= n_classes)
      throw std::invalid_argument(
          fmt::format("{}: predicted label {} at row {} outside [0, {})", who, y_pred[i], i, n_classes));
  }
}

// balanced accuracy on already-checked labels; also reports the number of labelled rows.
double balanced_accuracy_unchecked(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                                   int n_classes, std::int64_t& labelled) {
  std::vector<std::int64_t> support(static_cast<std::size_t>(n_classes), 0);
  std::vector<std::int64_t> correct(static_cast<std::size_t>(n_classes), 0);
  labelled = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] < 0) continue;  // missing label
    const auto c = static_cast<std::size_t>(y_true[i]);
    ++support[c];
    if (y_pred[i] == y_true[i]) ++correct[c];
    ++labelled;
  }
  double sum = 0.0;
  int present = 0;
  for (std::size_t c = 0; c < support.size(); ++c) {
    if (support[c] == 0) continue;  // sklearn drops classes absent from y_true
    sum += static_cast<double>(correct[c]) / static_cast<double>(support[c]);
    ++present;
  }
  return present == 0 ? kNaN : sum / present;
}

}  // namespace

double balanced_accuracy(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred, int n_classes) {
  check_labels(y_true, y_pred, n_classes, "balanced_accuracy");
  std::int64_t labelled = 0;
  return balanced_accuracy_unchecked(y_true, y_pred, n_classes, labelled);
}

double balanced_accuracy_chance(std::span<const std::int32_t> y_true, int n_classes) {
  if (n_classes <= 0)
    throw std::invalid_argument(fmt::format("balanced_accuracy_chance: n_classes must be > 0, got {}", n_classes));
  std::vector<bool> present(static_cast<std::size_t>(n_classes), false);
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] >= n_classes)
      throw std::invalid_argument(fmt::format("balanced_accuracy_chance: true label {} at row {} outside [0, {})",
                                              y_true[i], i, n_classes));
    if (y_true[i] >= 0) present[static_cast<std::size_t>(y_true[i])] = true;  // < 0: missing
  }
  const auto n = std::count(present.begin(), present.end(), true);
  return n == 0 ? kNaN : 1.0 / static_cast<double>(n);
}

double batch_mean_balanced_accuracy(std::span<const std::int32_t> y_true, std::span<const std::int32_t> y_pred,
                                    int n_classes, int batch_size) {
  check_labels(y_true, y_pred, n_classes, "batch_mean_balanced_accuracy");
  if (batch_size <= 0)
    throw std::invalid_argument(
        fmt::format("batch_mean_balanced_accuracy: batch_size must be > 0, got {}", batch_size));
  double weighted = 0.0;
  std::int64_t total = 0;
  const auto bs = static_cast<std::size_t>(batch_size);
  for (std::size_t start = 0; start < y_true.size(); start += bs) {
    const auto len = std::min(bs, y_true.size() - start);
    std::int64_t labelled = 0;
    const double b = balanced_accuracy_unchecked(y_true.subspan(start, len), y_pred.subspan(start, len), n_classes,
                                                 labelled);
    if (labelled == 0) continue;
    weighted += b * static_cast<double>(labelled);
    total += labelled;
  }
  return total == 0 ? kNaN : weighted / static_cast<double>(total);
}

double mean_absolute_error(std::span<const float> pred, std::span<const float> target) {
  if (pred.size() != target.size())
    throw std::invalid_argument(
        fmt::format("mean_absolute_error: {} predictions but {} targets", pred.size(), target.size()));
  double sum = 0.0;
  std::int64_t n = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    if (std::isnan(target[i])) continue;  // missing target
    sum += std::abs(static_cast<double>(pred[i]) - static_cast<double>(target[i]));
    ++n;
  }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

double median(std::span<const float> values) {
  std::vector<double> v;
  v.reserve(values.size());
  for (auto x : values)
    if (!std::isnan(x)) v.push_back(x);
  if (v.empty()) return kNaN;
  const auto mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  // The lower middle is the largest element of the part before `mid`.
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

double constant_predictor_mae(std::span<const float> train_targets, std::span<const float> test_targets) {
  const double m = median(train_targets);
  if (std::isnan(m)) return kNaN;
  double sum = 0.0;
  std::int64_t n = 0;
  for (auto t : test_targets) {
    if (std::isnan(t)) continue;
    sum += std::abs(static_cast<double>(t) - m);
    ++n;
  }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

std::int32_t argmax(std::span<const float> row) {
  if (row.empty()) throw std::invalid_argument("argmax: empty row");
  std::size_t best = 0;
  for (std::size_t j = 0; j < row.size(); ++j) {
    if (std::isnan(row[j])) throw std::invalid_argument(fmt::format("argmax: value {} is NaN", j));
    if (row[j] > row[best]) best = j;  // strict: ties keep the lower index
  }
  return static_cast<std::int32_t>(best);
}

std::vector<std::int32_t> argmax_rows(std::span<const float> logits, std::int32_t n_rows, std::int32_t n_classes) {
  if (n_classes <= 0) throw std::invalid_argument(fmt::format("argmax_rows: n_classes must be > 0, got {}", n_classes));
  if (n_rows < 0) throw std::invalid_argument(fmt::format("argmax_rows: n_rows = {} < 0", n_rows));
  const auto nc = static_cast<std::size_t>(n_classes);
  if (logits.size() != static_cast<std::size_t>(n_rows) * nc)
    throw std::invalid_argument(fmt::format("argmax_rows: {} logits, expected n_rows x n_classes = {} x {}",
                                            logits.size(), n_rows, n_classes));
  std::vector<std::int32_t> out(static_cast<std::size_t>(n_rows));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto row = logits.subspan(i * nc, nc);
    for (std::size_t j = 0; j < nc; ++j)
      if (std::isnan(row[j]))
        throw std::invalid_argument(fmt::format("argmax_rows: logit {} of row {} is NaN", j, i));
    out[i] = argmax(row);
  }
  return out;
}

}  // namespace advx
