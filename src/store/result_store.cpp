#include "advx/store/result_store.h"

#include <fcntl.h>  // AT_FDCWD, open
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc ≥ 2.28)

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <string_view>
#include <tuple>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/store/writer_lock.h"
#include "advx/store/hdf5_util.h"

#ifndef ADVX_GIT_COMMIT
#define ADVX_GIT_COMMIT "unknown"
#endif

namespace advx {

namespace {

constexpr const char* kFormat = "advx-results";
constexpr std::int64_t kFormatVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The columns of every row, in the order put() creates them (the grid values go between the two lists)
// and files list them: what identifies a trial first, how it ran after its grid values.
constexpr std::array<std::string_view, 4> kIdColumns{"trial_id", "trial_index", "replicate", "seed"};
constexpr std::array<std::string_view, 8> kRunColumns{
    "status", "message", "rank", "host", "wall_seconds", "epochs_run", "diverged_epoch", "seconds_per_epoch"};
// The curves in the order put() creates them; adv_loss.<attr> follow.
constexpr std::array<std::string_view, 6> kCurveSeries{"train_loss", "train_vae_loss", "val_loss", "val_select", "lr",
                                                       "epoch_seconds"};

/// Position of `name` in `list`, or list.size().
template <class List>
std::size_t position(const List& list, std::string_view name) {
  return static_cast<std::size_t>(std::find(list.begin(), list.end(), name) - list.begin());
}

std::string now_iso() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

bool parses_as_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(v);
}

}  // namespace

std::size_t Column::size() const {
  switch (kind) {
    case Kind::kFloat: return f.size();
    case Kind::kInt: return i.size();
    case Kind::kString: return s.size();
  }
  return 0;
}

std::string Column::text(std::size_t row) const {
  switch (kind) {
    case Kind::kFloat: return std::isnan(f[row]) ? "" : fmt::format("{}", f[row]);
    case Kind::kInt: return i[row] == -1 ? "" : std::to_string(i[row]);
    case Kind::kString: return s[row];
  }
  return "";
}

struct ResultStore::Impl {
  WriterLock lock;  // held from open_for_sweep on; none for a store opened by read()
  std::filesystem::path path;
  StoreHeader header;
  std::string created, git_commit = ADVX_GIT_COMMIT, advx_version = ADVX_VERSION, moved_aside;
  std::vector<std::string> hosts;
  std::vector<std::string> names;          // column order, as written (HDF5 creation order)
  std::map<std::string, Column> columns;
  std::vector<std::string> curve_names;    // series order, as written
  std::map<std::string, std::vector<std::vector<double>>> curves;  // series → rows → epochs
  std::map<std::string, std::string> extra_attrs;                  // read back, written again

  std::size_t rows() const { return columns.count("trial_id") ? columns.at("trial_id").s.size() : 0; }

  std::vector<std::vector<double>>& curve(const std::string& series) {
    auto it = curves.find(series);
    if (it != curves.end()) return it->second;
    curve_names.push_back(series);
    return curves[series];
  }

  Column& ensure(const std::string& name, Column::Kind kind) {
    auto it = columns.find(name);
    if (it != columns.end()) return it->second;
    Column c;
    c.kind = kind;
    const auto n = rows();
    if (kind == Column::Kind::kFloat) c.f.assign(n, kNaN);
    if (kind == Column::Kind::kInt) c.i.assign(n, -1);
    if (kind == Column::Kind::kString) c.s.assign(n, "");
    names.push_back(name);
    return columns.emplace(name, std::move(c)).first->second;
  }

  /// Sets a cell of `row` (row == rows() appends to this column only; callers pad afterwards).
  void set_float(const std::string& name, std::size_t row, double v) { at(ensure(name, Column::Kind::kFloat).f, row, kNaN) = v; }
  void set_int(const std::string& name, std::size_t row, std::int64_t v) { at(ensure(name, Column::Kind::kInt).i, row, std::int64_t{-1}) = v; }
  void set_string(const std::string& name, std::size_t row, const std::string& v) {
    at(ensure(name, Column::Kind::kString).s, row, std::string()) = v;
  }
  template <class T>
  static T& at(std::vector<T>& v, std::size_t row, T fill) {
    if (v.size() <= row) v.resize(row + 1, fill);
    return v[row];
  }
  void pad_to(std::size_t n) {
    for (auto& [name, c] : columns) {
      if (c.kind == Column::Kind::kFloat) c.f.resize(n, kNaN);
      if (c.kind == Column::Kind::kInt) c.i.resize(n, -1);
      if (c.kind == Column::Kind::kString) c.s.resize(n, "");
    }
    for (auto& [name, rows_] : curves) rows_.resize(n);
  }

