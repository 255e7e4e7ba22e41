#pragma once
// Shared helpers of the data tests: temporary directories and file writing.

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace advx::test {

/// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("advx-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::filesystem::path test_data(const std::string& rel) { return std::filesystem::path(ADVX_TEST_DATA_DIR) / rel; }

/// Hand-made data files are kept as NAME.in, so that no data-set file name (ratings.dat, u.data, …) is
/// tracked in git; this copies tests/data/<rel>/ under the real names into a temporary directory (one per
/// test process, removed at exit) and returns it.
inline std::filesystem::path fixture(const std::string& rel) {
  static TempDir root;
  const auto dst = root.path() / rel;
  if (!std::filesystem::exists(dst)) {
    std::filesystem::create_directories(dst);
    for (const auto& e : std::filesystem::directory_iterator(test_data(rel))) {
      auto name = e.path().filename().string();
      if (!e.is_regular_file() || name.size() < 4 || name.substr(name.size() - 3) != ".in") continue;
      std::filesystem::copy_file(e.path(), dst / name.substr(0, name.size() - 3));
    }
  }
  return dst;
}
inline std::filesystem::path shared_data(const std::string& rel) { return std::filesystem::path(ADVX_SHARED_DATA_DIR) / rel; }

}  // namespace advx::test
