#include "advx/analysis/analysis_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/store/hdf5_util.h"

namespace advx {

namespace {

std::string now_iso() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

}  // namespace

namespace {

/// HDF5's read-write open, for the in-place write (after lock_for_writing has checked the file).
hid_t open_for_writing(const std::filesystem::path& path) {
  h5::quiet_errors();
  const hid_t fid = H5Fopen(path.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  // HDF5's file locks: a reader in another process (an h5py session, a notebook) keeps writers out.
  if (fid < 0)
    throw InputError(fmt::format("{}: cannot open the result file for writing: another process has it open (an h5py "
                                 "session or notebook, or another advx reading it: close the file there), or it is "
                                 "not HDF5",
                                 path.string()));
  return fid;
}

}  // namespace

namespace {

constexpr const char* kInUse =
    "{}: cannot open the result file for writing: another process has it open (an h5py session or notebook, "
    "or another advx reading it: close the file there)";

/// The file opened read-write and locked with HDF5's own lock (flock: shared for each reader, exclusive
/// for a writer), or InputError when it cannot be written or another process has it open. A plain open
/// does not touch the file: HDF5's read-write open marks its superblock, and a process killed before
/// the mark is cleared would have changed it. Read-write because on NFS an exclusive flock needs it.
int lock_for_writing(const std::filesystem::path& path) {
  if (::access(path.c_str(), W_OK) != 0)
    throw InputError(fmt::format("{}: cannot write the analysis into it: {}", path.string(), std::strerror(errno)));
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    throw InputError(fmt::format("{}: cannot write the analysis into it: {}", path.string(), std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    ::close(fd);
    throw InputError(fmt::format(fmt::runtime(kInUse), path.string()));
  }
  return fd;
}

}  // namespace

void check_analysis_writable(const std::filesystem::path& path) { ::close(lock_for_writing(path)); }

namespace {

/// Replaces /analysis in the open file `file` (at `path`, for messages) and closes it.
void put_analysis(const Analysis& a, h5::Handle file, const std::filesystem::path& path) {
  if (h5::has_link(file.get(), "analysis"))
    h5::check(H5Ldelete(file.get(), "analysis", H5P_DEFAULT), "delete the old /analysis", 0);
  // Entries and attributes in creation order (h5py shows the points' columns as written: config keys
  // first, not by name).
  h5::Handle group = h5::create_group(file.get(), "analysis");
  const hid_t g = group.get();

  h5::write_string_attr(g, "format", "advx-analysis");
  h5::write_int_attr(g, "format_version", 1);
  h5::write_string_attr(g, "checkpoint", a.checkpoint);
  std::vector<std::string> specs;
  for (const auto& o : a.objectives) specs.push_back(o.spec());
  h5::write_string_attr(g, "objectives", fmt::format("{}", fmt::join(specs, ",")));
  h5::write_int_attr(g, "per_replicate", a.per_replicate ? 1 : 0);
  h5::write_strings_attr(g, "config_keys", a.config_keys);
  h5::write_strings_attr(g, "replicate_keys", a.replicate_keys);
  h5::write_doubles_attr(g, "reference", a.reference);
  h5::write_double_attr(g, "hypervolume", a.hypervolume);
  h5::write_int_attr(g, "knee", static_cast<std::int64_t>(a.knee));
  h5::write_int_attr(g, "fronts", static_cast<std::int64_t>(a.fronts));
  if (a.plan) {  // as the JSON's "trials": whether the analysis saw the whole planned sweep
    h5::write_int_attr(g, "trials_planned", a.plan->planned);
    h5::write_int_attr(g, "trials_planned_without_row", a.plan->missing());
    h5::write_string_attr(g, "shard", a.plan->shard);
    h5::write_int_attr(g, "sweep_trials", a.plan->sweep_trials);
  }
  h5::write_string_attr(g, "advx_version", ADVX_VERSION);
  h5::write_string_attr(g, "created", now_iso());

  {
    h5::Handle points = h5::create_group(g, "points");
    for (std::size_t k = 0; k < a.config_keys.size(); ++k) {
      std::vector<std::string> col;
      for (const auto& p : a.points) col.push_back(p.config[k]);
      h5::write_strings(points.get(), a.config_keys[k], col);
    }
    std::vector<std::string> ids;
    std::vector<std::int64_t> n, rank;
    for (const auto& p : a.points) {
      ids.push_back(fmt::format("{}", fmt::join(p.trial_ids, ";")));
      n.push_back(static_cast<std::int64_t>(p.rows.size()));
      rank.push_back(p.rank);
    }
    h5::write_strings(points.get(), "trial_ids", ids);
    h5::write_ints(points.get(), "n", n);
    h5::write_ints(points.get(), "rank", rank);
    for (std::size_t k = 0; k < a.objectives.size(); ++k) {
      std::vector<double> mean, sd;
      for (const auto& p : a.points) {
        mean.push_back(p.objectives[k].mean);
        sd.push_back(p.objectives[k].std);
      }
      h5::write_doubles(points.get(), a.objectives[k].metric, mean);
      h5::write_doubles(points.get(), a.objectives[k].metric + ".std", sd);
    }
  }
  std::vector<std::int64_t> front(a.front.begin(), a.front.end());
  h5::write_ints(g, "front", front);
  std::vector<std::int64_t> trial_rank(a.trials_recorded, -1);
  for (const auto& p : a.points)
    for (auto r : p.rows) trial_rank[r] = p.rank;
  h5::write_ints(g, "trial_rank", trial_rank);
  group.close();
  errno = 0;
  if (file.close() < 0)
    throw std::runtime_error(fmt::format("{}: HDF5 close failed after writing /analysis{}", path.string(),
                                         errno != 0 ? fmt::format(" ({})", std::strerror(errno)) : ""));
}

bool permission_error(int err) { return err == EACCES || err == EPERM || err == EROFS; }

/// Copies the file open at `from` (its stat `st`) to a new file `copy` with the same owner and mode.
/// False, and no copy, when this process may not make one there (a directory it cannot create files
/// in, another user's file it cannot give that owner); any other failure (a full disk) throws. The name
/// is unlinked and created anew (O_EXCL | O_NOFOLLOW): a symbolic link planted at it is never followed.
bool owned_copy(int from, const struct stat& st, const std::filesystem::path& copy) {
  ::unlink(copy.c_str());
  const int to = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (to < 0) {
    if (permission_error(errno)) return false;
    throw std::runtime_error(fmt::format("{}: cannot create the copy for --write: {}", copy.string(),
                                         std::strerror(errno)));
  }
  const auto fail = [&](const char* what) {
    const int err = errno;
    ::close(to);
    ::unlink(copy.c_str());
    return std::runtime_error(fmt::format("{}: cannot {} the copy for --write: {}", copy.string(), what,
                                          std::strerror(err)));
  };
  loff_t in_off = 0;
  bool in_kernel = true;  // copy_file_range, else (a file system without it) read and write
  std::vector<char> buffer;
  while (in_off < st.st_size) {
    const auto left = static_cast<std::size_t>(st.st_size - in_off);
    ssize_t n = -1;
    if (in_kernel) {
      n = ::copy_file_range(from, &in_off, to, nullptr, left, 0);
      if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EOPNOTSUPP || errno == EINVAL)) {
        in_kernel = false;
        continue;
      }
    } else {
      buffer.resize(std::min<std::size_t>(left, std::size_t{1} << 20));
      n = ::pread(from, buffer.data(), buffer.size(), in_off);
      if (n > 0 && ::write(to, buffer.data(), static_cast<std::size_t>(n)) != n) n = -1;
      if (n > 0) in_off += n;
    }
    if (n < 0) throw fail("write");
    if (n == 0) break;  // the file shrank meanwhile: no writer holds the lock, so it cannot, but do not spin
  }
  if (::fchown(to, st.st_uid, st.st_gid) != 0 || ::fchmod(to, st.st_mode & 07777) != 0) {
    if (!permission_error(errno)) throw fail("set the owner of");
    ::close(to);
    ::unlink(copy.c_str());
    return false;
  }
  if (::close(to) != 0) {
    const int err = errno;
    ::unlink(copy.c_str());
    throw std::runtime_error(fmt::format("{}: cannot write the copy for --write: {}", copy.string(),
                                         std::strerror(err)));
  }
  return true;
}

}  // namespace

void write_analysis(const Analysis& a, const std::filesystem::path& path) {
  // Into a copy that is then renamed over the file: HDF5 changes a file in place in several writes (the
  // superblock, the free space, the new group), and a process killed between them leaves a file that no
  // longer opens, trials and all. The original stays locked (HDF5's lock) until the rename, so no h5py
  // writer changes it meanwhile. In place, not atomic, only where no such copy may replace the file: a
  // directory this user cannot create or rename files in (a read-only or sticky shared one), or another
  // user's file, whose owner the copy could not keep. Any other failure (a full disk) changes nothing.
  const int fd = lock_for_writing(path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("{}: {}", path.string(), std::strerror(err)));
  }
  const auto copy = std::filesystem::path(path.string() + ".analysis-writing");
  bool copied = false;
  try {
    copied = owned_copy(fd, st, copy);
    if (copied) {
      h5::quiet_errors();
      const hid_t fid = H5Fopen(copy.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      if (fid < 0) throw std::runtime_error(fmt::format("{}: cannot open the copy for writing", copy.string()));
      put_analysis(a, h5::Handle(fid, H5Fclose), copy);
      if (::rename(copy.c_str(), path.c_str()) == 0) {
        ::close(fd);
        return;
      }
      if (!permission_error(errno) && errno != EBUSY)
        throw std::runtime_error(fmt::format("{}: cannot replace it with {}: {}", path.string(), copy.string(),
                                             std::strerror(errno)));
      ::unlink(copy.c_str());
    }
  } catch (...) {
    if (copied) ::unlink(copy.c_str());
    ::close(fd);
    throw;
  }
  ::close(fd);  // HDF5 takes its own lock on its own descriptor, which ours would block
  put_analysis(a, h5::Handle(open_for_writing(path), H5Fclose), path);
}

}  // namespace advx