  void put(const TrialRecord& r, std::size_t row) {
    set_string("trial_id", row, r.trial_id);
    set_int("trial_index", row, r.trial_index);
    set_int("replicate", row, r.replicate);
    set_int("seed", row, static_cast<std::int64_t>(r.seed));
    // Grid values: numeric axes as float columns (for pandas/plots), others as text.
    for (const auto& [key, value] : r.params) {
      double v = 0;
      auto it = columns.find(key);
      const bool numeric = it != columns.end() ? it->second.kind == Column::Kind::kFloat : parses_as_number(value, v);
      if (numeric && parses_as_number(value, v))
        set_float(key, row, v);
      else
        set_string(key, row, value);
    }
    set_string("status", row, r.result.status);
    set_string("message", row, r.result.message);
    set_int("rank", row, r.rank);
    set_string("host", row, r.host);
    set_float("wall_seconds", row, r.wall_seconds);
    set_int("epochs_run", row, r.result.epochs_run);
    set_int("diverged_epoch", row, r.result.diverged_epoch);
    set_float("seconds_per_epoch", row, r.result.seconds_per_epoch);
    for (const auto& cp : r.result.checkpoints) {
      set_int(cp.name + ".epoch", row, cp.epoch);
      for (const auto& [k, v] : cp.metrics) set_float(cp.name + "." + k, row, v);
    }
    auto put_curve = [&](const std::string& series, auto get) {
      auto& c = curve(series);
      if (c.size() <= row) c.resize(row + 1);
      c[row].clear();
      for (const auto& e : r.result.curves) c[row].push_back(get(e));
    };
    put_curve("train_loss", [](const EpochRecord& e) { return e.train_loss; });
    put_curve("train_vae_loss", [](const EpochRecord& e) { return e.train_vae; });
    put_curve("val_loss", [](const EpochRecord& e) { return e.val_loss; });
    put_curve("val_select", [](const EpochRecord& e) { return e.val_select; });
    put_curve("lr", [](const EpochRecord& e) { return e.lr; });
    put_curve("epoch_seconds", [](const EpochRecord& e) { return e.seconds; });
    for (std::size_t g = 0; g < r.result.adversaries.size(); ++g)
      put_curve("adv_loss." + r.result.adversaries[g], [g](const EpochRecord& e) { return e.adversary_loss[g]; });
  }

  void write_file() {
    h5::quiet_errors();
    const auto tmp = std::filesystem::path(path.string() + ".writing");
    try {
      errno = 0;  // HDF5's messages do not say why a write failed; errno may
      write_into(tmp);
    } catch (const std::exception& e) {
      const int err = errno;
      // No half file left behind to fill the disk further; the usual reason for a failed write is a full
      // disk, which the free space shows.
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      const auto dir = tmp.has_parent_path() ? tmp.parent_path() : std::filesystem::path(".");
      const auto space = std::filesystem::space(dir, ec);
      if (!ec && space.available < (std::uintmax_t{1} << 20))
        throw std::runtime_error(fmt::format("{} (the file system holding it has {} bytes free)", e.what(),
                                             space.available));
      if (err == ENOSPC || err == EDQUOT || err == EIO || err == EROFS || err == EACCES)
        throw std::runtime_error(fmt::format("{} ({})", e.what(), std::strerror(err)));
      throw;
    }
    // rename() replaces the file atomically: a process killed at any moment leaves the old or the new
    // version, both complete. No fsync: it would cost tens of milliseconds per trial and only guards
    // against a power loss, not against a crash of advx or of the job.
    std::filesystem::rename(tmp, path);
  }

