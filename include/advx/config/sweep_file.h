#pragma once
// A sweep file: YAML base settings for every trial, plus grid axes over any of them. The keys, their
// types, bounds and defaults are documented in the generated key reference (config/key_reference.h).
//
//   auto sweep = SweepFile::load("sweeps/ml1m-gender-age.yaml", {"split.fold=0"});
//   for each grid point: TrialConfig t = sweep.trial({{"adversaries.gender.lambda", "200"}, ...});
//
// Everything is validated at load time, including every grid value (and every grid point when there are
// at most kMaxCheckedGridPoints), so a typo fails before any training starts. All errors are InputError
// whose message starts with the file's path and, where known, its line: "sweeps/x.yaml:12: model.latent:
// expected a positive integer, found 'abc'".

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "advx/train/trial_config.h"

namespace advx {

namespace config_detail {
struct SettingsLayer;
}

/// One grid axis: a key of the schema and its values, in file order. Values are canonical YAML scalar
/// text ("0.001" for 1.0e-3, "[600, 200]" for a list), ready to pass back to SweepFile::trial().
struct GridAxis {
  std::string key;
  std::vector<std::string> values;
};

/// A (key, canonical value) assignment of one grid point.
using GridAssignment = std::vector<std::pair<std::string, std::string>>;

/// The key of a "key=value" override without the spaces around it ('train.epochs = 5' → "train.epochs");
/// "" when there is no '=' or nothing before it.
[[nodiscard]] std::string override_key(std::string_view item);

class SweepFile {
 public:
  /// Grids with more points than this have each value checked on its own, not every combination.
  static constexpr std::int64_t kMaxCheckedGridPoints = 10000;

  /// Reads and validates `path`. `overrides` are "key.path=value" with the value parsed as YAML (3, 1e-3,
  /// [600, 200], relu), applied in order on top of the file:
  ///   * a settings key replaces the file's value, and if the key is a grid axis, pins it (the axis is
  ///     removed): `split.fold=0` runs fold 0 only;
  ///   * `grid.<key>=[v1, v2]` replaces that axis' values, or adds the axis.
  static SweepFile load(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});
  /// The same for a sweep text already in memory (e.g. the one a result file stores); `path` names it in
  /// messages and gives the default name.
  static SweepFile from_text(std::string text, const std::filesystem::path& path,
                             const std::vector<std::string>& overrides = {});

  [[nodiscard]] const std::string& path() const { return path_; }
  /// The file's text as read (before overrides).
  [[nodiscard]] const std::string& text() const { return text_; }
  /// The overrides given to load(), in order ("key=value" as typed on the command line).
  [[nodiscard]] const std::vector<std::string>& overrides() const { return overrides_; }
  /// `name`, or the file's stem.
  [[nodiscard]] const std::string& name() const { return base_.name; }

  /// Base settings with the overrides applied (grid ignored).
  [[nodiscard]] const TrialConfig& base() const { return base_; }
  /// Grid axes in file order (the first axis is the outermost loop).
  [[nodiscard]] const std::vector<GridAxis>& grid() const { return grid_; }
  /// Product of the axis sizes (1 without a grid).
  [[nodiscard]] std::int64_t grid_points() const;

  /// The seed axis given by `seeds:`; empty when the file has none.
  [[nodiscard]] const std::vector<std::uint64_t>& seeds() const { return seeds_; }
  /// Runs per grid point: the number of `seeds` when given, else `replicates` (default 1).
  [[nodiscard]] std::int32_t replicates() const { return replicates_; }

  /// Base settings plus the given assignments (any trial-scope key, not only grid axes), validated.
  /// Values are YAML text as in overrides. Throws InputError naming the file, the grid point and the key.
  [[nodiscard]] TrialConfig trial(const GridAssignment& assignments) const;

  /// Deterministic text of the base settings: every trial-scope key including defaults, one
  /// "key: value" line each, sorted by key (see config/trial_settings.h). For the sweep's identity.
  [[nodiscard]] std::string canonical_base() const;

 private:
  SweepFile() = default;

  std::string path_, text_;
  std::vector<std::string> overrides_;
  TrialConfig base_;
  std::vector<GridAxis> grid_;
  std::vector<std::uint64_t> seeds_;
  std::int32_t replicates_ = 1;
  std::shared_ptr<const config_detail::SettingsLayer> layer_;  // base layer (file + overrides), for trial()
};

}  // namespace advx
