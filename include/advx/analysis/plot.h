#pragma once
// Runs scripts/plot_results.py (h5py + matplotlib) for `advx analyze --plot DIR`.
// The script is found at $ADVX_PLOT_SCRIPT, else <directory of the advx binary>/../scripts/plot_results.py
// (the repository layout of build/advx), else in the source tree advx was built from. The interpreter is
// $ADVX_PYTHON, else /usr/bin/python3, else python3 on PATH — the first that imports h5py and matplotlib
// (Debian's python3-h5py/python3-matplotlib live in /usr/bin/python3, which a virtualenv may shadow).

#include <filesystem>

namespace advx {

/// Runs the script on `file` with the analysis JSON at `analysis_json`, writing into `out_dir`. Throws
/// InputError when no suitable Python is found (naming the apt-get command) or the script is missing;
/// std::runtime_error when the script fails.
void run_plot_script(const std::filesystem::path& file, const std::filesystem::path& analysis_json,
                     const std::filesystem::path& out_dir);

}  // namespace advx
