#include "advx/nn/reduce_lr_on_plateau.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace advx::nn {
namespace {

TEST(ReduceLROnPlateau, ScriptedSequenceMatchesPyTorch) {
  // Defaults = the reference's recommender scheduler (min, factor 0.1, patience 5, threshold 1e-4 rel,
  // cooldown 0, min_lr 1e-6). Expected lrs from torch.optim.lr_scheduler.ReduceLROnPlateau (torch 1.13)
  // on the same metrics:
  //  - epochs 0–2 improve (10, 9, 8); epochs 3–8 repeat 8: bad = 1..6, and bad = 6 > 5 drops at epoch 8.
  //  - epoch 9: 7.9995 is not < 8·(1 − 1e-4) = 7.9992 → bad (relative threshold); epoch 10: 7.999 is.
  //  - epoch 11 improves to 7, then 6 bad epochs → drop at 17 (1e-5), 6 more → drop at 23 to
  //    1e-5·0.1 = 1.0000000000000002e-06 (> min_lr, so max() keeps it), then the next drop would be
  //    max(1e-7, 1e-6) = 1e-6, a change of 2e-22 < eps 1e-8: ignored.
  const std::vector<double> metrics{10, 9, 8, 8, 8, 8, 8, 8, 8, 7.9995, 7.999, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                    7,  7, 7, 7, 7, 7, 7, 7, 7, 7, 7,      7,     7, 7, 7, 7, 7, 7, 7, 7, 7};
  std::vector<double> expected(metrics.size());
  for (std::size_t e = 0; e < metrics.size(); ++e)
    expected[e] = e < 8 ? 1e-3 : e < 17 ? 1e-4 : e < 23 ? 1e-5 : 1.0000000000000002e-06;
  ReduceLROnPlateau sched;
  double lr = 1e-3;
  for (std::size_t e = 0; e < metrics.size(); ++e) {
    lr = sched.step(metrics[e], lr);
    // 1e-3·0.1 in double is exactly what torch computes; compare to the last bit.
    EXPECT_DOUBLE_EQ(lr, expected[e]) << "epoch " << e;
  }
  EXPECT_EQ(sched.state().last_epoch, static_cast<std::int64_t>(metrics.size()));
  EXPECT_EQ(sched.state().best, 7.0);
}

TEST(ReduceLROnPlateau, NaNIsNeverAnImprovementAndCooldownResetsBadCount) {
  ReduceLROnPlateau sched(PlateauOptions{.patience = 1, .cooldown = 2});
  double lr = 1.0;
  lr = sched.step(1.0, lr);            // best = 1
  lr = sched.step(std::nan(""), lr);   // bad 1
  EXPECT_EQ(lr, 1.0);
  lr = sched.step(std::nan(""), lr);   // bad 2 > 1 → 0.1, cooldown 2
  EXPECT_DOUBLE_EQ(lr, 0.1);
  lr = sched.step(5.0, lr);            // bad 1, but in cooldown → 0 (counter 1)
  lr = sched.step(5.0, lr);            // bad 1, in cooldown → 0 (counter 0)
  EXPECT_DOUBLE_EQ(lr, 0.1);
  lr = sched.step(5.0, lr);            // bad 1
  lr = sched.step(5.0, lr);            // bad 2 > 1 → 0.01
  EXPECT_DOUBLE_EQ(lr, 0.01);
}

TEST(ReduceLROnPlateau, StateRoundTripAndOptionChecks) {
  ReduceLROnPlateau a;
  double lr = 1e-3;
  for (const double m : {3.0, 2.0, 2.0, 2.0}) lr = a.step(m, lr);
  ReduceLROnPlateau b;
  b.set_state(a.state());
  double lr_a = lr, lr_b = lr;
  for (int i = 0; i < 5; ++i) {
    lr_a = a.step(2.0, lr_a);
    lr_b = b.step(2.0, lr_b);
  }
  EXPECT_EQ(lr_a, lr_b);
  EXPECT_DOUBLE_EQ(lr_a, 1e-4);  // 3 bad before + 3 more = 6 > 5
  EXPECT_THROW(ReduceLROnPlateau(PlateauOptions{.factor = 1.0}), std::invalid_argument);
  EXPECT_THROW(ReduceLROnPlateau(PlateauOptions{.patience = -1}), std::invalid_argument);
}

}  // namespace
}  // namespace advx::nn
