#include "advx/store/hdf5_util.h"

#include <fmt/format.h>

namespace advx::h5 {

namespace {

Handle string_type() {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return {t, H5Tclose};
}

/// Makes a group (or file) creation list keep the creation order of links and attributes. Links: tracked
/// and indexed (list() and h5py read it). Attributes: tracked only, which is enough for h5py to list them
/// in that order; with the index, HDF5 1.10 fails to overwrite an attribute a second time once there are
/// more than 8 (h5py: "Unable to delete attribute (record is not in B-tree)"), and loses it.
void track_creation_order(hid_t props, const std::string& what) {
  check(H5Pset_link_creation_order(props, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "track the link order of " + what, 0);
  check(H5Pset_attr_creation_order(props, H5P_CRT_ORDER_TRACKED), "track the attribute order of " + what, 0);
}

Handle dataspace_1d(hsize_t n) { return {check(H5Screate_simple(1, &n, nullptr), "create dataspace"), H5Sclose}; }

Handle chunked_props(hsize_t n) {
  // Columns are contiguous and uncompressed: the file is rewritten after every trial, and a column of
  // 10^4 doubles is only 80 kB. Only long columns are chunked and compressed.
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (n > 65536) {
    const hsize_t chunk = 65536;
    H5Pset_chunk(props.get(), 1, &chunk);
    H5Pset_deflate(props.get(), 1);
  }
  return props;
}

template <class T>
void write_1d(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type, const T* data, hsize_t n) {
  auto space = dataspace_1d(n);
  auto props = chunked_props(n);
  Handle ds(check(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
                  "create dataset " + name),
            H5Dclose);
  // HDF5's default type-conversion buffer is 1 MB, calloc'ed on every write that converts (variable-length
  // strings do): sized to the data instead, a file write costs a few milliseconds rather than tens.
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_buffer(dxpl.get(), std::max<std::size_t>(4096, 64 * n), nullptr, nullptr);
  if (n > 0) check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, dxpl.get(), data), "write dataset " + name, 0);
}

}  // namespace

void quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
// No HDF5 clean-up at process exit. advx closes every file it opens (Handle), and checks the close;
// a file whose close failed (a full disk) stays in HDF5's tables, and HDF5 1.10's exit-time clean-up
// then tries to close it again and crashes (a segfault after the error message, exit 139). The price: a
// file still open at exit is not flushed, and advx leaves none open. Set during static initialisation,
// before any other HDF5 call, as H5dont_atexit requires: no other advx code calls HDF5 from a static
// initialiser (one that did, e.g. with H5T_NATIVE_*, could run first and make this a silent no-op).
const bool kNoExitCleanup = H5dont_atexit() >= 0;
}  // namespace

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error(fmt::format("HDF5: cannot {}", what));
  return id;
}

herr_t check(herr_t status, const std::string& what, int) {
  if (status < 0) throw std::runtime_error(fmt::format("HDF5: cannot {}", what));
  return status;
}

Handle create_file(const std::string& path) {
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "create file properties"), H5Pclose);
  track_creation_order(fcpl.get(), path);
  return {check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), "create " + path), H5Fclose};
}

Handle open_file_readonly(const std::string& path) {
  quiet_errors();
  return {H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), "create group properties"), H5Pclose);
  track_creation_order(gcpl.get(), "group " + name);
  return {check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "create group " + name),
          H5Gclose};
}

Handle open_group(hid_t parent, const std::string& name) {
  return {check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "open group " + name), H5Gclose};
}

bool has_link(hid_t parent, const std::string& name) {
  // A negative answer is a failed lookup (a damaged group), not "absent": calling it absent would make the
  // caller report a misleading later failure such as "cannot create group".
  return check(H5Lexists(parent, name.c_str(), H5P_DEFAULT), "look up " + name, 0) > 0;
}

void write_string_attr(hid_t obj, const std::string& name, const std::string& value) {
  auto type = string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
              H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &p), "write attribute " + name, 0);
}

void write_strings_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  auto type = string_type();
  const hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
              H5Aclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0) check(H5Awrite(attr.get(), type.get(), ptrs.data()), "write attribute " + name, 0);
}

void write_int_attr(hid_t obj, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
              H5Aclose);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "write attribute " + name, 0);
}

void write_double_attr(hid_t obj, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
              H5Aclose);
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), "write attribute " + name, 0);
}

void write_doubles_attr(hid_t obj, const std::string& name, const std::vector<double>& values) {
  const hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
              H5Aclose);
  if (n > 0) check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, values.data()), "write attribute " + name, 0);
}

