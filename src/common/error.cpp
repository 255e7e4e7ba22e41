#include "advx/common/error.h"

#include <fmt/format.h>

namespace advx {

InputError input_error_at(const std::string& path, long line, const std::string& what) {
  if (line > 0) return InputError(fmt::format("{}:{}: {}", path, line, what));
  return InputError(fmt::format("{}: {}", path, what));
}

}  // namespace advx
