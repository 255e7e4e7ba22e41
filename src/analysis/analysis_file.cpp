#include "advx/analysis/analysis_file.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
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

hid_t open_for_writing(const std::filesystem::path& path) {
  h5::quiet_errors();
  if (::access(path.c_str(), W_OK) != 0)
    throw InputError(fmt::format("{}: cannot write the analysis into it: {}", path.string(), std::strerror(errno)));
  const hid_t fid = H5Fopen(path.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  // HDF5's file locks: a reader in another process (an h5py session, a notebook) keeps writers out.
  if (fid < 0)
    throw InputError(fmt::format("{}: cannot open the result file for writing: another process has it open (an h5py "
                                 "session or notebook: close the file there), or it is not HDF5",
                                 path.string()));
  return fid;
}

}  // namespace

void check_analysis_writable(const std::filesystem::path& path) { H5Fclose(open_for_writing(path)); }

void write_analysis(const Analysis& a, const std::filesystem::path& path) {
  h5::Handle file(open_for_writing(path), H5Fclose);
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
  if (file.close() < 0) throw std::runtime_error(fmt::format("{}: HDF5 close failed after writing /analysis", path.string()));
}

}  // namespace advx
