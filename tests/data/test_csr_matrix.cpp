#include "advx/data/csr_matrix.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace advx {
namespace {

TEST(CsrMatrix, FromPairsSortsAndMergesDuplicates) {
  const auto m = CsrMatrix::from_pairs(3, 4, {{2, 1}, {0, 3}, {0, 1}, {2, 1}});
  EXPECT_EQ(m.rows(), 3);
  EXPECT_EQ(m.cols(), 4);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(std::vector<std::int32_t>(m.row(0).begin(), m.row(0).end()), (std::vector<std::int32_t>{1, 3}));
  EXPECT_EQ(m.row_nnz(1), 0);
  EXPECT_EQ(m.col_counts(), (std::vector<std::int32_t>{0, 2, 0, 1}));
}

TEST(CsrMatrix, RejectsOutOfRangeAndUnsortedInput) {
  EXPECT_THROW(CsrMatrix::from_pairs(2, 2, {{2, 0}}), std::out_of_range);
  EXPECT_THROW(CsrMatrix(1, 3, {0, 2}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(CsrMatrix(1, 3, {0, 3}, {0, 1}), std::invalid_argument);
}

TEST(CsrMatrix, SelectReordersRowsAndRemapsColumns) {
  const auto m = CsrMatrix::from_pairs(3, 4, {{0, 0}, {0, 2}, {1, 1}, {2, 2}, {2, 3}});
  const std::vector<std::int32_t> rows{2, 0};
  const std::vector<std::int32_t> col_map{0, -1, 1, 2};  // drop column 1
  const auto s = m.select(rows, col_map, 3);
  EXPECT_EQ(s.rows(), 2);
  EXPECT_EQ(s.cols(), 3);
  EXPECT_EQ(std::vector<std::int32_t>(s.row(0).begin(), s.row(0).end()), (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(std::vector<std::int32_t>(s.row(1).begin(), s.row(1).end()), (std::vector<std::int32_t>{0, 1}));
}

}  // namespace
}  // namespace advx
