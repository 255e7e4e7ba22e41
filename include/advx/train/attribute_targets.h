#pragma once
// A protected attribute as the adversaries and attackers see it: class codes with weights, or values
// with the target transform of REFERENCE Q4 (fitted on the training users only).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "advx/data/dataset.h"
#include "advx/model/head_group.h"
#include "advx/train/trial_config.h"

namespace advx {

/// y' = (y − shift) / scale; raw: shift 0, scale 1.
struct TargetScaler {
  double shift = 0.0, scale = 1.0;
  [[nodiscard]] float forward(float y) const { return static_cast<float>((y - shift) / scale); }
  [[nodiscard]] float inverse(float y) const { return static_cast<float>(y * scale + shift); }
};

struct AttributeTargets {
  std::string name;
  bool categorical = true;
  std::int32_t classes = 1;          ///< categorical: number of labels; continuous: 1
  std::vector<float> class_weights;  ///< per code; empty = uniform
  TargetScaler scaler;               ///< continuous only
  const AttributeColumn* column = nullptr;  ///< the data's column, or owned_column
  /// A numeric column declared categorical, recoded (its numbers as labels); shared by copies.
  std::shared_ptr<const AttributeColumn> owned_column;

  /// The targets of the given dataset rows, transformed (labels: codes, −1 missing; values: scaled,
  /// NaN missing).
  [[nodiscard]] HeadTargets of_rows(std::span<const std::int32_t> rows) const;
  /// Raw (untransformed) values of the given rows (continuous only).
  [[nodiscard]] std::vector<float> raw_values(std::span<const std::int32_t> rows) const;
};

/// Resolves a spec against the data: the column must exist; a categorical column cannot be declared
/// continuous, a numeric one declared categorical has a class per distinct number; class weights must
/// name exactly the column's labels; the transform is fitted on `train_rows`. InputError otherwise.
[[nodiscard]] AttributeTargets make_attribute_targets(const AttributeSpec& spec, const Dataset& data,
                                                      std::span<const std::int32_t> train_rows);

}  // namespace advx
