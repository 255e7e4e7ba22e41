#pragma once
// The one dense value type of the nn layer: an fp32, row-major, rows × cols matrix that owns its buffer.
// Everything in advx's models is 2-D (batch × features, or out × in for weights), so there is no
// N-d shape machinery; a bias is a 1 × n tensor.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace advx::nn {

class Tensor {
 public:
  Tensor() = default;
  /// rows × cols, every element set to `value`. Negative sizes throw std::invalid_argument.
  Tensor(std::int64_t rows, std::int64_t cols, float value = 0.0f);
  /// rows × cols taking `values` (row-major; size must be rows·cols, else std::invalid_argument).
  Tensor(std::int64_t rows, std::int64_t cols, std::vector<float> values);

  [[nodiscard]] std::int64_t rows() const { return rows_; }
  [[nodiscard]] std::int64_t cols() const { return cols_; }
  [[nodiscard]] std::size_t size() const { return data_.size(); }
  [[nodiscard]] bool empty() const { return data_.empty(); }

  [[nodiscard]] float* data() { return data_.data(); }
  [[nodiscard]] const float* data() const { return data_.data(); }
  [[nodiscard]] std::span<float> values() { return data_; }
  [[nodiscard]] std::span<const float> values() const { return data_; }
  /// Row r as a contiguous span of cols() floats (no bounds check beyond the caller's).
  [[nodiscard]] std::span<float> row(std::int64_t r) {
    return {data_.data() + static_cast<std::size_t>(r * cols_), static_cast<std::size_t>(cols_)};
  }
  [[nodiscard]] std::span<const float> row(std::int64_t r) const {
    return {data_.data() + static_cast<std::size_t>(r * cols_), static_cast<std::size_t>(cols_)};
  }
  [[nodiscard]] float& operator()(std::int64_t r, std::int64_t c) {
    return data_[static_cast<std::size_t>(r * cols_ + c)];
  }
  [[nodiscard]] float operator()(std::int64_t r, std::int64_t c) const {
    return data_[static_cast<std::size_t>(r * cols_ + c)];
  }

  /// Changes the shape. The contents afterwards are unspecified (callers overwrite them); the buffer
  /// is only reallocated when it must grow, so resizing an output tensor every step of an epoch —
  /// including the short last batch — does not allocate once the largest batch has been seen.
  void resize(std::int64_t rows, std::int64_t cols);
  void fill(float value);
  void zero() { fill(0.0f); }

  /// Same shape and the same bits in every element.
  friend bool operator==(const Tensor&, const Tensor&) = default;

 private:
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
  std::vector<float> data_;
};

}  // namespace advx::nn
