#include "advx/config/sweep_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "advx/config/trial_settings.h"
#include "settings_layer.h"

namespace advx {

namespace cd = config_detail;

namespace {

long line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : static_cast<long>(mark.line) + 1;
}

struct OpenBracket {
  char bracket = 0;
  long line = 0;
};

/// The flow collection ('{' or '[', and its line) still open at the end of `text`; line 0 if none is or
/// if the text is not what this scan understands (then the caller keeps yaml-cpp's own line). yaml-cpp
/// reports an unclosed flow collection where it gave up looking for the bracket (often the next section
/// or past the end of the file); the user needs the line that opened it. A bracket opens a collection
/// only where a value may start (after "key: ", "- ", a line's indentation, an anchor or tag, or inside
/// another flow collection); elsewhere it is part of a plain scalar. Comments, quoted scalars and the
/// lines of block scalars (| and >) are skipped.
OpenBracket unclosed_flow(std::string_view text) {
  const auto blank = [&](std::size_t i) {
    return i >= text.size() || text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n';
  };
  const auto line_indent = [&](std::size_t i) {  // i: first character of a line
    std::size_t n = 0;
    while (i + n < text.size() && text[i + n] == ' ') ++n;
    return n;
  };
  std::vector<OpenBracket> open;
  long line = 1;
  std::size_t indent = line_indent(0);  // of the current line
  bool value_start = true;              // a value (and so a flow collection) may start here
  bool after_quote = false;             // just after a quoted scalar: "key":[ needs no blank after the colon
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool quoted = after_quote;
    after_quote = false;
    if (c == '\n') {
      ++line;
      indent = line_indent(i + 1);
      value_start = true;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      after_quote = quoted;
    } else if (c == '#' && (i == 0 || blank(i - 1))) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if ((c == '\'' || c == '"') && value_start) {
      for (++i; i < text.size(); ++i) {  // to the closing quote ('' and \" are escapes, not ends)
        if (c == '"' && text[i] == '\\') ++i;
        else if (c == '\'' && text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
        else if (text[i] == c) break;
        if (i < text.size() && text[i] == '\n') ++line;
      }
      value_start = false;
      after_quote = true;
    } else if ((c == '|' || c == '>') && value_start && open.empty()) {
      // A block scalar: its text is the following lines indented deeper than this one (and blank lines).
      while (i < text.size()) {
        const std::size_t eol = text.find('\n', i);
        if (eol == std::string_view::npos) return {};  // ends with the file: nothing left open after it
        const std::size_t next = line_indent(eol + 1);
        const bool blank_line = eol + 1 + next >= text.size() || text[eol + 1 + next] == '\n';
        if (!blank_line && next <= indent) break;
        i = eol + 1;
        ++line;
      }
      i = text.find('\n', i) - 1;  // the newline that ends the scalar is handled by the loop
    } else if ((c == '&' || c == '!') && value_start) {
      const std::string_view flow_indicators = ",[]{}";
      while (!blank(i + 1) && (open.empty() || flow_indicators.find(text[i + 1]) == std::string_view::npos)) ++i;
    } else if ((c == '{' || c == '[') && (value_start || !open.empty())) {
      open.push_back({c, line});
      value_start = true;
    } else if ((c == '}' || c == ']') && !open.empty()) {
      if (open.back().bracket != (c == '}' ? '{' : '[')) return {};  // yaml-cpp reports this one itself
      open.pop_back();
      value_start = false;
    } else if (c == ',' && !open.empty()) {
      value_start = true;
    } else if (c == ':') {
      value_start = !open.empty() || quoted || blank(i + 1);
    } else {
      value_start = value_start && (c == '-' || c == '?') && blank(i + 1);  // "- item", "? key"
    }
  }
  return open.empty() ? OpenBracket{} : open.back();
}

/// A grid axis as read: its values still YAML nodes, each with the line it was written on.
struct RawAxis {
  std::string key;
  cd::Origin origin;
  std::vector<cd::Setting> values;
};

class Reader {
 public:
  explicit Reader(cd::SettingsLayer& layer) : layer_(layer) {}

