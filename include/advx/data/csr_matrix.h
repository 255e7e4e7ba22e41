#pragma once
// A binary users × items interaction matrix in compressed sparse row form.

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace advx {

/// Binary sparse matrix: row r holds the sorted, distinct column indices
/// col_idx[row_ptr[r] .. row_ptr[r+1]). Values are implicitly 1.
class CsrMatrix {
 public:
  CsrMatrix() : row_ptr_{0} {}
  /// Builds from (row, col) pairs; duplicates are merged. Every row < rows, col < cols.
  static CsrMatrix from_pairs(std::int32_t rows, std::int32_t cols,
                              std::vector<std::pair<std::int32_t, std::int32_t>> pairs);
  /// Builds from already-formed arrays (checked: monotone row_ptr, sorted distinct in-range columns).
  CsrMatrix(std::int32_t rows, std::int32_t cols, std::vector<std::int64_t> row_ptr,
            std::vector<std::int32_t> col_idx);

  [[nodiscard]] std::int32_t rows() const { return static_cast<std::int32_t>(row_ptr_.size()) - 1; }
  [[nodiscard]] std::int32_t cols() const { return cols_; }
  [[nodiscard]] std::int64_t nnz() const { return row_ptr_.back(); }
  [[nodiscard]] std::span<const std::int32_t> row(std::int32_t r) const {
    return {col_idx_.data() + row_ptr_[r], static_cast<std::size_t>(row_ptr_[r + 1] - row_ptr_[r])};
  }
  [[nodiscard]] std::int32_t row_nnz(std::int32_t r) const {
    return static_cast<std::int32_t>(row_ptr_[r + 1] - row_ptr_[r]);
  }
  [[nodiscard]] const std::vector<std::int64_t>& row_ptr() const { return row_ptr_; }
  [[nodiscard]] const std::vector<std::int32_t>& col_idx() const { return col_idx_; }

  /// Number of non-zeros per column.
  [[nodiscard]] std::vector<std::int32_t> col_counts() const;
  /// The sub-matrix of the given rows (in that order) and columns: `col_map[c]` is the new index of
  /// old column c, or -1 to drop it; `new_cols` is the new column count.
  [[nodiscard]] CsrMatrix select(std::span<const std::int32_t> rows, std::span<const std::int32_t> col_map,
                                 std::int32_t new_cols) const;

  friend bool operator==(const CsrMatrix&, const CsrMatrix&) = default;

 private:
  std::int32_t cols_ = 0;
  std::vector<std::int64_t> row_ptr_;
  std::vector<std::int32_t> col_idx_;
};

}  // namespace advx
