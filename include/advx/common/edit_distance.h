#pragma once
// Levenshtein distance, for "did you mean" suggestions (sweep keys, CLI commands).

#include <cstddef>
#include <string_view>

namespace advx {

/// Insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace advx
