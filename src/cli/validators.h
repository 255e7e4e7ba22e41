#pragma once
// Option validators whose messages say what was expected. CLI11's CLI::Range reports a non-number as
// "Value abc not in range 1 to 1024"; these say "expected an integer in 1..1024, got 'abc'".

#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <type_traits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "advx/common/error.h"

namespace advx::cli {

/// Accepts a T in [lo, hi], or in (lo, hi) when `open` (fractions that must be strictly inside).
template <class T>
CLI::Validator in_range(T lo, T hi, bool open = false) {
  const char* what = std::is_integral_v<T> ? "an integer" : "a number";
  const auto range = open ? fmt::format("strictly between {} and {}", lo, hi) : fmt::format("in {}..{}", lo, hi);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        T v{};
        if (!CLI::detail::lexical_cast(text, v)) return fmt::format("expected {} {}, got '{}'", what, range, text);
        if (open ? !(v > lo && v < hi) : !(v >= lo && v <= hi))
          return fmt::format("expected {} {}, got {}", what, range, text);
        return "";
      },
      open ? fmt::format("({}, {})", lo, hi) : fmt::format("[{}, {}]", lo, hi));
}

/// Accepts a finite number: a threshold of nan compares false with everything (and inf keeps nothing),
/// and neither can be written to JSON metadata.
inline CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || !std::isfinite(v))
          return fmt::format("expected a finite number, got '{}'", text);
        return "";
      },
      "finite");
}

/// Refuses an empty (or blank) value: for options whose absence means "the default", `--objectives ''`
/// would otherwise silently mean the default too; for a required file name, '' is no name at all.
inline CLI::Validator non_empty(const std::string& expected, bool has_default = true) {
  return CLI::Validator(
      [expected, has_default](std::string& text) -> std::string {
        return text.find_first_not_of(" \t") == std::string::npos
                   ? fmt::format("empty value; expected {}{}", expected,
                                 has_default ? " (leave the option out for the default)" : "")
                   : "";
      },
      "NONEMPTY");
}

/// "K/N" with 0 ≤ K < N.
inline std::pair<int, int> parse_shard(const std::string& text) {
  int k = -1, n = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> k >> slash >> n) || slash != '/' || !in.eof() || n < 1 || k < 0 || k >= n)
    throw InputError(fmt::format("--shard: expected K/N with 0 ≤ K < N (e.g. 0/3), got '{}'", text));
  return {k, n};
}

}  // namespace advx::cli
