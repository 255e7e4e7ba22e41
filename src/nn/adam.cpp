#include "advx/nn/adam.h"

#include <cmath>

#include "check.h"

namespace advx::nn {

Adam::Adam(std::vector<ParamRef> params, AdamOptions options) : params_(std::move(params)), options_(options) {
  detail::require(options.lr >= 0.0 && options.eps >= 0.0 && options.weight_decay >= 0.0 &&
                      options.beta1 >= 0.0 && options.beta1 < 1.0 && options.beta2 >= 0.0 && options.beta2 < 1.0,
                  "Adam: invalid options lr={} betas=({}, {}) eps={} weight_decay={}", options.lr, options.beta1,
                  options.beta2, options.eps, options.weight_decay);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const auto& p = params_[i];
    detail::require(p.param != nullptr && p.grad != nullptr, "Adam: parameter {} has a null tensor", i);
    detail::require_same_shape(*p.param, *p.grad, "Adam: parameter and gradient");
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
  for (std::size_t k = 0; k < params_.size(); ++k) {
    float* theta = params_[k].param->data();
    const float* grad = params_[k].grad->data();
    float* m = state_.exp_avg[k].data();
    float* v = state_.exp_avg_sq[k].data();
    const auto n = static_cast<std::int64_t>(params_[k].param->size());
    // Elementwise and independent: parallel only pays off for the large encoder/decoder weights; simd
    // (with -fno-math-errno, so sqrt needs no errno branch) vectorises the update.
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (std::int64_t i = 0; i < n; ++i) {
      const float g = grad[i] + wd * theta[i];
      m[i] = b1 * m[i] + one_minus_b1 * g;
      v[i] = b2 * v[i] + one_minus_b2 * g * g;
      const float denom = std::sqrt(v[i]) / bc2_sqrt + eps;
      theta[i] -= step_size * m[i] / denom;
    }
  }
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
