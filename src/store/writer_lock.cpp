#include "advx/store/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string_view>
#include <iostream>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "advx/common/error.h"

namespace advx {

namespace {

bool same_file(int fd, const std::filesystem::path& path) {
  struct stat held {}, now {};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &now) == 0 && held.st_ino == now.st_ino &&
         held.st_dev == now.st_dev;
}

/// What a lock file says about its holder ("pid 123 on node7"), for the in-use message.
std::string holder_text(int fd) {
  std::string text(256, '\0');
  const auto n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

/// Another user's lock file (a directory shared by a group): we cannot write it, but can test whether
/// anyone holds it. Held: in use, and its text names the holder (a holder always writes its own file).
/// Free: left by an earlier run; replace it with our own, removing it while locked so a waiter that
/// opened it sees a stale inode and retries (returns −1: the caller creates its own). When it cannot
/// be removed (a sticky or read-only directory), an in-place writer keeps the locked read-only
/// descriptor as its lock (returned); a whole-file writer, which must create files there, is refused.
int take_over_foreign(const std::filesystem::path& result, const std::filesystem::path& lock_path,
                      WriterLock::Writes writes, const std::function<InputError(const std::string&)>& in_use) {
  const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return -1;  // gone meanwhile: the caller retries creating it
  if (fd < 0)
    throw InputError(fmt::format("{}: cannot open the lock file {}: {}", result.string(), lock_path.string(),
                                 std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const auto holder = holder_text(fd);
    ::close(fd);
    if (err == EWOULDBLOCK) throw in_use(holder);
    throw InputError(fmt::format("{}: cannot lock {}, another user's lock file: {}; remove it if no advx process uses "
                                 "{}", result.string(), lock_path.string(), std::strerror(err), result.string()));
  }
  if (!same_file(fd, lock_path)) {  // replaced meanwhile: the caller retries with the new one
    ::close(fd);
    return -1;
  }
  const bool removed = ::unlink(lock_path.c_str()) == 0;
  const int err = errno;
  if (!removed && writes == WriterLock::Writes::kInPlace) return fd;
  ::close(fd);
  if (removed) return -1;
  throw InputError(fmt::format("{}: the lock file {} is another user's, left by an earlier run, and cannot be "
                               "replaced: {}; remove it",
                               result.string(), lock_path.string(), std::strerror(err)));
}

}  // namespace

WriterLock::WriterLock(const std::filesystem::path& result, Writes writes, std::string_view hint)
    : path_(result.string() + ".lock") {
  const auto in_use = [&](const std::string& holder) {
    return InputError(fmt::format("{}: in use by another advx process ({}); wait for it to finish{}{}", result.string(),
                                  holder.empty() ? "lock file " + path_.string() : holder, hint.empty() ? "" : ", ",
                                  hint));
  };
  for (;;) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      const int err = errno;
      std::error_code ec;
      const bool exists = std::filesystem::exists(path_, ec);
      if (writes == Writes::kInPlace && (err == EACCES || err == EROFS) && !exists && !ec) return;
      if (err == EACCES && exists) {
        fd_ = take_over_foreign(result, path_, writes, in_use);
        if (fd_ >= 0) return;  // another user's free lock file, held read-only (it names no holder)
        continue;
      }
      throw InputError(fmt::format("{}: cannot create the lock file {}: {}", result.string(), path_.string(),
                                   std::strerror(err)));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const auto holder = holder_text(fd_);
      ::close(fd_);
      fd_ = -1;
      if (err == ENOSYS || err == EOPNOTSUPP || err == ENOLCK || err == EINVAL) {
        // A file system without flock (Lustre mounted noflock, NFSv3 without lockd): run unguarded, as
        // HDF5's own file locking does there, rather than refuse to run at all.
        // Warned once per file and process: a sweep probes the lock early, then takes it for the run.
        ::unlink(path_.c_str());
        static std::set<std::string> warned;
        if (warned.insert(result.string()).second)
          std::cerr << fmt::format("advx: warning: {}: this file system does not support file locks ({}); a "
                                   "second writer on this file would not be refused\n",
                                   result.string(), std::strerror(err));
        return;
      }
      if (err != EWOULDBLOCK)
        throw InputError(fmt::format("{}: cannot lock {}: {}", result.string(), path_.string(), std::strerror(err)));
      throw in_use(holder);
    }
    // The holder before us may have removed the lock file between our open and our flock: then we
    // hold a lock on a file nobody else will ever open. Retry until the locked file is the one at path.
    if (same_file(fd_, path_)) break;
    ::close(fd_);
    fd_ = -1;
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const auto text = fmt::format("pid {} on {}", ::getpid(), host);
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, text.data(), text.size(), 0);
}

WriterLock::WriterLock(WriterLock&& o) noexcept : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)) {}

WriterLock& WriterLock::operator=(WriterLock&& o) noexcept {
  if (this != &o) {
    release();
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

void WriterLock::release() noexcept {
  if (fd_ < 0) return;
  // Removed while still held, so a waiter that opened it sees a stale inode and retries. Only if the
  // name is still ours: had someone deleted the lock file by hand and another writer taken a new one,
  // removing that one would let a third writer in beside it.
  if (same_file(fd_, path_)) ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace advx
