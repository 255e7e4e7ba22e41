#include "advx/nn/losses.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "check.h"
#include "kernels.h"

namespace advx::nn {

namespace {

// Max-shifted log-sum-exp of one row, accumulated in double.
double log_sum_exp(std::span<const float> row) {
  const float mx = *std::max_element(row.begin(), row.end());
  double s = 0.0;
  for (const float v : row) s += std::exp(static_cast<double>(v - mx));
  return static_cast<double>(mx) + std::log(s);
}

}  // namespace

double multinomial_nll(const Tensor& logits, const SparseRows& targets, Tensor* dlogits) {
  detail::require(targets.rows() == logits.rows() && targets.cols == logits.cols(),
                  "multinomial_nll: targets [{} x {}] vs logits [{} x {}]", targets.rows(), targets.cols,
                  logits.rows(), logits.cols());
  const std::int64_t rows = logits.rows();
  if (dlogits != nullptr) dlogits->resize(rows, logits.cols());
  if (rows == 0 || logits.cols() == 0) {
    if (dlogits != nullptr) dlogits->zero();
    return 0.0;
  }
  const double inv_b = 1.0 / static_cast<double>(rows);
  // Per-row losses, summed serially afterwards so the result does not depend on the thread count.
  std::vector<double> row_loss(static_cast<std::size_t>(rows));
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto lr = logits.row(r);
    const auto cols = static_cast<std::int64_t>(lr.size());
    const float mx = kernels::max(lr.data(), cols);
    // exp in float (the hot loop: batch × items per step), sums in double. With a gradient requested
    // the shifted exponentials are stored in it and rescaled into the softmax afterwards, so each
    // element costs one exp. Σ y·logit is read first: dlogits may be the logits themselves.
    const auto begin = targets.row_ptr[static_cast<std::size_t>(r)];
    const auto end = targets.row_ptr[static_cast<std::size_t>(r + 1)];
    double y_sum = 0.0;
    double y_dot_logit = 0.0;
    for (auto k = begin; k < end; ++k) {
      const double y = targets.values[static_cast<std::size_t>(k)];
      y_sum += y;
      y_dot_logit += y * lr[static_cast<std::size_t>(targets.col_idx[static_cast<std::size_t>(k)])];
    }
    float* const exps = dlogits != nullptr ? dlogits->row(r).data() : nullptr;
    const double exp_sum = kernels::exp_shifted(lr.data(), mx, exps, cols);
    const double lse = static_cast<double>(mx) + std::log(exp_sum);
    // −Σ_i y_i (l_i − lse) = lse·Σy − Σ y_i l_i
    row_loss[static_cast<std::size_t>(r)] = lse * y_sum - y_dot_logit;
    if (dlogits != nullptr) {
      auto g = dlogits->row(r);
      // softmax_i · Σy / B = exp(l_i − mx) · (Σy / B) / Σ exp(l − mx)
      kernels::scale(g.data(), static_cast<float>(y_sum * inv_b / exp_sum), static_cast<std::int64_t>(g.size()));
      for (auto k = begin; k < end; ++k) {
        g[static_cast<std::size_t>(targets.col_idx[static_cast<std::size_t>(k)])] -=
            static_cast<float>(targets.values[static_cast<std::size_t>(k)] * inv_b);
      }
    }
  }
  double total = 0.0;
  for (const double l : row_loss) total += l;
  return total * inv_b;
}

double gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar) {
  detail::require_same_shape(mu, logvar, "gaussian_kl");
  detail::require((dmu == nullptr) == (dlogvar == nullptr), "gaussian_kl: pass both gradients or neither");
  const std::int64_t rows = mu.rows();
  if (dmu != nullptr) {
    dmu->resize(rows, mu.cols());
    dlogvar->resize(rows, mu.cols());
  }
  if (rows == 0) return 0.0;
  const double inv_b = 1.0 / static_cast<double>(rows);
  const float* m = mu.data();
  const float* lv = logvar.data();
  // exp(logvar) in float, vectorised (as PyTorch computes it), into dlogvar's buffer when there is one.
  std::vector<float> scratch;
  float* exps = dlogvar != nullptr ? dlogvar->data() : (scratch.resize(mu.size()), scratch.data());
  kernels::exp_scaled(lv, 1.0f, exps, static_cast<std::int64_t>(mu.size()));
  double total = 0.0;
  for (std::size_t i = 0; i < mu.size(); ++i) {
    const double e = exps[i];
    total += -static_cast<double>(lv[i]) + e + static_cast<double>(m[i]) * m[i] - 1.0;
    if (dmu != nullptr) {
      dmu->data()[i] = static_cast<float>(m[i] * inv_b);
      dlogvar->data()[i] = static_cast<float>(0.5 * (e - 1.0) * inv_b);
    }
  }
  return 0.5 * total * inv_b;
}

double weighted_cross_entropy(const Tensor& logits, std::span<const std::int32_t> labels,
                              std::span<const float> class_weights, Tensor* dlogits) {
  const std::int64_t rows = logits.rows();
  const std::int64_t classes = logits.cols();
  detail::require(static_cast<std::int64_t>(labels.size()) == rows,
                  "weighted_cross_entropy: {} labels for {} rows", labels.size(), rows);
  detail::require(class_weights.empty() || static_cast<std::int64_t>(class_weights.size()) == classes,
                  "weighted_cross_entropy: {} class weights for {} classes", class_weights.size(), classes);
  for (const std::int32_t y : labels) {
    detail::require(y >= -1 && y < classes, "weighted_cross_entropy: label {} outside [-1, {})", y, classes);
  }
  const auto weight_of = [&](std::int32_t y) {
    return class_weights.empty() ? 1.0 : static_cast<double>(class_weights[static_cast<std::size_t>(y)]);
  };
  double weighted_sum = 0.0;
  double weight_total = 0.0;
  std::vector<double> lse(static_cast<std::size_t>(rows), 0.0);
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int32_t y = labels[static_cast<std::size_t>(r)];
    if (y < 0) continue;
    const auto lr = logits.row(r);
    lse[static_cast<std::size_t>(r)] = log_sum_exp(lr);
    const double w = weight_of(y);
    weighted_sum += w * (lse[static_cast<std::size_t>(r)] - lr[static_cast<std::size_t>(y)]);
    weight_total += w;
  }
  const bool any = weight_total > 0.0;
  if (dlogits != nullptr) {
    dlogits->resize(rows, classes);
    dlogits->zero();
    if (any) {
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int32_t y = labels[static_cast<std::size_t>(r)];
        if (y < 0) continue;
        const double scale = weight_of(y) / weight_total;
        const auto lr = logits.row(r);
        auto g = dlogits->row(r);
        for (std::size_t c = 0; c < lr.size(); ++c) {
          const double softmax = std::exp(static_cast<double>(lr[c]) - lse[static_cast<std::size_t>(r)]);
          const double onehot = static_cast<std::int64_t>(c) == y ? 1.0 : 0.0;
          g[c] = static_cast<float>(scale * (softmax - onehot));
        }
      }
    }
  }
  return any ? weighted_sum / weight_total : 0.0;
}

double mse(const Tensor& pred, std::span<const float> target, Tensor* dpred) {
  detail::require(target.size() == pred.size(), "mse: {} targets for {} predictions", target.size(),
                  pred.size());
  const float* p = pred.data();
  std::size_t valid = 0;
  double total = 0.0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    if (std::isnan(target[i])) continue;
    const double d = static_cast<double>(p[i]) - target[i];
    total += d * d;
    ++valid;
  }
  const double inv_n = valid > 0 ? 1.0 / static_cast<double>(valid) : 0.0;
  if (dpred != nullptr) {
    dpred->resize(pred.rows(), pred.cols());
    for (std::size_t i = 0; i < pred.size(); ++i) {
      dpred->data()[i] =
          std::isnan(target[i]) ? 0.0f : static_cast<float>(2.0 * (static_cast<double>(p[i]) - target[i]) * inv_n);
    }
  }
  return total * inv_n;
}

}  // namespace advx::nn