bool read_attr_text(hid_t obj, const std::string& name, std::string& out) {
  if (H5Aexists(obj, name.c_str()) <= 0) return false;
  Handle attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name), H5Aclose);
  Handle ftype(H5Aget_type(attr.get()), H5Tclose);
  const auto cls = H5Tget_class(ftype.get());
  if (cls == H5T_INTEGER) {
    std::int64_t v = 0;
    check(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), "read attribute " + name, 0);
    out = std::to_string(v);
    return true;
  }
  if (cls != H5T_STRING) return false;
  if (H5Tis_variable_str(ftype.get()) > 0) {
    auto type = string_type();
    char* p = nullptr;
    check(H5Aread(attr.get(), type.get(), &p), "read attribute " + name, 0);
    out = p ? p : "";
    H5free_memory(p);
  } else {
    const auto size = H5Tget_size(ftype.get());
    std::string buf(size, '\0');
    check(H5Aread(attr.get(), ftype.get(), buf.data()), "read attribute " + name, 0);
    out = buf.c_str();
  }
  return true;
}

bool read_strings_attr(hid_t obj, const std::string& name, std::vector<std::string>& out) {
  if (H5Aexists(obj, name.c_str()) <= 0) return false;
  Handle attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name), H5Aclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(space.get());
  auto type = string_type();
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  if (n > 0) check(H5Aread(attr.get(), type.get(), ptrs.data()), "read attribute " + name, 0);
  out.clear();
  for (auto* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return true;
}

void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& v) {
  write_1d(parent, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, v.data(), v.size());
}

void write_ints(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v) {
  write_1d(parent, name, H5T_NATIVE_INT64, H5T_STD_I64LE, v.data(), v.size());
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& v) {
  auto type = string_type();
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  write_1d(parent, name, type.get(), type.get(), ptrs.data(), v.size());
}

void write_matrix(hid_t parent, const std::string& name, const std::vector<double>& v, hsize_t rows, hsize_t cols) {
  const hsize_t dims[2] = {rows, cols};
  Handle space(check(H5Screate_simple(2, dims, nullptr), "dataspace"), H5Sclose);
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (rows * cols > 65536) {  // curves of large sweeps: compressed in row blocks
    const hsize_t chunk[2] = {std::max<hsize_t>(1, std::min<hsize_t>(rows, 65536 / std::max<hsize_t>(cols, 1))), cols};
    H5Pset_chunk(props.get(), 2, chunk);
    H5Pset_deflate(props.get(), 1);
  }
  Handle ds(check(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
                  "create dataset " + name),
            H5Dclose);
  if (rows > 0 && cols > 0)
    check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write dataset " + name, 0);
}

bool lists_in_creation_order(hid_t group) {
  Handle gcpl(check(H5Gget_create_plist(group), "get group properties"), H5Pclose);
  unsigned flags = 0;
  check(H5Pget_link_creation_order(gcpl.get(), &flags), "get the link order of a group", 0);
  return (flags & H5P_CRT_ORDER_INDEXED) != 0;
}

std::vector<std::string> list(hid_t group) {
  H5G_info_t gi;
  check(H5Gget_info(group, &gi), "list group", 0);
  const auto index = lists_in_creation_order(group) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  for (hsize_t k = 0; k < gi.nlinks; ++k) {
    const auto len = H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
    check(static_cast<hid_t>(len), "list group");
    std::string name(static_cast<std::size_t>(len), '\0');
    check(static_cast<hid_t>(H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, k, name.data(),
                                                 static_cast<std::size_t>(len) + 1, H5P_DEFAULT)),
          "list group");
    names.push_back(name);
  }
  return names;
}

DatasetInfo info(hid_t parent, const std::string& name) {
  DatasetInfo out;
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) return out;
  out.opened = true;
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT: out.kind = Kind::kFloat; break;
    case H5T_INTEGER: out.kind = Kind::kInt; break;
    case H5T_STRING:
      out.kind = H5Tis_variable_str(type.get()) > 0 ? Kind::kString : Kind::kOther;
      out.fixed_length_string = out.kind == Kind::kOther;
      break;
    default: out.kind = Kind::kOther;
  }
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  out.dims.resize(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), out.dims.data(), nullptr);
  return out;
}

namespace {
hsize_t element_count(hid_t ds) {
  Handle space(H5Dget_space(ds), H5Sclose);
  return static_cast<hsize_t>(H5Sget_simple_extent_npoints(space.get()));
}
}  // namespace

std::vector<double> read_doubles(hid_t parent, const std::string& name) {
  Handle ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset " + name), H5Dclose);
  std::vector<double> v(element_count(ds.get()));
  if (!v.empty()) check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + name, 0);
  return v;
}

std::vector<std::int64_t> read_ints(hid_t parent, const std::string& name) {
  Handle ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset " + name), H5Dclose);
  std::vector<std::int64_t> v(element_count(ds.get()));
  if (!v.empty()) check(H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + name, 0);
  return v;
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  Handle ds(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset " + name), H5Dclose);
  const auto n = element_count(ds.get());
  auto type = string_type();
  std::vector<char*> ptrs(n, nullptr);
  if (n > 0) check(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name, 0);
  std::vector<std::string> v;
  v.reserve(n);
  for (auto* p : ptrs) {
    v.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return v;
}

}  // namespace advx::h5