  void read_root(const YAML::Node& root, std::vector<RawAxis>& grid) {
    if (!root.IsMap()) {
      throw layer_.error({line_of(root), ""},
                         fmt::format("expected a map of settings at the top level, found {}", cd::describe(root)));
    }
    for (const auto& kv : root) {
      const std::string key = key_text(kv.first, "");
      const long line = line_of(kv.first);
      if (std::find(cd::fixed_sections().begin(), cd::fixed_sections().end(), key) != cd::fixed_sections().end()) {
        layer_.section_lines[key] = line;
        for (const auto& sub : section_map(kv.second, key, line, "settings")) {
          const std::string path = key + "." + key_text(sub.first, key);
          if (!cd::resolve_key(path)) throw layer_.error({line_of(sub.first), ""}, cd::unknown_key_message(path));
          add(path, sub.second, line_of(sub.first));
        }
      } else if (cd::is_dynamic_section(key)) {
        layer_.section_lines[key] = line;
        read_dynamic(key, kv.second, line);
      } else if (key == "grid") {
        layer_.section_lines[key] = line;
        read_grid(kv.second, line, grid);
      } else if (const auto resolved = cd::resolve_key(key); resolved && key.find('.') == std::string::npos) {
        add(key, kv.second, line);
      } else {
        throw layer_.error({line, ""}, cd::unknown_key_message(key));
      }
    }
  }

 private:
  std::string key_text(const YAML::Node& key, const std::string& section) {
    if (!key.IsScalar()) {
      throw layer_.error({line_of(key), ""}, fmt::format("{}expected a key, found {}",
                                                         section.empty() ? "" : section + ": ", cd::describe(key)));
    }
    return key.Scalar();
  }

  /// The map under a section key; an empty section (`model:`) is allowed and means all defaults.
  YAML::Node section_map(const YAML::Node& node, const std::string& path, long line, const char* what) {
    if (node.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) {
      throw layer_.error({line, ""}, fmt::format("{}: expected a map of {}, found {}", path, what, cd::describe(node)));
    }
    return node;
  }

  void add(const std::string& path, const YAML::Node& value, long line) {
    if (!layer_.values.emplace(path, cd::Setting{value, cd::Origin{line, ""}}).second) {
      throw layer_.error({line, ""}, fmt::format("{}: duplicate key (first set on line {})", path,
                                                 layer_.values.at(path).origin.line));
    }
  }

  void read_dynamic(const std::string& section, const YAML::Node& node, long line) {
    const bool attributes = section == "attributes";
    auto& declared = attributes ? layer_.attributes : layer_.adversaries;
    for (const auto& entry : section_map(node, section, line, attributes ? "attribute names" : "attribute names to adversaries")) {
      const std::string name = key_text(entry.first, section);
      const long entry_line = line_of(entry.first);
      if (!cd::valid_entry_name(name)) {
        throw layer_.error({entry_line, ""}, fmt::format("{}: '{}' is not a valid name (letters, digits, '_', '-')",
                                                         section, name));
      }
      if (const auto [at, added] = declared.emplace(name, cd::Origin{entry_line, ""}); !added) {
        const auto first =
            at->second.line > 0 ? fmt::format(" (first set on line {})", at->second.line) : std::string();
        throw layer_.error({entry_line, ""}, fmt::format("{}.{}: duplicate key{}", section, name, first));
      }
      const std::string prefix = section + "." + name;
      for (const auto& field : section_map(entry.second, prefix, entry_line, "settings")) {
        const std::string path = prefix + "." + key_text(field.first, prefix);
        if (!cd::resolve_key(path)) throw layer_.error({line_of(field.first), ""}, cd::unknown_key_message(path));
        add(path, field.second, line_of(field.first));
      }
    }
  }

  void read_grid(const YAML::Node& node, long line, std::vector<RawAxis>& grid) {
    for (const auto& axis : section_map(node, "grid", line, "keys to lists of values")) {
      const std::string key = key_text(axis.first, "grid");
      const long axis_line = line_of(axis.first);
      check_axis_key(layer_, key, {axis_line, ""});
      if (std::any_of(grid.begin(), grid.end(), [&](const RawAxis& a) { return a.key == key; })) {
        throw layer_.error({axis_line, ""}, fmt::format("grid: duplicate axis '{}'", key));
      }
      grid.push_back(make_axis(layer_, key, axis.second, {axis_line, ""}));
    }
  }

 public:
  static void check_axis_key(const cd::SettingsLayer& layer, const std::string& key, const cd::Origin& origin) {
    const auto resolved = cd::resolve_key(key);
    if (!resolved) throw layer.error(origin, "grid: " + cd::unknown_key_message(key));
    if (resolved->scope() == cd::Scope::kSweep) {
      throw layer.error(origin, fmt::format("grid: '{}' describes the sweep and cannot be a grid axis", key));
    }
    // The trial's own seed is derived from `seed` and stored under that name (/trials/seed): an axis of
    // the same name would have no column of its own, and its values would be lost from the file.
    if (key == "seed")
      throw layer.error(origin, "grid: 'seed' cannot be a grid axis (each trial's seed is derived from it); for one run "
                                "per seed list them as seeds: [...]");
  }

