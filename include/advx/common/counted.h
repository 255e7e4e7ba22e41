#pragma once
// A count with its noun in the number the count calls for, for the summaries the CLI prints.

#include <string>
#include <string_view>

namespace advx {

/// "1 trial", "0 trials", "3 trials". `plural` is for nouns that do not just take an s ("pass" → "passes").
std::string counted(long long n, std::string_view singular, std::string_view plural = {});

}  // namespace advx
