#include "advx/nn/tensor.h"

#include <algorithm>

#include "check.h"

namespace advx::nn {

Tensor::Tensor(std::int64_t rows, std::int64_t cols, float value) : rows_(rows), cols_(cols) {
  detail::require(rows >= 0 && cols >= 0, "Tensor: negative shape [{} x {}]", rows, cols);
  data_.assign(static_cast<std::size_t>(rows * cols), value);
}

Tensor::Tensor(std::int64_t rows, std::int64_t cols, std::vector<float> values)
    : rows_(rows), cols_(cols), data_(std::move(values)) {
  detail::require(rows >= 0 && cols >= 0, "Tensor: negative shape [{} x {}]", rows, cols);
  detail::require(data_.size() == static_cast<std::size_t>(rows * cols),
                  "Tensor: {} values for shape [{} x {}]", data_.size(), rows, cols);
}

void Tensor::resize(std::int64_t rows, std::int64_t cols) {
  detail::require(rows >= 0 && cols >= 0, "Tensor::resize: negative shape [{} x {}]", rows, cols);
  rows_ = rows;
  cols_ = cols;
  data_.resize(static_cast<std::size_t>(rows * cols));  // keeps capacity when shrinking
}

void Tensor::fill(float value) { std::fill(data_.begin(), data_.end(), value); }

}  // namespace advx::nn