  static RawAxis make_axis(const cd::SettingsLayer& layer, const std::string& key, const YAML::Node& values,
                           const cd::Origin& origin) {
    if (!values.IsSequence() || values.size() == 0) {
      throw layer.error(origin, fmt::format("grid: {}: expected a non-empty list of values, found {}", key,
                                            cd::describe(values)));
    }
    RawAxis axis{key, origin, {}};
    for (const auto& v : values) {
      // A value given with --set has a line only within the --set text: no line of the file.
      const long line = origin.via == "--set" ? 0 : line_of(v);
      // Blamed as "grid: key: …" (or "--set grid: key: …"), the axis named as it was written.
      axis.values.push_back({v, cd::Origin{line > 0 ? line : origin.line, origin.via.empty() ? "grid" : origin.via + " grid"}});
    }
    return axis;
  }

 private:
  cd::SettingsLayer& layer_;
};

std::string read_text(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(fmt::format("{}: no such sweep file", path.string()));
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(fmt::format("{}: is a directory, expected a sweep file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the sweep file", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  // A result file where the sweep file goes (`advx sweep results/x.h5`): YAML's error would be about an
  // escape character in the binary.
  if (text.str().starts_with("\x89HDF\r\n\x1a\n"))
    throw InputError(fmt::format("{}: is an HDF5 file (a result file?), expected a sweep file (YAML)", path.string()));
  return text.str();
}

YAML::Node parse_value(const cd::SettingsLayer& layer, const std::string& via, const std::string& key,
                       const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw layer.error({0, via}, fmt::format("{}: invalid YAML value '{}': {}", key, text, e.msg));
  }
}

/// Applies "key=value" overrides to the layer and the raw grid.
void apply_overrides(cd::SettingsLayer& layer, std::vector<RawAxis>& grid, const std::vector<std::string>& overrides) {
  for (const auto& item : overrides) {
    const std::string key = override_key(item);
    if (key.empty()) throw layer.error({0, "--set"}, fmt::format("'{}': expected key=value, e.g. model.latent=200", item));
    const auto eq = item.find('=');
    const std::string via = "--set " + item;
    const YAML::Node value = parse_value(layer, "--set", key, item.substr(eq + 1));
    if (key.rfind("grid.", 0) == 0) {
      const std::string axis_key = key.substr(5);
      Reader::check_axis_key(layer, axis_key, {0, "--set"});
      RawAxis axis = Reader::make_axis(layer, axis_key, value, {0, "--set"});
      const auto it = std::find_if(grid.begin(), grid.end(), [&](const RawAxis& a) { return a.key == axis_key; });
      if (it == grid.end()) {
        grid.push_back(std::move(axis));
      } else {
        *it = std::move(axis);
      }
      continue;
    }
    if (!cd::resolve_key(key)) throw layer.error({0, "--set"}, cd::unknown_key_message(key));
    layer.values[key] = cd::Setting{value, cd::Origin{0, "--set"}};
    // Setting a key that is also an axis pins it: `--set split.fold=0` runs that fold only.
    grid.erase(std::remove_if(grid.begin(), grid.end(), [&](const RawAxis& a) { return a.key == key; }), grid.end());
  }
}

std::string value_of(const TrialConfig& config, const std::string& key) {
  for (const auto& [k, v] : trial_settings(config)) {
    if (k == key) return v;
  }
  return "";  // unreachable for a resolved trial-scope key
}

std::string point_name(const GridAssignment& assignments) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : assignments) parts.push_back(k + "=" + v);
  return fmt::format("grid point {}", fmt::join(parts, ", "));
}

}  // namespace

std::string override_key(std::string_view item) {
  // Spaces around the key are not part of it ('train.epochs = 5' as typed in a shell with quotes).
  const auto eq = item.find('=');
  if (eq == std::string_view::npos) return "";
  const auto key = item.substr(0, eq);
  const auto first = key.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(key.substr(first, key.find_last_not_of(" \t") - first + 1));
}

SweepFile SweepFile::load(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  return from_text(read_text(path), path, overrides);
}

