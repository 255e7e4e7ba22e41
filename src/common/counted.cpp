#include "advx/common/counted.h"

#include <fmt/format.h>

namespace advx {

std::string counted(long long n, std::string_view singular, std::string_view plural) {
  if (n == 1) return fmt::format("1 {}", singular);
  if (plural.empty()) return fmt::format("{} {}s", n, singular);
  return fmt::format("{} {}", n, plural);
}

}  // namespace advx
