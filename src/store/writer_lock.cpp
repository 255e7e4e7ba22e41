#include "advx/store/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
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

}  // namespace

WriterLock::WriterLock(const std::filesystem::path& result) : path_(result.string() + ".lock") {
  for (;;) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    // Another user's lock file in a directory shared by a group: flock works on a read-only descriptor.
    if (fd_ < 0 && errno == EACCES) fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
      throw InputError(fmt::format("{}: cannot create the lock file {}: {}", result.string(), path_.string(),
                                   std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      std::string holder(256, '\0');
      const auto n = ::pread(fd_, holder.data(), holder.size(), 0);
      holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
      ::close(fd_);
      fd_ = -1;
      if (err == ENOSYS || err == EOPNOTSUPP || err == ENOLCK || err == EINVAL) {
        // A file system without flock (Lustre mounted noflock, NFSv3 without lockd): run unguarded, as
        // HDF5's own file locking does there, rather than refuse to run at all.
        ::unlink(path_.c_str());
        std::cerr << fmt::format("advx: warning: {}: this file system does not support file locks ({}); a second "
                                 "writer on this file would not be refused\n", result.string(), std::strerror(err));
        return;
      }
      if (err != EWOULDBLOCK)
        throw InputError(fmt::format("{}: cannot lock {}: {}", result.string(), path_.string(), std::strerror(err)));
      throw InputError(fmt::format("{}: in use by another advx process ({}); wait for it to finish, or choose "
                                   "another --out", result.string(),
                                   holder.empty() ? "lock file " + path_.string() : holder));
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