  void write_into(const std::filesystem::path& tmp) {
    {
      auto file = h5::create_file(tmp.string());
      const hid_t root = file.get();
      h5::write_string_attr(root, "format", kFormat);
      h5::write_int_attr(root, "format_version", kFormatVersion);
      h5::write_string_attr(root, "advx_version", advx_version);
      h5::write_string_attr(root, "git_commit", git_commit);
      h5::write_string_attr(root, "sweep_name", header.sweep_name);
      h5::write_string_attr(root, "sweep_identity", header.sweep_identity);
      h5::write_string_attr(root, "sweep_path", header.sweep_path);
      h5::write_string_attr(root, "working_directory", header.working_directory);
      std::vector<std::string> fingerprints;  // "FINGERPRINT data.k=v …", by settings
      for (const auto& [settings, fp] : header.data_fingerprints) fingerprints.push_back(fp + " " + settings);
      h5::write_strings_attr(root, "data_fingerprints", fingerprints);
      h5::write_string_attr(root, "sweep_text", header.sweep_text);
      h5::write_strings_attr(root, "grid_keys", header.grid_keys);
      h5::write_strings_attr(root, "sweep_overrides", header.sweep_overrides);
      h5::write_int_attr(root, "planned_trials", header.planned_trials);
      h5::write_string_attr(root, "created", created);
      h5::write_string_attr(root, "updated", now_iso());
      h5::write_strings_attr(root, "hosts", hosts);
      // The run's attributes last, in a fixed order (the file lists attributes in creation order).
      for (const char* key : {"run_started", "run_finished", "shard"})
        if (auto it = extra_attrs.find(key); it != extra_attrs.end()) h5::write_string_attr(root, key, it->second);
      for (const auto& [k, v] : extra_attrs)
        if (k != "run_started" && k != "run_finished" && k != "shard") h5::write_string_attr(root, k, v);
      {
        auto trials = h5::create_group(root, "trials");
        for (const auto& name : names) {
          const auto& c = columns.at(name);
          if (c.kind == Column::Kind::kFloat) h5::write_doubles(trials.get(), name, c.f);
          if (c.kind == Column::Kind::kInt) h5::write_ints(trials.get(), name, c.i);
          if (c.kind == Column::Kind::kString) h5::write_strings(trials.get(), name, c.s);
        }
      }
      {
        auto group = h5::create_group(root, "curves");
        for (const auto& series : curve_names) {
          const auto& rows_ = curves.at(series);
          std::size_t width = 0;
          for (const auto& r : rows_) width = std::max(width, r.size());
          std::vector<double> flat(rows() * width, kNaN);
          for (std::size_t r = 0; r < rows_.size() && r < rows(); ++r)
            std::copy(rows_[r].begin(), rows_[r].end(), flat.begin() + static_cast<std::ptrdiff_t>(r * width));
          h5::write_matrix(group.get(), series, flat, rows(), width);
        }
      }
      if (file.close() < 0) throw std::runtime_error(fmt::format("{}: HDF5 close failed", tmp.string()));
    }
  }

