#pragma once
// A trial's settings as flat (key, value) text, keyed like the sweep file ("model.latent",
// "adversaries.gender.lambda"). The same names serve as result attributes, run names and hash input.

#include <string>
#include <utility>
#include <vector>

#include "advx/train/trial_config.h"

namespace advx {

/// Every trial-scope key of the schema with its canonical value, defaults included, sorted by key.
/// Sweep-level keys (name, threads, seeds, replicates) are not part of a trial's settings.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> trial_settings(const TrialConfig& config);

/// trial_settings() as text, one "key: value" line each. Equal settings give equal text.
[[nodiscard]] std::string canonical_text(const TrialConfig& config);

}  // namespace advx
