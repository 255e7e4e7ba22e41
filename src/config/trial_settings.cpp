#include "advx/config/trial_settings.h"

#include "schema.h"

namespace advx {

std::vector<std::pair<std::string, std::string>> trial_settings(const TrialConfig& config) {
  return config_detail::settings_of(config);
}

std::string canonical_text(const TrialConfig& config) {
  std::string out;
  for (const auto& [key, value] : trial_settings(config)) {
    out += key;
    out += ": ";
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace advx
