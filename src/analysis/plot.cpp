#include "advx/analysis/plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "advx/common/error.h"

extern char** environ;

namespace advx {

namespace {

/// Runs argv (no shell), returns the exit status (−1 when it could not start or was killed).
int run(const std::vector<std::string>& argv, bool quiet) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::filesystem::path find_script() {
  if (const char* env = std::getenv("ADVX_PLOT_SCRIPT"); env != nullptr && *env != '\0') {
    if (!std::filesystem::is_regular_file(env))
      throw InputError(fmt::format("ADVX_PLOT_SCRIPT={}: no such file", env));
    return env;
  }
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = exe.parent_path() / ".." / "scripts" / "plot_results.py";
    if (std::filesystem::is_regular_file(beside, ec)) return beside.lexically_normal();
  }
#ifdef ADVX_PLOT_SCRIPT
  if (std::filesystem::is_regular_file(ADVX_PLOT_SCRIPT, ec)) return ADVX_PLOT_SCRIPT;
#endif
  throw InputError("scripts/plot_results.py not found next to the advx binary nor in its source tree; set ADVX_PLOT_SCRIPT");
}

std::string find_python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ADVX_PYTHON"); env != nullptr && *env != '\0') candidates.push_back(env);
  candidates.push_back("/usr/bin/python3");
  candidates.push_back("python3");
  for (const auto& py : candidates)
    if (run({py, "-c", "import h5py, matplotlib, numpy"}, true) == 0) return py;
  throw InputError(
      "--plot needs Python 3 with h5py and matplotlib: none of $ADVX_PYTHON, /usr/bin/python3, python3 imports them; "
      "install them with `apt-get install python3-h5py python3-matplotlib` (or scripts/install-deps.sh --with-python)");
}

}  // namespace

void run_plot_script(const std::filesystem::path& file, const std::filesystem::path& analysis_json,
                     const std::filesystem::path& out_dir) {
  const auto script = find_script();
  const auto python = find_python();
  const int rc = run({python, script.string(), file.string(), "--analysis", analysis_json.string(), "--out", out_dir.string()},
                     false);
  if (rc != 0) throw std::runtime_error(fmt::format("{} {} failed (exit status {})", python, script.string(), rc));
}

}  // namespace advx
