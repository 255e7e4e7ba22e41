#include "text_file.h"

#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "advx/data/attributes.h"

namespace advx::detail {

TextFile::TextFile(const std::filesystem::path& path, std::string_view expected_content) : path_(path.string()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw input_error_at(path_, 0, fmt::format("file not found (expected {})", expected_content));
  if (std::filesystem::is_directory(path, ec))
    throw input_error_at(path_, 0, fmt::format("is a directory, expected a file with {}", expected_content));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error_at(path_, 0, "cannot open the file for reading");
  // One read into a buffer of the file's size (a stringstream copies a large file twice). The size is a
  // hint: a file that grows meanwhile is read to its end, one that shrinks to what is there.
  const auto size = std::filesystem::file_size(path, ec);
  text_.resize(ec ? 0 : static_cast<std::size_t>(size));
  in.read(text_.data(), static_cast<std::streamsize>(text_.size()));
  text_.resize(static_cast<std::size_t>(in.gcount()));
  char buffer[1 << 16];  // the rest, if any (a pipe, a FIFO, a file that grew): read() reports errors in bad()
  while (in && (in.read(buffer, sizeof buffer), in.gcount() > 0)) text_.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw input_error_at(path_, 0, "cannot read the file");
  // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first field: left in, it would make
  // an error like "must start with 'user', found 'user…'" whose cause is invisible.
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  if (text_.size() == pos_) throw input_error_at(path_, 0, fmt::format("file is empty, expected {}", expected_content));
  // Lines ended by a lone CR (classic Mac OS, "CSV (Macintosh)" exports) read as one line otherwise.
  eol_ = text_.find('\n', pos_) == std::string::npos && text_.find('\r', pos_) != std::string::npos ? '\r' : '\n';
}

bool TextFile::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  auto end = text_.find(eol_, pos_);
  if (end == std::string::npos) end = text_.size();
  line = std::string_view(text_).substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Blank lines at the end of the file (an editor's extra newline) end it; a blank line before more
  // content stays a line, which the parsers reject.
  if (line.empty() && text_.find_first_not_of(" \t\r\n", end) == std::string::npos) {
    pos_ = text_.size();
    return false;
  }
  pos_ = end + 1;
  ++line_no_;
  return true;
}

void split_fields(std::string_view line, std::string_view sep, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const auto at = line.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(line.substr(start));
      return;
    }
    out.push_back(line.substr(start, at - start));
    start = at + sep.size();
  }
}

void split_exact(const TextFile& f, std::string_view line, std::string_view sep, std::size_t n,
                 std::string_view format, std::vector<std::string_view>& out) {
  if (line.empty()) throw f.error(fmt::format("empty line, expected {}", format));
  split_fields(line, sep, out);
  if (out.size() != n)
    throw f.error(fmt::format("expected {} fields ({}) separated by '{}', found {}", n, format,
                              sep == "\t" ? "\\t" : sep, out.size()));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::int64_t parse_id(const TextFile& f, std::string_view field, std::string_view what) {
  const auto s = trim(field);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    throw f.error(fmt::format("{} must be an integer, found '{}'", what, field));
  return v;
}

double parse_number(const TextFile& f, std::string_view field, std::string_view what) {
  const auto n = read_number(field);  // the rule attribute cells are read by
  if (!n.finite()) throw f.error(fmt::format("{} must be a finite number, found '{}'", what, field));
  if (std::fabs(n.value) > std::numeric_limits<float>::max())  // held as float
    throw f.error(fmt::format("{}: {} is outside the range of a 32-bit float (±{:g})", what, trim(field),
                              std::numeric_limits<float>::max()));
  return n.value;
}

}  // namespace advx::detail
