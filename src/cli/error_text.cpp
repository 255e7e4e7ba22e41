#include "error_text.h"

#include <fmt/format.h>

namespace advx::cli {

std::string input_error_text(std::string_view what, std::string_view command) {
  std::string text = fmt::format("advx: error: {}\n", what);
  if (what.starts_with("--")) text += fmt::format("Run '{} --help' for usage.\n", command);
  return text;
}

}  // namespace advx::cli
