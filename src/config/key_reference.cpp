#include "advx/config/key_reference.h"

#include <fmt/format.h>

#include "schema.h"

namespace advx {

namespace {

// Table cells cannot hold a raw '|'.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

template <class Target>
void add_row(std::string& out, const std::string& key, const config_detail::Key<Target>& k) {
  // Constant defaults are code (`100`); "required" and defaults that depend on something are prose.
  std::string default_text;
  if (k.required) {
    default_text = "required";
  } else if (!k.default_text.empty()) {
    default_text = k.default_text;
  } else {
    const std::string value = k.get(Target{});
    default_text = value.empty() ? "`\"\"`" : "`" + value + "`";
  }
  fmt::format_to(std::back_inserter(out), "| `{}` | {} | {} | {} |\n", key, cell(k.type), cell(default_text),
                 cell(k.description));
}

}  // namespace

std::string sweep_key_reference_markdown() {
  using namespace config_detail;
  std::string out = "| key | type | default | description |\n|---|---|---|---|\n";
  for (const auto& k : fixed_keys()) add_row(out, k.name, k);
  for (const auto& k : attribute_keys()) add_row(out, "attributes.<name>." + k.name, k);
  for (const auto& k : adversary_keys()) add_row(out, "adversaries.<name>." + k.name, k);
  out +=
      "| `grid.<key>` | a non-empty list of values of `<key>` | none | A grid axis over any key above except "
      "`name`, `threads`, `seed`, `seeds` and `replicates` (one run per seed: `seeds`); the first axis is the outermost loop. |\n";
  return out;
}

}  // namespace advx
