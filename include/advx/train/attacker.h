#pragma once
// Post-hoc attackers (REFERENCE §5): fresh heads trained on the frozen encoder's μ of the training users,
// evaluated on μ of the test users' fold-in rows. All attributes' attackers are trained jointly on the
// summed loss by one Adam, as the reference does.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "advx/nn/engine.h"
#include "advx/nn/tensor.h"
#include "advx/train/attribute_targets.h"
#include "advx/train/trial_config.h"

namespace advx {

/// Returns, per attribute a: categorical "attack.a.bacc" (global balanced accuracy, Q3) and
/// "attack.a.bacc_batch" (the reference's per-batch mean) and "attack.a.chance" (1/C over the classes the test users have); continuous "attack.a.mae" (raw units) and
/// "attack.a.mae_constant" (MAE of predicting the training median).
/// `train_rows`/`test_rows` are the dataset rows of the μ rows.
[[nodiscard]] std::map<std::string, double> run_attackers(nn::Engine& engine, const nn::Tensor& train_mu,
                                                          std::span<const std::int32_t> train_rows,
                                                          const nn::Tensor& test_mu,
                                                          std::span<const std::int32_t> test_rows,
                                                          const std::vector<AttributeTargets>& attributes,
                                                          const AttackerConfig& config, std::uint64_t seed);

}  // namespace advx
