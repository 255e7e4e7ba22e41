#pragma once
// Levenshtein distance, for "did you mean" suggestions (sweep keys, CLI commands).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace advx {

/// Insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` if it is at most 2 edits away (the first of equals), else "": the one
/// rule for every "did you mean" (commands, options, sweep keys).
std::string nearest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace advx
