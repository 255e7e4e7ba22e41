#pragma once
// Output paths given on the command line. The result file's writers replace it by renaming a new file
// over it (sweep, merge, analyze --write), and a rename replaces a symbolic link itself, not the file it
// points to: the results would land beside the link's target, which keeps its old contents, and the
// writer lock would guard the link's name instead of the file's.

#include <filesystem>
#include <string>

namespace advx::cli {

/// `path` with a symbolic link in its last component followed (to a file that need not exist yet);
/// `path` itself when it is no link, or for a chain of links that does not end (opening it then fails
/// with ELOOP, reported by the command; this runs inside option parsing, where it must not throw).
inline std::string through_symlinks(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(p, ec)) return p.string();
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) return p.string();
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return path;
}

}  // namespace advx::cli
