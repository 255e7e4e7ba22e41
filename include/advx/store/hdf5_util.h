#pragma once
// Thin RAII and error handling over HDF5's C API, for the two writers of advx's HDF5 files: the store
// (the whole result file) and the analysis layer (/analysis, written into a copy by `advx analyze --write`).
// Not an API for readers of result files: those use ResultStore.

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace advx::h5 {

/// Owns an hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    std::swap(id_, o.id_);
    std::swap(closer_, o.closer_);
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  }
  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }
  /// Closes now and reports failure (a file's close is where buffered data reaches the disk).
  herr_t close() {
    herr_t r = 0;
    if (id_ >= 0 && closer_ != nullptr) r = closer_(id_);
    id_ = H5I_INVALID_HID;
    return r;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Silences HDF5's automatic error-stack printing: failures become exceptions with our own context.
void quiet_errors();

/// Throws std::runtime_error("what") when id < 0.
hid_t check(hid_t id, const std::string& what);
herr_t check(herr_t status, const std::string& what, int);

/// Creates `path` (truncating it). The root group lists its links and attributes in creation order, as
/// create_group's groups do.
Handle create_file(const std::string& path);
/// Returns an invalid handle when the file cannot be opened as HDF5.
Handle open_file_readonly(const std::string& path);
/// A group that keeps the creation order of its links and attributes, so that readers which honour it
/// (h5py, H5_INDEX_CRT_ORDER) list columns in the order advx writes them, not by name.
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
/// Whether `parent` holds a link `name`; throws when HDF5 cannot tell (a damaged group).
bool has_link(hid_t parent, const std::string& name);

void write_string_attr(hid_t obj, const std::string& name, const std::string& value);
void write_strings_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values);
void write_int_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_double_attr(hid_t obj, const std::string& name, double value);
void write_doubles_attr(hid_t obj, const std::string& name, const std::vector<double>& values);
/// Reads a string (or integer, as text) attribute; false when absent.
bool read_attr_text(hid_t obj, const std::string& name, std::string& out);
bool read_strings_attr(hid_t obj, const std::string& name, std::vector<std::string>& out);

void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& v);
void write_ints(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v);
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& v);
void write_matrix(hid_t parent, const std::string& name, const std::vector<double>& v, hsize_t rows, hsize_t cols);

/// True when the group indexes the creation order of its links (false for files of earlier advx builds,
/// which list by name only).
bool lists_in_creation_order(hid_t group);
/// Names of the links in a group: in creation order when the group indexes it, else by name.
std::vector<std::string> list(hid_t group);

enum class Kind { kFloat, kInt, kString, kOther };
struct DatasetInfo {
  bool opened = false;  // false: no dataset of that name could be opened (a group, or a damaged file)
  Kind kind = Kind::kOther;
  bool fixed_length_string = false;  ///< a kOther that is text of fixed length (numpy 'S' arrays in h5py)
  std::vector<hsize_t> dims;
};
DatasetInfo info(hid_t parent, const std::string& name);
std::vector<double> read_doubles(hid_t parent, const std::string& name);
std::vector<std::int64_t> read_ints(hid_t parent, const std::string& name);
std::vector<std::string> read_strings(hid_t parent, const std::string& name);

}  // namespace advx::h5
