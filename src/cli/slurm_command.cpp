// `advx slurm`: writes a ready sbatch script from the embedded templates (slurm/*.sbatch) and, with
// --submit, submits it. Every path in the script is absolute, so it works from any directory.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/config/sweep_file.h"
#include "commands.h"
#include "validators.h"
#include "slurm_templates.h"

namespace advx::cli {

namespace {

struct SlurmArgs {
  std::string sweep, out, time = "24:00:00", partition;
  std::vector<std::string> sets;
  int ranks = 2, threads = 1, array = 0, warn_seconds = 120;
  bool submit = false;
};

// sbatch's --time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S. Seconds, or -1 when the text is none of them.
long slurm_time_seconds(const std::string& text) {
  std::smatch m;
  const auto n = [&](int i) { return m[i].matched ? std::stol(m[i].str()) : 0L; };
  if (std::regex_match(text, m, std::regex(R"((\d+)-(\d+)(?::(\d+)(?::(\d+))?)?)")))
    return n(1) * 86400 + n(2) * 3600 + n(3) * 60 + n(4);
  if (std::regex_match(text, m, std::regex(R"((\d+):(\d+):(\d+))"))) return n(1) * 3600 + n(2) * 60 + n(3);
  if (std::regex_match(text, m, std::regex(R"((\d+)(?::(\d+))?)"))) return n(1) * 60 + n(2);
  return -1;
}

std::string replace_all(std::string text, const std::string& key, const std::string& value) {
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

int run_slurm_command(const SlurmArgs& a) {
  namespace fs = std::filesystem;
  const auto sweep = SweepFile::load(a.sweep, a.sets);  // fail now, not in the queue
  // The overrides as shell words for the script: ' --set 'k=v'' each, single quotes escaped.
  std::string sets;
  for (const auto& s : a.sets) sets += " --set '" + replace_all(s, "'", "'\\''") + "'";
  const long limit_s = a.time.size() <= 16 ? slurm_time_seconds(a.time) : -1;
  if (limit_s <= 0)
    throw InputError(fmt::format("--time: expected a positive time limit as sbatch takes it (MINUTES, MINUTES:SECONDS, "
                                 "HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS), got '{}'", a.time));
  if (limit_s <= a.warn_seconds)
    throw InputError(fmt::format("--warn-seconds {} must be shorter than the time limit --time {} ({} s)",
                                 a.warn_seconds, a.time, limit_s));
  // SLURM checks limits every 30 s and may send the warning up to a minute early: below warn + 90 s a
  // run may be stopped seconds after it started, every time, and the sweep barely advances.
  if (limit_s < a.warn_seconds + 90)
    std::cerr << fmt::format(
        "advx: warning: with --time {} and --warn-seconds {}, SLURM (which may warn up to a minute early) can "
        "stop every run seconds after it starts; use a limit of at least {} s\n",
        a.time, a.warn_seconds, a.warn_seconds + 90);
  const std::string text = a.array > 0 ? kArrayTemplate : kSweepTemplate;
  if (text.empty()) throw std::runtime_error("this advx was built without the slurm/ templates");

  const fs::path workdir = fs::current_path();
  const fs::path out = fs::absolute(a.out).lexically_normal();
  // The job starts in this directory: a data set that is not here is worth a word now rather than a
  // failed job after the queue (it may exist only on the compute nodes, so this is a warning).
  {
    std::vector<std::string> paths;
    for (const auto& axis : sweep.grid())
      if (axis.key == "data.path") paths = axis.values;
    if (paths.empty()) paths.push_back(sweep.base().data.path);
    std::error_code ec;
    for (const auto& p : paths)
      if (!sweep.base().data.synthetic && !fs::exists(p, ec))
        std::cerr << fmt::format("advx: warning: data.path {} does not exist{}; the job fails at once unless the "
                                 "compute nodes have it\n",
                                 p, fs::path(p).is_absolute()
                                        ? std::string()
                                        : fmt::format(" (relative to {}, where the job will start)", workdir.string()));
  }
  const fs::path log_dir = out.parent_path() / "logs";
  const std::string job = "advx-" + sweep.name();
  std::string script = text;
  const std::vector<std::pair<std::string, std::string>> values{
      {"@JOB_NAME@", job},
      {"@RANKS@", std::to_string(a.ranks)},
      {"@THREADS@", std::to_string(a.threads)},
      {"@TIME@", a.time},
      {"@PARTITION_LINE@", a.partition.empty() ? "" : "#SBATCH --partition=" + a.partition},
      {"@WORKDIR@", workdir.string()},
      {"@ADVX@", fs::read_symlink("/proc/self/exe").string()},
      {"@SWEEP@", fs::absolute(a.sweep).lexically_normal().string()},
      {"@OUT@", out.string()},
      {"@LOG_DIR@", log_dir.string()},
      {"@WARN_SECONDS@", std::to_string(a.warn_seconds)},
      {"@ARRAY@", std::to_string(a.array)},
  };
  for (const auto& [key, value] : values) script = replace_all(script, key, value);
  std::smatch left;
  if (std::regex_search(script, left, std::regex("@(?!SETS@)[A-Z_]+@")))
    throw std::runtime_error(fmt::format("template placeholder {} has no value", left.str()));
  // The user's --set values last, so that text in them that looks like a placeholder stays as typed.
  script = replace_all(script, "@SETS@", sets);

  fs::create_directories(log_dir);
  // Named after the result file, so that a script for another --out of the same sweep does not replace
  // this one (for the usual results/NAME.h5 it is advx-NAME.sbatch, as the job).
  const std::string script_name = "advx-" + out.stem().string();
  const fs::path path = workdir / (a.array > 0 ? script_name + "-array.sbatch" : script_name + ".sbatch");
  if (std::error_code ec; fs::exists(path, ec)) std::cerr << fmt::format("advx: replacing {}\n", path.string());
  {
    std::ofstream f(path);
    f << script;
    if (!f) throw std::runtime_error(fmt::format("{}: cannot write", path.string()));
  }
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  std::cout << path.string() << std::endl;  // flushed: sbatch writes to the same stdout next
  if (!a.submit) return 0;
  const int rc = std::system(fmt::format("sbatch '{}'", path.string()).c_str());
  return rc == 0 ? 0 : 1;
}

}  // namespace

void add_slurm_command(CLI::App& app, Command& selected) {
  auto a = std::make_shared<SlurmArgs>();
  auto* cmd = app.add_subcommand("slurm", "Write a ready sbatch script for a sweep (and submit it with --submit)");
  cmd->add_option("sweep-file", a->sweep, "Sweep file (YAML)")->required();
  cmd->add_option("--out", a->out, "Result file (HDF5) the job writes")
      ->required()
      ->check(non_empty("a result file name", false));
  auto* ranks = cmd->add_option("--ranks", a->ranks, "MPI ranks (tasks) of the job (not with --array: one process per task)")
                    ->check(in_range(1, 100000))
                    ->capture_default_str();
  cmd->add_option("--threads", a->threads, "Threads (CPUs) per rank")->check(in_range(1, 1024))->capture_default_str();
  cmd->add_option("--time", a->time,
                  "Time limit per job, as sbatch takes it (MINUTES, HH:MM:SS, D-HH:MM:SS, …); the job requeues itself "
                  "when it hits it")
      ->capture_default_str();
  cmd->add_option("--partition", a->partition, "SLURM partition");
  cmd->add_option("--set", a->sets, "Override a sweep setting in the job, key=value (repeatable; as for advx sweep)");
  cmd->add_option("--array", a->array, "Shard mode: a job array of K independent processes (merge with `advx merge`)")
      ->check(in_range(1, 100000))
      ->excludes(ranks);  // each array task is one process: --ranks would be silently ignored
  cmd->add_option("--warn-seconds", a->warn_seconds, "Seconds before the time limit at which SLURM sends USR1 (checkpoint)")
      ->check(in_range(10, 86400))
      ->capture_default_str();
  cmd->add_flag("--submit", a->submit, "Submit the script with sbatch");
  cmd->callback([a, &selected] { selected = [a] { return run_slurm_command(*a); }; });
}

}  // namespace advx::cli
