#pragma once
// Private helpers of the readers: a whole-file line reader and field parsers whose errors name the
// file, the line and what was expected.

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "advx/common/error.h"

namespace advx::detail {

/// Reads a text file at once and hands out its lines (without '\n' or a trailing '\r'; a file without any
/// '\n' but with '\r' has lines ended by '\r').
class TextFile {
 public:
  /// Throws InputError if the file is missing or unreadable, or holds no line at all.
  TextFile(const std::filesystem::path& path, std::string_view expected_content);
  /// Next line; false at the end. A final newline does not make an extra empty line.
  bool next(std::string_view& line);
  [[nodiscard]] long line_no() const { return line_no_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  /// InputError at the current line.
  [[nodiscard]] InputError error(const std::string& what) const { return input_error_at(path_, line_no_, what); }

 private:
  std::string path_;
  std::string text_;
  std::size_t pos_ = 0;
  long line_no_ = 0;
  char eol_ = '\n';  ///< '\r' for a file whose lines end with a lone CR
};

/// Splits on a separator of one or more characters; keeps empty fields.
void split_fields(std::string_view line, std::string_view sep, std::vector<std::string_view>& out);

/// Splits and checks the field count; the error names the format.
void split_exact(const TextFile& f, std::string_view line, std::string_view sep, std::size_t n,
                 std::string_view format, std::vector<std::string_view>& out);

std::int64_t parse_id(const TextFile& f, std::string_view field, std::string_view what);
/// A number by read_number's rule (attributes.h), finite and within float range (values are held as float).
double parse_number(const TextFile& f, std::string_view field, std::string_view what);

/// Removes leading/trailing blanks.
std::string_view trim(std::string_view s);

}  // namespace advx::detail
