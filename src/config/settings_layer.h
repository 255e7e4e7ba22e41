#pragma once
// A sweep file flattened to "key.path" → YAML value, each remembering where it came from (file line,
// --set, grid). Overrides and grid assignments are just later writes into a copy of the layer, and
// build() turns any layer into validated settings, so the file, --set and grid points share one path
// through the schema and produce the same messages. Private to src/config.

#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "advx/common/error.h"
#include "schema.h"

namespace advx::config_detail {

struct Origin {
  long line = 0;    ///< 1-based line in the file; 0 when the value did not come from the file
  std::string via;  ///< "" for the file's settings, else "--set", "grid", "grid point a=1, b=2"
};

struct Setting {
  YAML::Node value;
  Origin origin;
};

struct SettingsLayer {
  std::string path;          ///< the sweep file, first in every message
  std::string default_name;  ///< the file's stem: the sweep name when `name` is absent
  std::map<std::string, Setting> values;
  /// Entries of dynamic sections declared in the file, including empty ones (`occupation: {}`);
  /// entries named only by a key in `values` are found from there.
  std::map<std::string, Origin> attributes, adversaries;
  std::map<std::string, long> section_lines;  ///< line of each top-level section, for "missing key" messages

  /// InputError "path:line: [via: ]what".
  [[nodiscard]] InputError error(const Origin& origin, const std::string& what) const;
  /// Where `key` was set, or else where its section starts.
  [[nodiscard]] Origin origin_of(const std::string& key) const;
};

/// Validates every value against the schema and the cross-key rules and builds the settings. Throws
/// InputError naming the file, the line (when known) and the key.
[[nodiscard]] SweepSettings build(const SettingsLayer& layer);

/// "unknown key 'x' (did you mean 'y'?)" or "'x' is a section, not a setting; ...".
[[nodiscard]] std::string unknown_key_message(const std::string& path);

}  // namespace advx::config_detail