  /// Reads the whole file; with `header_only`, the root attributes (what identifies the sweep) and no rows.
  void load(const std::filesystem::path& p, bool header_only = false) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec))
      throw InputError(fmt::format("{}: is a directory; expected an advx result file (.h5)", p.string()));
    if (!std::filesystem::is_regular_file(p, ec)) throw InputError(fmt::format("{}: result file not found", p.string()));
    auto file = h5::open_file_readonly(p.string());
    if (!file.valid()) {
      const auto ext = p.extension().string();
      throw InputError(fmt::format("{}: not an HDF5 file (or truncated){}", p.string(),
                                   ext == ".yaml" || ext == ".yml"
                                       ? "; this looks like a sweep file: give the result file its sweep wrote (--out)"
                                       : ""));
    }
    const hid_t root = file.get();
    std::string format;
    if (!h5::read_attr_text(root, "format", format) || format != kFormat)
      throw InputError(fmt::format("{}: not an advx result file (no format=advx-results attribute)", p.string()));
    std::string v;
    if (h5::read_attr_text(root, "format_version", v) && v != std::to_string(kFormatVersion))
      throw InputError(fmt::format("{}: result format version {} (this advx reads {})", p.string(), v, kFormatVersion));
    h5::read_attr_text(root, "sweep_name", header.sweep_name);
    h5::read_attr_text(root, "sweep_identity", header.sweep_identity);
    h5::read_attr_text(root, "sweep_path", header.sweep_path);
    h5::read_attr_text(root, "working_directory", header.working_directory);  // "" in files of earlier builds
    std::vector<std::string> fingerprints;  // absent in files of earlier builds
    h5::read_strings_attr(root, "data_fingerprints", fingerprints);
    for (const auto& line : fingerprints)
      if (const auto space = line.find(' '); space != std::string::npos)
        header.data_fingerprints[line.substr(space + 1)] = line.substr(0, space);
    h5::read_attr_text(root, "sweep_text", header.sweep_text);
    h5::read_strings_attr(root, "grid_keys", header.grid_keys);
    header.overrides_recorded = h5::read_strings_attr(root, "sweep_overrides", header.sweep_overrides);
    if (h5::read_attr_text(root, "planned_trials", v)) header.planned_trials = std::stoll(v);
    h5::read_attr_text(root, "created", created);
    h5::read_attr_text(root, "git_commit", git_commit);
    h5::read_attr_text(root, "advx_version", advx_version);
    h5::read_strings_attr(root, "hosts", hosts);
    for (const char* key : {"run_started", "run_finished", "shard"})
      if (h5::read_attr_text(root, key, v)) extra_attrs[key] = v;
    if (header_only) return;
    // A group HDF5 cannot list is a damaged file: an input error naming it, as for its datasets below.
    const auto damaged = [&](const char* group, const std::runtime_error& e) {
      return InputError(fmt::format("{}: {} cannot be read (damaged file?): {}", p.string(), group, e.what()));
    };
    const auto has_link = [&](const char* name) {
      try {
        return h5::has_link(root, name);
      } catch (const std::runtime_error& e) {
        throw damaged("/", e);
      }
    };
    if (!has_link("trials")) throw InputError(fmt::format("{}: advx result file without /trials", p.string()));
    const auto listed = [&](hid_t group, const char* name) {
      try {
        return h5::list(group);
      } catch (const std::runtime_error& e) {
        throw damaged(name, e);
      }
    };
    const auto in_creation_order = [&](hid_t group, const char* name) {
      try {
        return h5::lists_in_creation_order(group);
      } catch (const std::runtime_error& e) {
        throw damaged(name, e);
      }
    };
    auto trials = h5::open_group(root, "trials");
    std::size_t n = 0;
    bool first = true;
    // Every entry must be a column advx can read back. Skipping one would drop it from every table and,
    // since a sweep rewrites the whole file from what it read, delete it on the next resume or merge.
    for (const auto& name : listed(trials.get(), "/trials")) {
      const auto info = h5::info(trials.get(), name);
      const auto where = fmt::format("{}: /trials/{}", p.string(), name);
      if (!info.opened) throw InputError(fmt::format("{} cannot be opened as a dataset (damaged file?)", where));
      if (info.dims.size() != 1 || info.kind == h5::Kind::kOther)
        throw InputError(fmt::format("{} is not a column advx writes (expected a 1-D float, integer or "
                                     "variable-length string dataset, found {})", where,
                                     info.dims.size() != 1   ? fmt::format("{} dimension(s)", info.dims.size())
                                     : info.fixed_length_string ? "fixed-length strings: write them with "
                                                                  "dtype=h5py.string_dtype()"
                                                                : "another type"));
      Column c;
      try {
        if (info.kind == h5::Kind::kFloat) {
          c.kind = Column::Kind::kFloat;
          c.f = h5::read_doubles(trials.get(), name);
        } else if (info.kind == h5::Kind::kInt) {
          c.kind = Column::Kind::kInt;
          c.i = h5::read_ints(trials.get(), name);
        } else {
          c.kind = Column::Kind::kString;
          c.s = h5::read_strings(trials.get(), name);
        }
      } catch (const std::runtime_error& e) {
        throw InputError(fmt::format("{} cannot be read (damaged file?): {}", where, e.what()));
      }
      if (!first && c.size() != n)
        throw InputError(fmt::format("{}: /trials/{} has {} rows, other columns {}", p.string(), name, c.size(), n));
      n = c.size();
      first = false;
      names.push_back(name);
      columns.emplace(name, std::move(c));
    }
    // A sweep stopped before its first trial finished leaves an empty /trials: zero rows, not an error.
    if (!columns.empty() && (!columns.count("trial_id") || columns.at("trial_id").kind != Column::Kind::kString))
      throw InputError(fmt::format("{}: /trials has no trial_id column", p.string()));
    // What every reader relies on: how each trial ended, and where in the grid it sits. Without them a
    // merge or resume would rewrite the file without the column, and analyze would pool grid points.
    if (n > 0) {
      if (const auto it = columns.find("status"); it == columns.end() || it->second.kind != Column::Kind::kString)
        throw InputError(fmt::format("{}: /trials has no 'status' column of strings (how each trial ended: ok, "
                                     "diverged or failed), which every advx result file with trials has (damaged "
                                     "file?)", p.string()));
      for (const auto& key : header.grid_keys)
        if (!columns.count(key))
          throw InputError(fmt::format("{}: /trials has no '{}' column, a grid key of its sweep (the file's grid_keys "
                                       "attribute); damaged file?", p.string(), key));
    }
    // A file of an earlier advx build lists its columns by name: read them in the order a new file has.
    if (!in_creation_order(trials.get(), "/trials")) order_as_written();
    if (has_link("curves")) {
      auto group = h5::open_group(root, "curves");
      for (const auto& name : listed(group.get(), "/curves")) {
        const auto info = h5::info(group.get(), name);
        const auto where = fmt::format("{}: /curves/{}", p.string(), name);
        if (!info.opened) throw InputError(fmt::format("{} cannot be opened as a dataset (damaged file?)", where));
        if (info.dims.size() != 2 || info.kind != h5::Kind::kFloat || info.dims[0] != n)
          throw InputError(fmt::format("{} is not a curve advx writes (expected a 2-D float dataset of {} rows)",
                                       where, n));
        std::vector<double> flat;
        try {
          flat = h5::read_doubles(group.get(), name);
        } catch (const std::runtime_error& e) {
          throw InputError(fmt::format("{} cannot be read (damaged file?): {}", where, e.what()));
        }
        const auto width = static_cast<std::size_t>(info.dims[1]);
        auto& rows_ = curve(name);
        rows_.resize(n);
        for (std::size_t r = 0; r < n; ++r) {
          auto begin = flat.begin() + static_cast<std::ptrdiff_t>(r * width);
          auto end = begin + static_cast<std::ptrdiff_t>(width);
          while (end != begin && std::isnan(*(end - 1))) --end;  // NaN padding
          rows_[r].assign(begin, end);
        }
      }
      if (!in_creation_order(group.get(), "/curves"))
        std::stable_sort(curve_names.begin(), curve_names.end(), [](const std::string& a, const std::string& b) {
          return position(kCurveSeries, a) < position(kCurveSeries, b);  // adv_loss.* after, by name
        });
    }
  }

  /// Puts columns listed by name in the order put() creates them: identifiers, grid values (this run's
  /// axes, then those of earlier grids), how the trial ran, then each checkpoint's epoch and metrics.
  void order_as_written() {
    using Key = std::tuple<int, std::size_t, std::string, int, std::string>;  // section, position, checkpoint, …
    const auto key = [&](const std::string& name) -> Key {
      if (const auto i = position(kIdColumns, name); i < kIdColumns.size()) return {0, i, "", 0, name};
      if (const auto i = position(header.grid_keys, name); i < header.grid_keys.size()) return {1, i, "", 0, name};
      if (const auto i = position(kRunColumns, name); i < kRunColumns.size()) return {3, i, "", 0, name};
      // "<checkpoint>.<metric>": a checkpoint is a prefix with a "<checkpoint>.epoch" column; its epoch first.
      if (const auto dot = name.find('.'); dot != std::string::npos && columns.count(name.substr(0, dot) + ".epoch"))
        return {4, 0, name.substr(0, dot), name.substr(dot) == ".epoch" ? 0 : 1, name};
      return {2, 0, "", 0, name};  // an axis of an earlier grid (kept in the file), by name
    };
    std::stable_sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  }
};

