#include "advx/nn/adam.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <omp.h>

#include "check.h"
#include "kernels.h"

namespace advx::nn {

Adam::Adam(std::vector<ParamRef> params, AdamOptions options) : params_(std::move(params)), options_(options) {
  detail::require(options.lr >= 0.0 && options.eps >= 0.0 && options.weight_decay >= 0.0 &&
                      options.beta1 >= 0.0 && options.beta1 < 1.0 && options.beta2 >= 0.0 && options.beta2 < 1.0,
                  "Adam: invalid options lr={} betas=({}, {}) eps={} weight_decay={}", options.lr, options.beta1,
                  options.beta2, options.eps, options.weight_decay);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const auto& p = params_[i];
    detail::require(p.param != nullptr && (p.grad != nullptr) != (p.row_grad != nullptr),
                    "Adam: parameter {} needs a tensor and exactly one gradient (dense or row-sparse)", i);
    if (p.grad != nullptr) {
      detail::require_same_shape(*p.param, *p.grad, "Adam: parameter and gradient");
    } else {
      detail::require(p.param->rows() == p.row_grad->rows() && p.param->cols() == p.row_grad->cols(),
                      "Adam: parameter [{} x {}] with a row-sparse gradient of [{} x {}]", p.param->rows(),
                      p.param->cols(), p.row_grad->rows(), p.row_grad->cols());
    }
    state_.exp_avg.emplace_back(p.param->size(), 0.0f);
    state_.exp_avg_sq.emplace_back(p.param->size(), 0.0f);
  }
}

void Adam::step() {
  ++state_.step;
  const auto t = static_cast<double>(state_.step);
  const double bias_correction1 = 1.0 - std::pow(options_.beta1, t);
  const double bias_correction2 = 1.0 - std::pow(options_.beta2, t);
  const auto step_size = static_cast<float>(options_.lr / bias_correction1);
  const auto bc2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const auto b1 = static_cast<float>(options_.beta1);
  const auto b2 = static_cast<float>(options_.beta2);
  // 1 − β in double, then rounded, as torch does with its Python-float hyper-parameters: 1.0f − 0.9f is
  // 0.100000024, not float(0.1), and that shifts every update by ~2 ulps.
  const auto one_minus_b1 = static_cast<float>(1.0 - options_.beta1);
  const auto one_minus_b2 = static_cast<float>(1.0 - options_.beta2);
  const auto eps = static_cast<float>(options_.eps);
  const auto wd = static_cast<float>(options_.weight_decay);
  const kernels::AdamScalars scalars{.b1 = b1, .b2 = b2, .one_minus_b1 = one_minus_b1, .one_minus_b2 = one_minus_b2,
                                     .step_size = step_size, .bc2_sqrt = bc2_sqrt, .eps = eps, .wd = wd};
  for (std::size_t k = 0; k < params_.size(); ++k) {
    float* theta = params_[k].param->data();
    float* m = state_.exp_avg[k].data();
    float* v = state_.exp_avg_sq[k].data();
    const auto n = static_cast<std::int64_t>(params_[k].param->size());
    // Elementwise and independent, so any split gives the same bits. Threads only pay off for the large
    // encoder/decoder weights; each takes a contiguous chunk (16-float aligned, or whole rows) and runs
    // the dispatched kernel on it (the kernel itself must not hold the parallel region: simd.h).
    const bool serial = n <= 65536 || omp_get_max_threads() == 1;
    if (const RowSparseGradient* rg = params_[k].row_grad) {
      const std::int64_t rows = rg->rows(), cols = rg->cols();
      const auto run = [&](std::int64_t r0, std::int64_t r1) {
        std::vector<float> g(static_cast<std::size_t>(kernels::kAdamChunkRows * cols));  // reused per chunk
        kernels::adam_row_sparse(theta, m, v, r0, r1, cols, rg->row_begin(), rg->batch_row(), rg->value(), rg->dy(),
                                 g.data(), scalars);
      };
      if (serial) {
        run(0, rows);
        continue;
      }
#pragma omp parallel
      {
        const std::int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
        const std::int64_t chunk = (rows + threads - 1) / threads;
        const std::int64_t begin = std::min(rows, t * chunk), end = std::min(rows, begin + chunk);
        if (end > begin) run(begin, end);
      }
      continue;
    }
    const float* grad = params_[k].grad->data();
    if (serial) {
      kernels::adam(theta, grad, m, v, n, scalars);
      continue;
    }
#pragma omp parallel
    {
      const std::int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
      const std::int64_t chunk = ((n + threads - 1) / threads + 15) & ~std::int64_t{15};
      const std::int64_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
      if (end > begin) kernels::adam(theta + begin, grad + begin, m + begin, v + begin, end - begin, scalars);
    }
  }
}

Tensor dense_gradient(const ParamRef& p) {
  detail::require(p.grad != nullptr || p.row_grad != nullptr, "dense_gradient: parameter has no gradient");
  return p.row_grad != nullptr ? p.row_grad->dense() : *p.grad;
}

void Adam::set_state(State state) {
  detail::require(state.step >= 0 && state.exp_avg.size() == params_.size() &&
                      state.exp_avg_sq.size() == params_.size(),
                  "Adam::set_state: state for {} parameters, optimiser has {}", state.exp_avg.size(),
                  params_.size());
  for (std::size_t k = 0; k < params_.size(); ++k) {
    detail::require(state.exp_avg[k].size() == params_[k].param->size() &&
                        state.exp_avg_sq[k].size() == params_[k].param->size(),
                    "Adam::set_state: parameter {} has {} elements, state has {}", k, params_[k].param->size(),
                    state.exp_avg[k].size());
  }
  state_ = std::move(state);
}

}  // namespace advx::nn
