#pragma once
// Errors advx raises at library level. The CLI is the one place that turns them into messages and
// exit codes (InputError → 2, anything else → 1).

#include <stdexcept>
#include <string>

namespace advx {

/// A problem with something the user supplied: a data file, a sweep file, a result file, an argument.
/// The message already names where (file, line, key) and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// InputError located at `path:line` ("path:line: what"). line ≤ 0 leaves the line out.
[[nodiscard]] InputError input_error_at(const std::string& path, long line, const std::string& what);

}  // namespace advx
