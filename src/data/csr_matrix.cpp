#include "advx/data/csr_matrix.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include <fmt/format.h>

namespace advx {

CsrMatrix CsrMatrix::from_pairs(std::int32_t rows, std::int32_t cols,
                                std::vector<std::pair<std::int32_t, std::int32_t>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::int64_t> row_ptr(static_cast<std::size_t>(rows) + 1, 0);
  std::vector<std::int32_t> col_idx;
  col_idx.reserve(pairs.size());
  for (const auto& [r, c] : pairs) {
    if (r < 0 || r >= rows || c < 0 || c >= cols)
      throw std::out_of_range(fmt::format("CsrMatrix: entry ({}, {}) outside {}x{}", r, c, rows, cols));
    row_ptr[static_cast<std::size_t>(r) + 1]++;
    col_idx.push_back(c);
  }
  for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) row_ptr[r + 1] += row_ptr[r];
  return CsrMatrix(rows, cols, std::move(row_ptr), std::move(col_idx));
}

CsrMatrix::CsrMatrix(std::int32_t rows, std::int32_t cols, std::vector<std::int64_t> row_ptr,
                     std::vector<std::int32_t> col_idx)
    : cols_(cols), row_ptr_(std::move(row_ptr)), col_idx_(std::move(col_idx)) {
  if (rows < 0 || cols < 0 || row_ptr_.size() != static_cast<std::size_t>(rows) + 1 || row_ptr_[0] != 0 ||
      row_ptr_.back() != static_cast<std::int64_t>(col_idx_.size()))
    throw std::invalid_argument("CsrMatrix: inconsistent row_ptr / col_idx sizes");
  for (std::int32_t r = 0; r < rows; ++r) {
    if (row_ptr_[r] > row_ptr_[r + 1]) throw std::invalid_argument("CsrMatrix: row_ptr not monotone");
    for (auto k = row_ptr_[r]; k < row_ptr_[r + 1]; ++k) {
      if (col_idx_[k] < 0 || col_idx_[k] >= cols)
        throw std::invalid_argument("CsrMatrix: column index out of range");
      if (k > row_ptr_[r] && col_idx_[k] <= col_idx_[k - 1])
        throw std::invalid_argument("CsrMatrix: columns of a row not sorted and distinct");
    }
  }
}

std::vector<std::int32_t> CsrMatrix::col_counts() const {
  std::vector<std::int32_t> counts(static_cast<std::size_t>(cols_), 0);
  for (auto c : col_idx_) counts[c]++;
  return counts;
}

CsrMatrix CsrMatrix::select(std::span<const std::int32_t> rows, std::span<const std::int32_t> col_map,
                            std::int32_t new_cols) const {
  assert(col_map.size() == static_cast<std::size_t>(cols_));
  std::vector<std::int64_t> row_ptr{0};
  row_ptr.reserve(rows.size() + 1);
  std::vector<std::int32_t> col_idx;
  for (auto r : rows) {
    for (auto c : row(r)) {
      // col_map is increasing on kept columns in every caller, so rows stay sorted; checked in the
      // constructor anyway.
      if (col_map[c] >= 0) col_idx.push_back(col_map[c]);
    }
    row_ptr.push_back(static_cast<std::int64_t>(col_idx.size()));
  }
  return CsrMatrix(static_cast<std::int32_t>(rows.size()), new_cols, std::move(row_ptr), std::move(col_idx));
}

}  // namespace advx
