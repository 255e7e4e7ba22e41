// `advx analyze`: Pareto analysis of a result file (src/analysis), printed as a table, CSV, JSON or
// Markdown; optionally stored back into the file (/analysis) and drawn by scripts/plot_results.py.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "advx/analysis/analysis.h"
#include "advx/analysis/analysis_file.h"
#include "advx/analysis/plot.h"
#include "advx/analysis/report.h"
#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/store/result_store.h"
#include "advx/store/writer_lock.h"
#include "commands.h"
#include "paths.h"
#include "plan_coverage.h"
#include "validators.h"

namespace advx::cli {

namespace {

struct AnalyzeArgs {
  std::string file;
  std::string objectives;
  std::string checkpoint = "last";
  std::string reference;
  std::string format = "text";
  std::string plot_dir;
  bool per_replicate = false;
  bool write = false;
};

std::vector<double> parse_reference(const std::string& text) {
  std::vector<double> out;
  if (text.empty()) return out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = std::min(text.find(',', pos), text.size());
    const auto item = text.substr(pos, comma - pos);
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size()) throw InputError(fmt::format("--reference: '{}' is not a number", item));
    out.push_back(v);
    pos = comma + 1;
  }
  return out;
}

int run_analyze_command(const AnalyzeArgs& args) {
  AnalysisOptions options;
  options.checkpoint = args.checkpoint;
  options.objectives = args.objectives;
  options.per_replicate = args.per_replicate;
  options.reference = parse_reference(args.reference);
  // --write takes the writer lock before reading: a sweep writing into the file would otherwise replace it
  // (dropping /analysis) or add rows the stored per-row ranks do not cover.
  WriterLock lock;
  const std::string target = args.write ? through_symlinks(args.file) : args.file;  // what --write replaces
  if (args.write && std::filesystem::is_regular_file(target)) lock = WriterLock(target, WriterLock::Writes::kInPlace);
  // Checked before the report is printed: a --plot path that cannot be a directory is the whole error.
  if (!args.plot_dir.empty() && std::filesystem::exists(args.plot_dir) && !std::filesystem::is_directory(args.plot_dir))
    throw InputError(fmt::format("--plot {}: exists and is not a directory; expected a directory for the figures",
                                 args.plot_dir));
  const auto store = read_results(args.file);  // first: a file that is no result file is named as such
  if (args.write) check_analysis_writable(target);  // before the report, which would hide the error above it
  auto analysis = analyze(store, options);
  analysis.plan = plan_coverage(store);
  const auto format = args.format == "csv"        ? ReportFormat::kCsv
                      : args.format == "json"     ? ReportFormat::kJson
                      : args.format == "markdown" ? ReportFormat::kMarkdown
                                                  : ReportFormat::kText;
  std::cout << render_report(analysis, format) << std::flush;
  // Notes go to stderr in the machine formats so stdout stays parseable.
  std::ostream& note = format == ReportFormat::kText ? std::cout : std::cerr;
  for (const auto& w : analysis.warnings) note << "warning: " << w << "\n";
  // Rows the last run did not plan: a run with a smaller grid resumed into this file and left the earlier
  // run's rows, which are analysed with the rest. Planned trials without a row: the sweep has not finished
  // (stopped or running). Both by trial id when the plan can be rebuilt — a stopped run of another grid
  // can hold as many rows as it planned, none of them planned ones — else by count.
  const auto& cover = *analysis.plan;
  const std::int64_t rows = cover.rows, planned = cover.planned, unplanned = cover.unplanned,
                     missing = cover.missing();
  if (unplanned > 0 && missing == 0)
    note << fmt::format("note: {} holds {} trials; its last run planned {}, the others come from grid points that "
                        "run did not have (advx results {} describes the file)\n",
                        args.file, rows, planned, args.file);
  else if (unplanned > 0)
    note << fmt::format("note: {} holds {} trials; its last run planned {}, {} of the {} come from grid points that "
                        "run did not have\n",
                        args.file, rows, planned, unplanned, rows);
  if (missing > 0)
    note << fmt::format("note: {} holds {} of the {} its last run planned; this analysis covers those{} "
                        "(rerun the sweep to complete it)\n",
                        args.file, planned - missing, counted(planned, "trial"),
                        unplanned > 0 ? fmt::format(" and the {} from other grid points", unplanned) : "");
  // A shard's file (or a merge of one shard) plans its shard only: complete as it may be, the analysis
  // sees part of each configuration's replicates (with 2 shards and 2 seeds, one seed of each).
  if (!cover.shard.empty())
    note << fmt::format("note: {} holds shard {} of sweep '{}' only{}; this analysis covers that shard (advx merge "
                        "combines the shards)\n",
                        args.file, cover.shard, analysis.sweep_name,
                        cover.sweep_trials > 0 ? fmt::format(" ({} of the sweep's {})", cover.held,
                                                              counted(cover.sweep_trials, "trial"))
                                               : "");
  if (args.write) {
    write_analysis(analysis, target);
    lock = WriterLock();  // released before the plot script runs
    note << fmt::format("wrote the front and ranks to {}:/analysis\n", args.file);
  }
  if (!args.plot_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.plot_dir, ec);
    if (ec) throw InputError(fmt::format("--plot {}: cannot create the directory: {}", args.plot_dir, ec.message()));
    // The script highlights exactly this analysis' front and picks; it reads the raw trials from the file.
    const auto json_path = std::filesystem::path(args.plot_dir) / "analysis.json";
    {
      std::ofstream out(json_path);
      out << render_report(analysis, ReportFormat::kJson);
      if (!out) throw InputError(fmt::format("--plot {}: cannot write {}", args.plot_dir, json_path.string()));
    }
    run_plot_script(args.file, json_path, args.plot_dir);
    note << fmt::format("figures in {}\n", args.plot_dir);
  }
  return 0;
}

}  // namespace

void add_analyze_command(CLI::App& app, Command& selected) {
  auto a = std::make_shared<AnalyzeArgs>();
  auto* cmd = app.add_subcommand(
      "analyze", "Pareto analysis of a result file: the front, hypervolume, knee and the paper-style table");
  cmd->add_option("result-file", a->file, "Result file (HDF5) written by advx sweep")->required();
  cmd->add_option("--objectives", a->objectives,
                  "Objectives, metric:sense,… with sense max|min|chance|chance=C, e.g. "
                  "test.ndcg@10:max,attack.gender.bacc:chance,attack.age.mae:max (the default: NDCG@10, or at the "
                  "sweep's smallest k without 10, and every attacker)")
      ->check(non_empty("metric:sense,…"));
  cmd->add_option("--checkpoint", a->checkpoint, "Checkpoint whose metrics are analysed")
      ->check(CLI::IsMember({"best", "last"}))
      ->capture_default_str();
  cmd->add_flag("--per-replicate", a->per_replicate, "One point per trial instead of mean ± std per configuration");
  cmd->add_option("--reference", a->reference,
                  "Hypervolume reference point, one value per objective in objective units, comma-separated "
                  "(default: the worst point moved out by 10 % of the spread)")
      ->check(non_empty("one number per objective"));
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"text", "csv", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_flag("--write", a->write, "Store the points, front and ranks into the file under /analysis (trials untouched)");
  cmd->add_option("--plot", a->plot_dir, "Draw the figures (PNG and SVG) into this directory with scripts/plot_results.py")
      ->check(non_empty("a directory"));
  cmd->callback([a, &selected] { selected = [a] { return run_analyze_command(*a); }; });
}

}  // namespace advx::cli
