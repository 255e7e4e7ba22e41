#pragma once
// torch.optim.lr_scheduler.ReduceLROnPlateau in mode "min" with threshold_mode "rel" (the reference's
// recommender scheduler, REFERENCE §4 / Q6). It does not hold the optimiser: step() maps
// (metric, current lr) to the new lr, e.g. `adam.set_lr(sched.step(val_loss, adam.lr()))`.
//
// PyTorch semantics, per step:
//   better = metric < best·(1 − threshold)         (a NaN metric is never better)
//   if better: best = metric, bad = 0 else bad += 1
//   if cooldown_counter > 0: cooldown_counter −= 1, bad = 0
//   if bad > patience: lr' = max(lr·factor, min_lr), applied only if lr − lr' > eps;
//                      cooldown_counter = cooldown, bad = 0
// So with patience 5 the lr drops on the 6th consecutive epoch without improvement.

#include <cstdint>

namespace advx::nn {

struct PlateauOptions {
  double factor = 0.1;
  std::int64_t patience = 5;
  double threshold = 1e-4;
  std::int64_t cooldown = 0;
  double min_lr = 1e-6;
  double eps = 1e-8;
};

class ReduceLROnPlateau {
 public:
  /// Throws std::invalid_argument unless 0 < factor < 1, patience ≥ 0, cooldown ≥ 0.
  explicit ReduceLROnPlateau(PlateauOptions options = {});

  /// Records one epoch's metric and returns the lr to use from now on (= `lr` when no reduction).
  [[nodiscard]] double step(double metric, double lr);

  /// Scheduler state for checkpoints (PyTorch's best, num_bad_epochs, cooldown_counter, last_epoch).
  struct State {
    double best;  // +inf before the first step
    std::int64_t num_bad_epochs = 0;
    std::int64_t cooldown_counter = 0;
    std::int64_t last_epoch = 0;
  };
  [[nodiscard]] const State& state() const { return state_; }
  void set_state(const State& state) { state_ = state; }
  [[nodiscard]] const PlateauOptions& options() const { return options_; }

 private:
  PlateauOptions options_;
  State state_;
};

}  // namespace advx::nn
