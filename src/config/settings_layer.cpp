#include "settings_layer.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace advx::config_detail {

namespace {

template <class Target>
void apply(const SettingsLayer& layer, const Key<Target>& key, const std::string& path, Target& target) {
  const auto it = layer.values.find(path);
  if (it == layer.values.end()) return;
  try {
    key.set(target, it->second.value);
  } catch (const BadValue& bad) {
    throw layer.error(it->second.origin, fmt::format("{}: {}", path, bad.what));
  }
}

/// Entry names of a dynamic section: declared ones plus those named by a key (e.g. from --set).
std::map<std::string, Origin> entries(const SettingsLayer& layer, const std::string& section,
                                      const std::map<std::string, Origin>& declared) {
  std::map<std::string, Origin> names = declared;
  const std::string prefix = section + ".";
  for (const auto& [key, setting] : layer.values) {
    if (key.rfind(prefix, 0) != 0) continue;
    if (const auto resolved = resolve_key(key)) names.emplace(resolved->entry, setting.origin);
  }
  return names;
}

bool has(const SettingsLayer& layer, const std::string& key) { return layer.values.count(key) != 0; }

}  // namespace

InputError SettingsLayer::error(const Origin& origin, const std::string& what) const {
  return input_error_at(path, origin.line, origin.via.empty() ? what : fmt::format("{}: {}", origin.via, what));
}

Origin SettingsLayer::origin_of(const std::string& key) const {
  if (const auto it = values.find(key); it != values.end()) return it->second.origin;
  const auto section = key.substr(0, key.find('.'));
  if (const auto it = section_lines.find(section); it != section_lines.end()) return Origin{it->second, ""};
  return Origin{};
}

std::string unknown_key_message(const std::string& path) {
  const auto section_message = [&](const std::string& example) {
    return fmt::format("'{}' is a section, not a setting; name one of its keys, e.g. '{}'", path, example);
  };
  if (path == "grid") return section_message("grid.split.fold");
  if (resolve_key(path)) {
    // A dotted key at the top level of a file: known, but sections are written as nested maps there.
    const auto dot = path.find('.');
    return fmt::format("'{}' must be written nested in a file ({}: {{{}: ...}})", path, path.substr(0, dot),
                       path.substr(dot + 1));
  }
  for (const auto& k : fixed_keys()) {
    if (k.name.rfind(path + ".", 0) == 0) return section_message(k.name);
  }
  const auto dot = path.find('.');
  const std::string section = path.substr(0, dot);
  if (is_dynamic_section(section)) {
    const std::string entry = dot == std::string::npos ? "<name>" : path.substr(dot + 1);
    if (valid_entry_name(entry) || entry == "<name>") {
      return section_message(fmt::format("{}.{}.{}", section, entry, section == "attributes" ? "type" : "lambda"));
    }
  }
  return fmt::format("unknown key '{}'{}", path, suggestion_for(path));
}

SweepSettings build(const SettingsLayer& layer) {
  SweepSettings s;
  s.trial.name = layer.default_name;
  for (const auto& key : fixed_keys()) {
    if (key.required && !has(layer, key.name)) {
      throw layer.error(layer.origin_of(key.name), fmt::format("missing required key '{}' ({})", key.name, key.type));
    }
    apply(layer, key, key.name, s);
  }

  // Attributes, sorted by name: declaration order carries no meaning, and a sorted order keeps a
  // trial's settings (and the model built from them) independent of how the file was written.
  const auto attribute_names = entries(layer, "attributes", layer.attributes);
  for (const auto& [name, origin] : attribute_names) {
    AttributeSpec a;
    a.name = name;
    const std::string prefix = "attributes." + name + ".";
    for (const auto& key : attribute_keys()) {
      if (key.required && !has(layer, prefix + key.name)) {
        throw layer.error(origin, fmt::format("missing required key '{}{}' ({})", prefix, key.name, key.type));
      }
      apply(layer, key, prefix + key.name, a);
    }
    if (!a.categorical && has(layer, prefix + "class_weights")) {
      throw layer.error(layer.origin_of(prefix + "class_weights"),
                        fmt::format("{}class_weights: '{}' is continuous; only categorical attributes have class weights",
                                    prefix, name));
    }
    if (a.categorical && has(layer, prefix + "target")) {
      throw layer.error(layer.origin_of(prefix + "target"),
                        fmt::format("{}target: '{}' is categorical; only continuous attributes have a target transform",
                                    prefix, name));
    }
    s.trial.attributes.push_back(std::move(a));
  }

  for (const auto& [name, origin] : entries(layer, "adversaries", layer.adversaries)) {
    const auto attribute = std::find_if(s.trial.attributes.begin(), s.trial.attributes.end(),
                                        [&](const AttributeSpec& a) { return a.name == name; });
    if (attribute == s.trial.attributes.end()) {
      std::vector<std::string> declared;
      for (const auto& a : s.trial.attributes) declared.push_back(a.name);
      throw layer.error(origin, fmt::format("adversaries.{}: no attribute '{}' is declared (declared: {}); declare it "
                                            "under attributes with its type",
                                            name, name, declared.empty() ? "none" : fmt::format("{}", fmt::join(declared, ", "))));
    }
    AdversaryConfig v;
    v.attribute = name;
    v.categorical = attribute->categorical;
    // The number of classes and the per-code weights need the data's labels: the trainer completes them
    // from AttributeSpec::class_weights (keyed by label, REFERENCE Q13).
    v.classes = v.categorical ? 2 : 1;
    v.head.activation = v.categorical ? Activation::kReLU : Activation::kSigmoid;  // the reference's choice
    for (const auto& key : adversary_keys()) apply(layer, key, "adversaries." + name + "." + key.name, v);
    s.trial.model.adversaries.push_back(std::move(v));
  }

  // Rules between keys.
  if (s.trial.split.fold >= s.trial.split.folds) {
    throw layer.error(layer.origin_of(has(layer, "split.fold") ? "split.fold" : "split.folds"),
                      fmt::format("split.fold: must be less than split.folds ({}), found {}", s.trial.split.folds,
                                  s.trial.split.fold));
  }
  if (!s.trial.data.synthetic) {
    for (const char* key : {"data.users", "data.items", "data.seed"}) {
      if (has(layer, key)) {
        throw layer.error(layer.origin_of(key), fmt::format("{}: applies only to data.format synthetic, not {}", key,
                                                            to_string(s.trial.data.format)));
      }
    }
  }
  {
    const auto& t = s.trial.train;
    const int k = std::stoi(t.select.substr(t.select.find('@') + 1));
    if (std::find(t.ks.begin(), t.ks.end(), k) == t.ks.end()) {
      throw layer.error(layer.origin_of(has(layer, "train.select") ? "train.select" : "train.ks"),
                        fmt::format("train.select: '{}' needs {} in train.ks ({})", t.select, k, fmt::join(t.ks, ", ")));
    }
  }
  if (has(layer, "seeds") && has(layer, "replicates")) {
    throw layer.error(layer.origin_of("replicates"),
                      "replicates: give either seeds (an explicit seed list) or replicates (a count), not both");
  }
  return s;
}

}  // namespace advx::config_detail
