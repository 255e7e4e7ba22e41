#include "advx/analysis/analysis_file.h"

#include <hdf5.h>

#include <chrono>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "advx/common/error.h"

namespace advx {

namespace {

/// Owns an hid_t; closes it with its H5*close.
class H5Id {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Id(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
    if (id_ < 0) throw std::runtime_error("HDF5: cannot " + what);
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  ~H5Id() {
    if (id_ >= 0) closer_(id_);
  }
  [[nodiscard]] hid_t get() const { return id_; }
  herr_t close() {
    const herr_t r = id_ >= 0 ? closer_(id_) : 0;
    id_ = H5I_INVALID_HID;
    return r;
  }

 private:
  hid_t id_;
  Closer closer_;
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: cannot " + what);
}

/// Variable-length UTF-8 strings, as the store writes its text.
H5Id string_type() {
  H5Id t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "set string size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "set string charset");
  return H5Id(H5Tcopy(t.get()), H5Tclose, "copy string type");
}

void write_strings_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  const auto type = string_type();
  const hsize_t n = values.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create dataspace");
  H5Id attr(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
            "create attribute " + name);
  std::vector<const char*> p;
  for (const auto& v : values) p.push_back(v.c_str());
  // An empty list stays a zero-length attribute: HDF5 refuses a write without data.
  if (n > 0) check(H5Awrite(attr.get(), type.get(), p.data()), "write attribute " + name);
}

void write_string_attr(hid_t obj, const std::string& name, const std::string& value) {
  const auto type = string_type();
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  H5Id attr(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
            "create attribute " + name);
  const char* p = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &p), "write attribute " + name);
}

void write_double_attr(hid_t obj, const std::string& name, const std::vector<double>& values, bool scalar) {
  const hsize_t n = values.size();
  H5Id space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose, "create dataspace");
  H5Id attr(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
            "create attribute " + name);
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, values.data()), "write attribute " + name);
}

void write_int_attr(hid_t obj, const std::string& name, std::int64_t value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  H5Id attr(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
            "create attribute " + name);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "write attribute " + name);
}

void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& v) {
  const hsize_t n = v.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create dataspace");
  H5Id d(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
         "create dataset " + name);
  if (n > 0) check(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + name);
}

void write_ints(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v) {
  const hsize_t n = v.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create dataspace");
  H5Id d(H5Dcreate2(parent, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
         "create dataset " + name);
  if (n > 0) check(H5Dwrite(d.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + name);
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& v) {
  const auto type = string_type();
  const hsize_t n = v.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create dataspace");
  H5Id d(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
         "create dataset " + name);
  std::vector<const char*> p;
  for (const auto& s : v) p.push_back(s.c_str());
  if (n > 0) check(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "write " + name);
}

/// A group listing its entries and attributes in creation order (as the store's groups do, and with the
/// same properties: src/store/hdf5_util.cpp says why attributes are tracked but not indexed), so that h5py
/// shows the points' columns and the attributes in the order written: config keys first, not by name.
H5Id create_group(hid_t parent, const std::string& name) {
  H5Id gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create group properties");
  check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "track the link order of " + name);
  check(H5Pset_attr_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED), "track the attribute order of " + name);
  return H5Id(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, "create group " + name);
}

std::string now_iso() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

}  // namespace

void write_analysis(const Analysis& a, const std::filesystem::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // our own messages, not HDF5's error stack on stderr
  const hid_t fid = H5Fopen(path.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (fid < 0)
    throw InputError(fmt::format("{}: cannot open the result file for writing (read-only, locked by a running sweep, "
                                 "or not HDF5)",
                                 path.string()));
  H5Id file(fid, H5Fclose, "open " + path.string());
  const htri_t exists = H5Lexists(file.get(), "analysis", H5P_DEFAULT);
  check(exists, "look up /analysis");
  if (exists > 0) check(H5Ldelete(file.get(), "analysis", H5P_DEFAULT), "delete the old /analysis");
  H5Id group = create_group(file.get(), "analysis");
  const hid_t g = group.get();

  write_string_attr(g, "format", "advx-analysis");
  write_int_attr(g, "format_version", 1);
  write_string_attr(g, "checkpoint", a.checkpoint);
  std::vector<std::string> specs;
  for (const auto& o : a.objectives) specs.push_back(o.spec());
  write_string_attr(g, "objectives", fmt::format("{}", fmt::join(specs, ",")));
  write_int_attr(g, "per_replicate", a.per_replicate ? 1 : 0);
  write_strings_attr(g, "config_keys", a.config_keys);
  write_strings_attr(g, "replicate_keys", a.replicate_keys);
  write_double_attr(g, "reference", a.reference, false);
  write_double_attr(g, "hypervolume", {a.hypervolume}, true);
  write_int_attr(g, "knee", static_cast<std::int64_t>(a.knee));
  write_int_attr(g, "fronts", static_cast<std::int64_t>(a.fronts));
  write_string_attr(g, "advx_version", ADVX_VERSION);
  write_string_attr(g, "created", now_iso());

  {
    H5Id points = create_group(g, "points");
    for (std::size_t k = 0; k < a.config_keys.size(); ++k) {
      std::vector<std::string> col;
      for (const auto& p : a.points) col.push_back(p.config[k]);
      write_strings(points.get(), a.config_keys[k], col);
    }
    std::vector<std::string> ids;
    std::vector<std::int64_t> n, rank;
    for (const auto& p : a.points) {
      ids.push_back(fmt::format("{}", fmt::join(p.trial_ids, ";")));
      n.push_back(static_cast<std::int64_t>(p.rows.size()));
      rank.push_back(p.rank);
    }
    write_strings(points.get(), "trial_ids", ids);
    write_ints(points.get(), "n", n);
    write_ints(points.get(), "rank", rank);
    for (std::size_t k = 0; k < a.objectives.size(); ++k) {
      std::vector<double> mean, sd;
      for (const auto& p : a.points) {
        mean.push_back(p.objectives[k].mean);
        sd.push_back(p.objectives[k].std);
      }
      write_doubles(points.get(), a.objectives[k].metric, mean);
      write_doubles(points.get(), a.objectives[k].metric + ".std", sd);
    }
  }
  std::vector<std::int64_t> front(a.front.begin(), a.front.end());
  write_ints(g, "front", front);
  std::vector<std::int64_t> trial_rank(a.trials_recorded, -1);
  for (const auto& p : a.points)
    for (auto r : p.rows) trial_rank[r] = p.rank;
  write_ints(g, "trial_rank", trial_rank);
  group.close();
  if (file.close() < 0) throw std::runtime_error(fmt::format("{}: HDF5 close failed after writing /analysis", path.string()));
}

}  // namespace advx
