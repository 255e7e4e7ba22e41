#include "advx/nn/reduce_lr_on_plateau.h"

#include <algorithm>
#include <limits>

#include "check.h"

namespace advx::nn {

ReduceLROnPlateau::ReduceLROnPlateau(PlateauOptions options)
    : options_(options), state_{std::numeric_limits<double>::infinity(), 0, 0, 0} {
  detail::require(options.factor > 0.0 && options.factor < 1.0,
                  "ReduceLROnPlateau: factor must be in (0, 1), got {}", options.factor);
  detail::require(options.patience >= 0 && options.cooldown >= 0,
                  "ReduceLROnPlateau: patience {} and cooldown {} must be >= 0", options.patience,
                  options.cooldown);
}

double ReduceLROnPlateau::step(double metric, double lr) {
  ++state_.last_epoch;
  // mode "min", threshold_mode "rel"; written as PyTorch's `a < best * (1 - threshold)` so NaN is "worse".
  if (metric < state_.best * (1.0 - options_.threshold)) {
    state_.best = metric;
    state_.num_bad_epochs = 0;
  } else {
    ++state_.num_bad_epochs;
  }
  if (state_.cooldown_counter > 0) {
    --state_.cooldown_counter;
    state_.num_bad_epochs = 0;
  }
  if (state_.num_bad_epochs > options_.patience) {
    const double new_lr = std::max(lr * options_.factor, options_.min_lr);
    if (lr - new_lr > options_.eps) lr = new_lr;
    state_.cooldown_counter = options_.cooldown;
    state_.num_bad_epochs = 0;
  }
  return lr;
}

}  // namespace advx::nn
