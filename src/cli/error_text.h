#pragma once
// What the CLI prints for an InputError, in one place for main() and the MPI command (advx sweep), which
// reports its errors itself so that only rank 0 prints them.

#include <string>
#include <string_view>

namespace advx::cli {

/// "advx: error: WHAT\n", and for an error that starts with an option's name ("--shard: expected K/N …",
/// found once the command runs) the pointer to `COMMAND --help` that parse errors get, since it is a
/// command-line mistake all the same.
[[nodiscard]] std::string input_error_text(std::string_view what, std::string_view command);

}  // namespace advx::cli
