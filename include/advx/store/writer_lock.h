#pragma once
// Exclusive use of a result file by one writer: an flock on PATH.lock, held while the writer has the
// file open and released (the lock file removed) when it is done or the process dies. A sweep or merge
// rewrites the whole file from its memory at every write, so two writers on one file would silently
// discard each other's trials (or `advx analyze --write`'s /analysis). The lock file names its holder
// (pid, host) for the error message.

#include <filesystem>
#include <string_view>

namespace advx {

class WriterLock {
 public:
  /// How the lock's holder writes the result file.
  enum class Writes {
    kWholeFile,  ///< replaces it through a temporary file next to it (sweep, merge): needs the directory
    kInPlace,    ///< may open it read-write (analyze --write where it cannot replace it): a read-only
                 ///< directory will do
  };

  WriterLock() = default;  ///< holds nothing
  /// Takes the lock for `result`, or throws InputError naming the holder when another process has it
  /// (`hint` ends that message, e.g. "or choose another --out"). For kInPlace, in a directory where the
  /// lock file cannot be created it holds nothing: every whole-file writer creates it, so none runs. On a
  /// file system without flock it warns on stderr and holds nothing (runs unguarded).
  WriterLock(const std::filesystem::path& result, Writes writes, std::string_view hint = "");
  WriterLock(WriterLock&& o) noexcept;
  WriterLock& operator=(WriterLock&& o) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock() { release(); }

 private:
  void release() noexcept;
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace advx