namespace {
// Renames `path` to NAME.<stamp>.h5 (NAME.<stamp>-2.h5, -3, … when taken) without ever replacing an
// existing file: two --new runs within one second, or a file of that name made by hand, must not lose
// the earlier results.
std::filesystem::path move_aside(const std::filesystem::path& path, const std::string& stamp) {
  for (int n = 1;; ++n) {
    auto aside = path;
    aside.replace_extension(n == 1 ? fmt::format("{}.h5", stamp) : fmt::format("{}-{}.h5", stamp, n));
    if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, aside.c_str(), RENAME_NOREPLACE) == 0) return aside;
    const int err = errno;
    if (err == EEXIST) continue;
    if (err == EINVAL || err == ENOSYS) {  // a file system without RENAME_NOREPLACE: check, then rename
      std::error_code ec;
      if (std::filesystem::exists(aside, ec)) continue;
      std::filesystem::rename(path, aside);
      return aside;
    }
    throw std::runtime_error(
        fmt::format("cannot move {} aside to {}: {}", path.string(), aside.string(), std::strerror(err)));
  }
}
}  // namespace

ResultStore::ResultStore() : impl_(std::make_unique<Impl>()) {}
ResultStore::ResultStore(ResultStore&&) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&&) noexcept = default;
ResultStore::~ResultStore() = default;