SweepFile SweepFile::from_text(std::string text, const std::filesystem::path& path,
                               const std::vector<std::string>& overrides) {
  SweepFile sweep;
  sweep.path_ = path.string();
  sweep.text_ = std::move(text);
  sweep.overrides_ = overrides;

  auto layer = std::make_shared<cd::SettingsLayer>();
  layer->path = sweep.path_;
  layer->default_name = path.stem().string();

  YAML::Node root;
  try {
    root = YAML::Load(sweep.text_);
  } catch (const YAML::ParserException& e) {
    const long where = e.mark.is_null() ? 0 : static_cast<long>(e.mark.line) + 1;
    const bool map_open = e.msg.find("end of map flow not found") != std::string::npos;
    if (map_open || e.msg.find("end of sequence flow not found") != std::string::npos) {
      const OpenBracket opened = unclosed_flow(sweep.text_);
      if (opened.line > 0 && opened.line <= where && opened.bracket == (map_open ? '{' : '[')) {
        const bool at_end = e.mark.pos >= static_cast<int>(sweep.text_.size());
        throw input_error_at(sweep.path_, opened.line,
                             fmt::format("invalid YAML: {}: the '{}' on this line is never closed (the parser "
                                         "reached {} looking for its '{}')",
                                         e.msg, opened.bracket, at_end ? "the end of the file" : fmt::format("line {}", where),
                                         map_open ? '}' : ']'));
      }
    }
    // A tab in a line's indentation is the usual cause of yaml-cpp's terse messages there.
    std::string hint;
    if (where > 0) {
      std::istringstream lines(sweep.text_);
      std::string line;
      for (long n = 0; n < where && std::getline(lines, line); ++n) {
      }
      const auto indent = line.find_first_not_of(" \t");
      if (line.substr(0, indent).find('\t') != std::string::npos)
        hint = " (this line is indented with a tab; YAML takes spaces only)";
    }
    throw input_error_at(sweep.path_, where, "invalid YAML: " + e.msg + hint);
  } catch (const YAML::Exception& e) {
    throw input_error_at(sweep.path_, 0, "invalid YAML: " + e.msg);
  }
  if (root.IsNull()) {
    throw input_error_at(sweep.path_, 0, "the file is empty; expected a map of settings with at least data.format "
                                         "and data.path");
  }
  std::vector<RawAxis> raw_grid;
  Reader(*layer).read_root(root, raw_grid);
  apply_overrides(*layer, raw_grid, overrides);

  // Without `name:` the sweep is named after its file, and the name goes into output and job names.
  if (layer->values.count("name") == 0 && !cd::valid_sweep_name(layer->default_name))
    throw input_error_at(sweep.path_, 0,
                         fmt::format("the sweep takes its name from the file's, '{}', which is not a valid name (letters, "
                                     "digits, '.', '_' or '-'); add name: <a valid name>, or rename the file",
                                     layer->default_name));
  const cd::SweepSettings settings = cd::build(*layer);
  sweep.base_ = settings.trial;
  sweep.seeds_ = settings.seeds;
  sweep.replicates_ = settings.seeds.empty() ? settings.replicates : static_cast<std::int32_t>(settings.seeds.size());

  // Each grid value on its own, blamed on the line it was written on; this also yields its canonical text.
  for (const auto& raw : raw_grid) {
    GridAxis axis{raw.key, {}};
    for (const auto& value : raw.values) {
      cd::SettingsLayer point = *layer;
      point.values[raw.key] = value;
      const std::string text = value_of(cd::build(point).trial, raw.key);
      if (std::find(axis.values.begin(), axis.values.end(), text) != axis.values.end()) {
        throw layer->error(value.origin, fmt::format("{}: value {} appears twice", raw.key, text));
      }
      axis.values.push_back(text);
    }
    sweep.grid_.push_back(std::move(axis));
  }
  sweep.layer_ = std::move(layer);

  // Then every combination (keys may constrain each other, e.g. split.fold < split.folds), when cheap.
  if (sweep.grid_points() <= kMaxCheckedGridPoints) {
    std::vector<std::size_t> digit(sweep.grid_.size(), 0);
    for (std::int64_t p = 0; p < sweep.grid_points(); ++p) {
      GridAssignment point;
      for (std::size_t a = 0; a < sweep.grid_.size(); ++a) point.emplace_back(sweep.grid_[a].key, sweep.grid_[a].values[digit[a]]);
      (void)sweep.trial(point);
      for (std::size_t a = sweep.grid_.size(); a-- > 0;) {  // last axis fastest
        if (++digit[a] < sweep.grid_[a].values.size()) break;
        digit[a] = 0;
      }
    }
  }
  return sweep;
}

std::int64_t SweepFile::grid_points() const {
  std::int64_t n = 1;
  for (const auto& axis : grid_) n *= static_cast<std::int64_t>(axis.values.size());
  return n;
}

TrialConfig SweepFile::trial(const GridAssignment& assignments) const {
  cd::SettingsLayer point = *layer_;
  const std::string via = point_name(assignments);
  for (const auto& [key, text] : assignments) {
    const auto resolved = cd::resolve_key(key);
    if (!resolved) throw point.error({0, via}, cd::unknown_key_message(key));
    if (resolved->scope() == cd::Scope::kSweep) {
      throw point.error({0, via}, fmt::format("'{}' describes the sweep and cannot vary per trial", key));
    }
    point.values[key] = cd::Setting{parse_value(point, via, key, text), cd::Origin{0, via}};
  }
  return cd::build(point).trial;
}

std::string SweepFile::canonical_base() const { return canonical_text(base_); }

}  // namespace advx
