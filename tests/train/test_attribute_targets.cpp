// make_attribute_targets: a sweep's attribute declaration resolved against the data's column.
#include "advx/train/attribute_targets.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "advx/common/error.h"

namespace advx {
namespace {

Dataset with_column(AttributeColumn column) {
  Dataset d;
  d.source = "csv:test";
  d.attributes.add(std::move(column));
  return d;
}

// Region codes read as numbers (a CSV column of 1, 2, 4) and declared categorical: one class per number,
// labelled as written, so class weights name them "1", "2", "4"; a missing value stays missing.
TEST(AttributeTargets, NumericColumnDeclaredCategoricalHasAClassPerNumber) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto data = with_column(AttributeColumn::continuous("region", {4, 1, 2, nan, 1}));
  const std::vector<std::int32_t> rows{0, 1, 2, 3, 4};
  AttributeSpec spec;
  spec.name = "region";
  spec.class_weights = {{"1", 0.2}, {"2", 0.3}, {"4", 0.5}};
  const auto t = make_attribute_targets(spec, data, rows);
  EXPECT_EQ(t.classes, 3);
  EXPECT_EQ(t.column->labels(), (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(t.of_rows(rows).labels, (std::vector<std::int32_t>{2, 0, 1, -1, 0}));
  EXPECT_EQ(t.class_weights, (std::vector<float>{0.2f, 0.3f, 0.5f}));
  const auto copy = t;  // the recoded column is shared, not dangling
  EXPECT_EQ(copy.column->labels().size(), 3u);
}

// A column the reader made categorical by one non-numeric cell ("NA", a typo), declared continuous: the
// error names those cells.
TEST(AttributeTargets, ContinuousDeclarationOfACategoricalColumnNamesTheWords) {
  const auto data = with_column(AttributeColumn::categorical("age", {"31", "NA", "52O", "40"}));
  const std::vector<std::int32_t> rows{0, 1, 2, 3};
  try {
    AttributeSpec spec;
    spec.name = "age";
    spec.categorical = false;
    (void)make_attribute_targets(spec, data, rows);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "attributes.age.type: declared continuous, but the data's column is categorical (it holds "
                           "'52O', 'NA': leave missing values empty)");
  }
}

}  // namespace
}  // namespace advx