ResultStore ResultStore::read(const std::filesystem::path& path) {
  ResultStore s;
  s.impl_->path = path;
  s.impl_->load(path);
  return s;
}

StoreHeader ResultStore::read_header(const std::filesystem::path& path) {
  ResultStore s;
  s.impl_->path = path;
  s.impl_->load(path, true);
  return s.impl_->header;
}

ResultStore ResultStore::open_for_sweep(const std::filesystem::path& path, const StoreHeader& header, bool start_new,
                                       const std::string& earlier_identity) {
  std::error_code ec;
  // Checked before anything else: `start_new` would otherwise move a whole directory aside.
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: is a directory; the output must be the path of a result file, e.g. {}",
                                 path.string(), (path / "NAME.h5").string()));
  ResultStore s;
  s.impl_->path = path;
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), ec);
  s.impl_->lock = WriterLock(path, WriterLock::Writes::kWholeFile, "or choose another --out");
  if (std::filesystem::exists(path, ec) && start_new) {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    localtime_r(&t, &tm);
    s.impl_->moved_aside = move_aside(path, fmt::format("{:%Y%m%d-%H%M%S}", tm)).string();
  }
  if (std::filesystem::exists(path, ec)) {
    s.impl_->load(path);
    if (s.impl_->header.sweep_identity != header.sweep_identity &&
        (earlier_identity.empty() || s.impl_->header.sweep_identity != earlier_identity))
      throw InputError(fmt::format(
          "{}: holds results of another sweep ('{}', identity {}), not of this one ('{}', identity {}); settings "
          "other than grid values changed. Pass --new to move the old file aside, or choose another --out",
          path.string(), s.impl_->header.sweep_name, s.impl_->header.sweep_identity, header.sweep_name,
          header.sweep_identity));
    // Same sweep: the grid may have grown; keep the file's rows, take the new header.
    s.impl_->header = header;
  } else {
    if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), ec);
    s.impl_->header = header;
    s.impl_->created = now_iso();
    s.impl_->write_file();
  }
  return s;
}

const StoreHeader& ResultStore::header() const { return impl_->header; }
const std::filesystem::path& ResultStore::path() const { return impl_->path; }
const std::string& ResultStore::moved_aside() const { return impl_->moved_aside; }
std::size_t ResultStore::rows() const { return impl_->rows(); }
const std::vector<std::string>& ResultStore::column_names() const { return impl_->names; }
bool ResultStore::has_column(const std::string& name) const { return impl_->columns.count(name) > 0; }
const Column& ResultStore::column(const std::string& name) const {
  auto it = impl_->columns.find(name);
  if (it == impl_->columns.end()) throw InputError(fmt::format("{}: no column '{}' in /trials", impl_->path.string(), name));
  return it->second;
}
const std::map<std::string, std::vector<std::vector<double>>>& ResultStore::curves() const { return impl_->curves; }

std::string ResultStore::attribute(const std::string& name) const {
  if (name == "created") return impl_->created;
  if (name == "git_commit") return impl_->git_commit;
  if (name == "advx_version") return impl_->advx_version;
  if (auto it = impl_->extra_attrs.find(name); it != impl_->extra_attrs.end()) return it->second;
  if (name == "hosts") {
    std::string out;
    for (const auto& h : impl_->hosts) out += (out.empty() ? "" : ",") + h;
    return out;
  }
  return "";
}

bool ResultStore::finished(const std::string& trial_id) const {
  if (!impl_->columns.count("trial_id")) return false;
  const auto& ids = impl_->columns.at("trial_id").s;
  const auto& status = impl_->columns.at("status").s;
  for (std::size_t r = 0; r < ids.size(); ++r)
    if (ids[r] == trial_id && status[r] != "failed") return true;
  return false;
}

