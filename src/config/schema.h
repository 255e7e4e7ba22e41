#pragma once
// The sweep-file parameter schema (STYLE point 4): every key is declared once, with its type, bounds,
// default and description. The parser, its error messages, the canonical settings text and the
// Markdown key reference are all derived from these tables. Private to src/config.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "advx/train/trial_config.h"

namespace advx::config_detail {

/// Thrown by a key's parser. `what` reads "expected <type>, found '<text>'"; the caller prefixes the
/// file, line and key, which the parser does not know.
struct BadValue {
  std::string what;
};

/// Everything a sweep file sets: one trial's settings plus the sweep-level repetition axes.
struct SweepSettings {
  TrialConfig trial;
  std::vector<std::uint64_t> seeds;  ///< explicit seed axis; empty = not given
  std::int32_t replicates = 1;
};

/// Where a key applies. Sweep-scope keys (name, threads, seeds, replicates) describe the sweep or how it
/// runs, not what a trial computes: they cannot be grid axes and are not part of a trial's settings.
enum class Scope { kTrial, kSweep };

/// One key of the schema. `Target` is SweepSettings for the fixed keys, AttributeSpec for
/// attributes.<name>.*, AdversaryConfig for adversaries.<name>.*.
template <class Target>
struct Key {
  std::string name;         ///< full path for fixed keys ("model.latent"), field name for dynamic ones ("lambda")
  std::string type;         ///< reads after "expected": "a positive integer"
  std::string description;  ///< one line for the key reference
  std::function<void(Target&, const YAML::Node&)> set;  ///< parses and checks; throws BadValue
  std::function<std::string(const Target&)> get;        ///< canonical text of the current value
  bool required = false;
  Scope scope = Scope::kTrial;
  std::string default_text;  ///< overrides get(Target{}) in the key reference when the default is not a constant

  Key() = default;
  Key(std::string name_, std::string type_, std::string description_,
      std::function<void(Target&, const YAML::Node&)> set_, std::function<std::string(const Target&)> get_)
      : name(std::move(name_)), type(std::move(type_)), description(std::move(description_)), set(std::move(set_)),
        get(std::move(get_)) {}
};

[[nodiscard]] const std::vector<Key<SweepSettings>>& fixed_keys();
[[nodiscard]] const std::vector<Key<AttributeSpec>>& attribute_keys();
[[nodiscard]] const std::vector<Key<AdversaryConfig>>& adversary_keys();

/// Sections whose keys are fixed ("data", "split", ...), and the dynamic ones ("attributes", "adversaries").
[[nodiscard]] const std::vector<std::string>& fixed_sections();
[[nodiscard]] bool is_dynamic_section(const std::string& name);

/// A key path resolved against the schema.
struct ResolvedKey {
  enum class Kind { kFixed, kAttribute, kAdversary } kind = Kind::kFixed;
  std::size_t index = 0;  ///< into fixed_keys(), attribute_keys() or adversary_keys()
  std::string entry;      ///< the <name> of a dynamic key
  [[nodiscard]] Scope scope() const;
  [[nodiscard]] bool required() const;
};

/// Resolves "model.latent", "adversaries.gender.lambda", ...; nullopt for anything else (including
/// section names and dynamic names that are not valid entry names).
[[nodiscard]] std::optional<ResolvedKey> resolve_key(const std::string& path);

/// Entry names of dynamic sections become part of key paths, so they are restricted to [A-Za-z0-9_-]+.
[[nodiscard]] bool valid_entry_name(const std::string& name);
/// A sweep name (`name:`, or the file's name without it) goes into output and job names: [A-Za-z0-9._-]+.
[[nodiscard]] bool valid_sweep_name(const std::string& name);

/// " (did you mean 'x'?)" when a known key path or section is within edit distance 2 of `path`, else "".
[[nodiscard]] std::string suggestion_for(const std::string& path);

/// All trial-scope settings of `config` as (key, canonical value) pairs, sorted by key.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> settings_of(const TrialConfig& config);

/// "'text'" for a scalar, "'[a, b]'" for a sequence or map (flow style), "nothing" for null.
[[nodiscard]] std::string describe(const YAML::Node& node);

}  // namespace advx::config_detail
