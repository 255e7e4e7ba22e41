#pragma once
// Argument checks shared by the nn sources: caller errors (wrong shapes, bad options) throw
// std::invalid_argument naming the function and the offending sizes.

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "advx/nn/tensor.h"

namespace advx::nn::detail {

template <class... Args>
void require(bool ok, fmt::format_string<Args...> fmt_str, Args&&... args) {
  if (!ok) throw std::invalid_argument(fmt::format(fmt_str, std::forward<Args>(args)...));
}

inline void require_same_shape(const Tensor& a, const Tensor& b, const char* where) {
  require(a.rows() == b.rows() && a.cols() == b.cols(), "{}: shape mismatch [{} x {}] vs [{} x {}]", where,
          a.rows(), a.cols(), b.rows(), b.cols());
}

}  // namespace advx::nn::detail