void ResultStore::add(const TrialRecord& record, bool write_now) {
  auto& m = *impl_;
  std::size_t row = m.rows();
  if (m.columns.count("trial_id")) {
    const auto& ids = m.columns.at("trial_id").s;
    const auto it = std::find(ids.begin(), ids.end(), record.trial_id);
    if (it != ids.end()) row = static_cast<std::size_t>(it - ids.begin());  // replaces a failed attempt
  }
  const auto n = std::max(m.rows(), row + 1);
  m.put(record, row);
  m.pad_to(n);
  if (std::find(m.hosts.begin(), m.hosts.end(), record.host) == m.hosts.end()) m.hosts.push_back(record.host);
  if (write_now) m.write_file();
}

std::size_t ResultStore::merge_from(const ResultStore& other) {
  auto& m = *impl_;
  const auto& o = *other.impl_;
  if (o.header.sweep_identity != m.header.sweep_identity)
    throw InputError(fmt::format("{}: belongs to sweep '{}' (identity {}), not to '{}' (identity {}); refusing to merge",
                                 o.path.string(), o.header.sweep_name, o.header.sweep_identity, m.header.sweep_name,
                                 m.header.sweep_identity));
  std::size_t taken = 0;
  // A shard stopped before its first trial finished has an empty /trials: nothing to take but its hosts.
  static const std::vector<std::string> kNone;
  const auto& ids = o.columns.count("trial_id") ? o.columns.at("trial_id").s : kNone;
  const auto& status = o.columns.count("status") ? o.columns.at("status").s : kNone;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    // Each trial once: a finished row here wins; a failed row of the other file only fills a gap.
    if (finished(ids[r])) continue;
    const bool have_row = m.columns.count("trial_id") &&
                          std::find(m.columns.at("trial_id").s.begin(), m.columns.at("trial_id").s.end(), ids[r]) !=
                              m.columns.at("trial_id").s.end();
    if (status[r] == "failed" && have_row) continue;
    std::size_t row = m.rows();
    if (m.columns.count("trial_id")) {
      const auto& mine = m.columns.at("trial_id").s;
      const auto it = std::find(mine.begin(), mine.end(), ids[r]);
      if (it != mine.end()) row = static_cast<std::size_t>(it - mine.begin());
    }
    const auto n = std::max(m.rows(), row + 1);
    for (const auto& name : o.names) {
      const auto& c = o.columns.at(name);
      auto it = m.columns.find(name);
      // A grid value stored as a number in one file and as text in another keeps the first file's kind.
      const auto kind = it != m.columns.end() ? it->second.kind : c.kind;
      if (kind == Column::Kind::kString || c.kind == Column::Kind::kString)
        m.set_string(name, row, c.text(r));
      else if (kind == Column::Kind::kInt)
        m.set_int(name, row, c.kind == Column::Kind::kInt ? c.i[r] : static_cast<std::int64_t>(c.f[r]));
      else
        m.set_float(name, row, c.kind == Column::Kind::kFloat ? c.f[r] : static_cast<double>(c.i[r]));
    }
    for (const auto& series : o.curve_names) {
      const auto& rows_ = o.curves.at(series);
      auto& mine = m.curve(series);
      if (mine.size() <= row) mine.resize(row + 1);
      mine[row] = r < rows_.size() ? rows_[r] : std::vector<double>{};
    }
    m.pad_to(n);
    ++taken;
  }
  for (const auto& h : o.hosts) add_host(h);
  m.write_file();
  return taken;
}

void ResultStore::add_host(const std::string& host) {
  if (std::find(impl_->hosts.begin(), impl_->hosts.end(), host) == impl_->hosts.end()) impl_->hosts.push_back(host);
}

void ResultStore::set_attribute(const std::string& name, const std::string& value) { impl_->extra_attrs[name] = value; }

void ResultStore::renumber(const std::map<std::string, std::int64_t>& index_of_trial) {
  auto& m = *impl_;
  const auto it = m.columns.find("trial_index");
  if (!m.columns.count("trial_id") || it == m.columns.end() || it->second.kind != Column::Kind::kInt) return;
  const auto& ids = m.columns.at("trial_id").s;
  for (std::size_t r = 0; r < ids.size() && r < it->second.i.size(); ++r)
    if (const auto found = index_of_trial.find(ids[r]); found != index_of_trial.end()) it->second.i[r] = found->second;
}

void ResultStore::write() { impl_->write_file(); }

}  // namespace advx
