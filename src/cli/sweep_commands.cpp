// `advx sweep`, `advx merge` and `advx results`.

#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/config/sweep_file.h"
#include "advx/store/result_store.h"
#include "advx/sweep/sweep_plan.h"
#include "advx/sweep/sweep_runner.h"
#include "commands.h"
#include "error_text.h"
#include "paths.h"
#include "plan_coverage.h"
#include "validators.h"

namespace advx::cli {

namespace {

std::atomic<int> g_stop_signal{0};

/// The first stop signal is the one reported (and the exit code): Ctrl-C or a SIGTERM to `advx sweep … | tee`
/// also ends tee, and the SIGPIPE of advx's next write must not stand in for the signal that stopped it.
extern "C" void on_stop_signal(int sig) {
  int none = 0;
  g_stop_signal.compare_exchange_strong(none, sig);
}

struct SweepArgs {
  std::string sweep;
  std::string out;
  std::vector<std::string> sets;
  bool start_new = false;
  int threads = 0;
  std::string shard;  // "K/N"
  int checkpoint_every = 0;
};

/// More threads than CPUs to run on take turns and slow each other down: said once, by rank 0, for the
/// most tightly bound rank, with the launcher's way to give a rank more CPUs (mpirun binds each rank to
/// one core unless told otherwise; SLURM gives a task --cpus-per-task).
void warn_if_threads_share_cpus(const boost::mpi::communicator& world, int threads) {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : threads;
  const int fewest = boost::mpi::all_reduce(world, cpus, boost::mpi::minimum<int>());
  if (world.rank() != 0 || threads <= fewest) return;
  std::string hint;
  if (std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr)
    hint = fmt::format(" (mpirun binds each rank to one core: add --bind-to none, or --map-by slot:PE={})", threads);
  else if (std::getenv("SLURM_JOB_ID") != nullptr)
    hint = fmt::format(" (ask SLURM for --cpus-per-task={})", threads);
  std::cerr << fmt::format("warning: --threads {}, but {} may run on only {}: the threads take turns and slow each "
                           "other down{}\n",
                           threads, world.size() > 1 ? "a rank" : "this process", counted(fewest, "CPU"), hint);
}

int run_sweep_command(const SweepArgs& a) {
  namespace mpi = boost::mpi;
  // SIGUSR1 is SLURM's warning before a time limit or preemption (--signal=B:USR1@…): like SIGTERM
  // and SIGINT it checkpoints the trials in flight and stops at the next epoch boundary. Installed
  // before MPI starts, so that a signal during start-up does not kill the process.
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  // SIGPIPE: the reader of stdout went away (`advx sweep … | head`). Dying there left the lock behind
  // and the trials in flight lost; it stops the run as the signals above do, and says so on stderr.
  std::signal(SIGPIPE, on_stop_signal);
  // SIGHUP: the terminal of a plain `advx sweep` closed (an ssh session dropped); under mpirun the ranks
  // get SIGTERM instead. Not when it is ignored: `nohup advx sweep …` asks to keep running.
  if (std::signal(SIGHUP, on_stop_signal) == SIG_IGN) std::signal(SIGHUP, SIG_IGN);
  // Serialized: on rank 0 the coordinator thread makes MPI calls while the main thread trains (and
  // never calls MPI).
  mpi::environment env(mpi::threading::serialized, true);
  mpi::communicator world;
  if (env.thread_level() < mpi::threading::serialized) {
    if (world.rank() == 0) std::cerr << "advx: failed: the MPI library does not provide MPI_THREAD_SERIALIZED\n";
    env.abort(1);
  }
  try {
    const auto sweep = SweepFile::load(a.sweep, a.sets);
    warn_if_threads_share_cpus(world, a.threads > 0 ? a.threads : sweep.base().threads);
    SweepOptions options;
    options.out = a.out;
    options.start_new = a.start_new;
    options.threads = a.threads;
    options.checkpoint_every = a.checkpoint_every;
    if (!a.shard.empty()) std::tie(options.shard_index, options.shard_count) = parse_shard(a.shard);
    options.stop = &g_stop_signal;
    options.log = world.rank() == 0 ? &std::cout : nullptr;
    // A live bar only in a plain terminal run: under mpirun a rank's stdout is a pseudo-terminal even
    // when mpirun's own output goes to a log, so launched ranks print plain lines.
    options.live = world.rank() == 0 && ::isatty(STDOUT_FILENO) && std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr &&
                   std::getenv("PMIX_RANK") == nullptr;
    const auto s = run_sweep(world, sweep, options);
    if (world.rank() == 0) {
      // Stopped, the counts add up to the plan: trials cancelled in flight, and those never handed out.
      const auto not_started = s.planned - s.skipped - s.finished - s.cancelled;
      std::cout << fmt::format("{}{} {}: {} planned, {} already done, {} run now ({} ok, {} diverged, {} failed{}{}) in {:.2f} s\n",
                               options.live ? "\r\033[K" : "", s.stopped ? "stopped" : "finished", a.out,
                               counted(s.planned, "trial"), s.skipped, s.finished, s.ok, s.diverged, s.failed,
                               s.cancelled ? fmt::format(", {} cancelled", s.cancelled) : "",
                               not_started > 0 ? fmt::format("; {} not started", not_started) : "", s.seconds);
      // A rank that sat out keeps the results right (its trials ran elsewhere) but the job ran short of
      // what was asked for: said where the summary is read.
      for (const auto& r : s.retired) std::cout << fmt::format("warning: {}; it ran no further trials\n", r);
      if (s.finished > 0)
        std::cout << fmt::format("coordinator: {:.2f} ms per trial ({:.2f} ms of it writing the file)\n",
                                 1e3 * s.coordinator_seconds / static_cast<double>(s.finished),
                                 1e3 * s.write_seconds / static_cast<double>(s.finished));
      std::error_code ec;
      if (s.stopped && !std::filesystem::is_empty(checkpoint_dir(a.out), ec) && !ec)
        std::cout << fmt::format("trials in flight were checkpointed under {}; rerun the same command to resume\n",
                                 checkpoint_dir(a.out).string());
      else if (s.stopped)
        std::cout << "rerun the same command to resume\n";
      std::cout.flush();
      if (s.stopped && g_stop_signal.load() == SIGPIPE)
        std::cerr << fmt::format("advx: the output pipe closed: the sweep stopped as on Ctrl-C, and {} holds every "
                                 "finished trial; rerun the same command to resume\n", a.out);
    }
    // No rank exits before rank 0 has printed its summary, and only rank 0 exits non-zero: mpirun tears
    // the whole job down as soon as one rank exits non-zero (128 + signal after a stop, 1 after failed
    // trials), which could cut rank 0's output off. mpirun still exits with rank 0's code.
    world.barrier();
    if (world.rank() != 0) return 0;
    return s.stopped ? 128 + g_stop_signal.load() : (s.failed > 0 ? 1 : 0);
  } catch (const InputError& e) {
    // Every rank raises the same input error (same file, same plan): report it once, exit 2 everywhere.
    if (world.rank() == 0) std::cerr << input_error_text(e.what(), "advx sweep");
    return 2;
  } catch (const std::exception& e) {
    // Anything else may be one rank's problem: abort the whole job rather than let the others hang.
    std::cerr << fmt::format("advx: failed on rank {}: {}\n", world.rank(), e.what());
    env.abort(1);
  }
  return 1;
}

int run_results_command(const std::string& path, bool csv) {
  const auto store = ResultStore::read(path);
  const auto& h = store.header();
  // Checkpoints and metric names come from the "<checkpoint>.<metric>" columns.
  std::vector<std::string> checkpoints, metrics;
  std::set<std::string> seen_metrics;
  for (const auto& name : store.column_names()) {
    for (const char* cp : {"best", "last"}) {
      const std::string prefix = std::string(cp) + ".";
      if (name.rfind(prefix, 0) != 0) continue;
      if (std::find(checkpoints.begin(), checkpoints.end(), cp) == checkpoints.end()) checkpoints.push_back(cp);
      const auto metric = name.substr(prefix.size());
      if (seen_metrics.insert(metric).second) metrics.push_back(metric);
    }
  }
  if (!csv) {
    std::int64_t ok = 0, diverged = 0, failed = 0;
    if (store.rows() > 0)
      for (const auto& s : store.column("status").s) (s == "ok" ? ok : s == "diverged" ? diverged : failed)++;
    // Rows the last run did not plan: a run with another or smaller grid resumed into the file; its rows
    // stay and count (plan_coverage compares trial ids when it can rebuild the plan).
    const auto cover = plan_coverage(store);
    const auto recorded =
        cover.unplanned == 0 ? fmt::format("{} of {} recorded", cover.held, counted(cover.planned, "trial"))
        : cover.missing() == 0
            ? fmt::format("{} trials recorded ({} planned by the last run, the others from grid points it did not have)",
                          cover.rows, cover.planned)
            : fmt::format("{} trials recorded ({} of the {} planned by the last run, {} from grid points it did not have)",
                          cover.rows, cover.held, cover.planned, cover.unplanned);
    // A shard's file counts only its shard's trials: say so, or "8 of 8" reads as the whole sweep.
    const std::string shard = store.attribute("shard");
    fmt::print("{}: sweep {} ({}){}, {}: {} ok, {} diverged, {} failed\n", path, h.sweep_name, h.sweep_identity,
               shard.empty() ? "" : fmt::format(", shard {} only (advx merge combines the shards)", shard), recorded, ok,
               diverged, failed);
    fmt::print("advx {} (commit {}), hosts {}, created {}\n", store.attribute("advx_version"), store.attribute("git_commit"),
               store.attribute("hosts"), store.attribute("created"));
    if (!h.sweep_overrides.empty()) {
      std::string sets;
      for (const auto& o : h.sweep_overrides) sets += fmt::format(" --set {}", o);
      fmt::print("sweep file {} with{}\n", h.sweep_path, sets);
    }
    fmt::print("columns: {} per trial; `advx results {} --csv` prints them per (trial, checkpoint)\n",
               store.column_names().size(), path);
    // A run that did not end normally, and what the next run resumes, so that "3 of 9" is explained.
    if (const auto started = store.attribute("run_started"); !started.empty() && store.attribute("run_finished").empty())
      fmt::print("its last run (started {}) has not finished: it was stopped or killed, or is still running\n", started);
    std::error_code ec;
    // Checkpoints are named by trial id: those of trials the last run no longer planned (a shrunken grid)
    // are only resumed by a run that plans them again.
    std::int64_t sweep_trials = 0;
    const auto planned = planned_trial_ids(store, sweep_trials);
    std::size_t checkpoints_held = 0, unplanned = 0;
    for (const auto& e : std::filesystem::directory_iterator(checkpoint_dir(path), ec)) {
      if (e.path().extension() != ".ckpt") continue;
      ++checkpoints_held;
      if (planned && !planned->count(e.path().stem().string())) ++unplanned;
    }
    if (checkpoints_held > unplanned)
      fmt::print("{} in {}: rerunning the sweep resumes them from there\n",
                 counted(static_cast<std::int64_t>(checkpoints_held - unplanned), "trial checkpoint"),
                 checkpoint_dir(path).string());
    if (unplanned > 0)
      fmt::print("{} in {} of trials the last run did not plan: only a run whose grid has them again resumes "
                 "them\n", counted(static_cast<std::int64_t>(unplanned), "trial checkpoint"),
                 checkpoint_dir(path).string());
    // Failed and diverged trials have no checkpoint (one CSV row each with empty metrics): name them here,
    // with their message.
    if (failed + diverged > 0 && store.has_column("message")) {
      const auto& status = store.column("status").s;
      constexpr std::size_t kShown = 20;
      std::size_t shown = 0;
      for (std::size_t r = 0; r < store.rows(); ++r) {
        if (status[r] == "ok") continue;
        if (shown++ == kShown) {
          fmt::print("  … {} more (h5py: /trials/message)\n", failed + diverged - static_cast<std::int64_t>(kShown));
          break;
        }
        std::string params;
        for (const auto& k : h.grid_keys)
          if (store.has_column(k)) params += fmt::format(" {}={}", k, store.column(k).text(r));
        fmt::print("  {} {}{}: {}\n", status[r], store.column("trial_id").s[r], params, store.column("message").text(r));
      }
    }
    return 0;
  }
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::vector<std::string> header{"trial_id", "status", "checkpoint"};
  for (const auto& k : h.grid_keys) header.push_back(k);
  header.push_back("replicate");  // the seeds:/replicates: run of the grid point (0, 1, …)
  header.push_back("seed");  // as advx plan prints it and --set seed= takes it (unsigned; SCHEMA.md)
  header.push_back("epoch");
  for (const auto& m : metrics)
    if (m != "epoch") header.push_back(m);
  std::string line;
  for (const auto& c : header) line += fmt::format("{}{}", line.empty() ? "" : ",", quote(c));
  std::cout << line << '\n';
  // One row per (trial, checkpoint); a trial without any checkpoint (diverged in its first epoch, failed)
  // gets one row with an empty checkpoint and empty metrics, so that counts per grid value (pandas
  // groupby on status) see every trial.
  const auto print_row = [&](std::size_t r, const std::string& cp) {
    line = fmt::format("{},{},{}", quote(store.column("trial_id").s[r]), store.column("status").s[r], cp);
    for (const auto& k : h.grid_keys) line += fmt::format(",{}", store.has_column(k) ? quote(store.column(k).text(r)) : "");
    line += fmt::format(",{}", store.has_column("replicate") ? store.column("replicate").text(r) : "");
    line += store.has_column("seed") ? fmt::format(",{}", static_cast<std::uint64_t>(store.column("seed").i[r])) : ",";
    line += fmt::format(",{}", cp.empty() ? "" : store.column(cp + ".epoch").text(r));
    for (const auto& m : metrics) {
      if (m == "epoch") continue;
      const auto name = cp + "." + m;
      line += fmt::format(",{}", !cp.empty() && store.has_column(name) ? store.column(name).text(r) : "");
    }
    std::cout << line << '\n';
  };
  for (std::size_t r = 0; r < store.rows(); ++r) {
    bool printed = false;
    for (const auto& cp : checkpoints) {
      if (!store.has_column(cp + ".epoch") || store.column(cp + ".epoch").text(r).empty()) continue;  // absent checkpoint
      print_row(r, cp);
      printed = true;
    }
    if (!printed) print_row(r, "");
  }
  return 0;
}

int run_merge_command(const std::string& out, const std::vector<std::string>& shards) {
  std::vector<ResultStore> inputs;
  for (const auto& path : shards) inputs.push_back(ResultStore::read(path));
  // All shards must be of one sweep; the output takes the first shard's header (same identity).
  StoreHeader header = inputs.front().header();
  // Planned trials per shard label ("" = the unsharded run, which plans them all), over the inputs and
  // what the output already holds; a shard given twice counts once.
  std::map<std::string, std::int64_t> planned;
  const auto note = [&](const ResultStore& s) {
    auto& p = planned[s.attribute("shard")];
    p = std::max(p, s.header().planned_trials);
  };
  // What the identity does not cover, checked for every input and the output's earlier rows alike.
  const auto absorb = [&](const ResultStore& in) {
    // Trial ids hash the assignments in the grid's axis order, so the same trial of files run with
    // reordered axes would be two rows.
    if (in.header().grid_keys != header.grid_keys)
      throw InputError(fmt::format("{}: its grid axes ({}) are not in the order of {}'s ({}), so its trials have other "
                                   "ids; refusing to merge (a shard run anew, with --new or another --out, from the "
                                   "sweep file with its axes in that order can be merged)",
                                   in.path().string(), fmt::join(in.header().grid_keys, ", "),
                                   inputs.front().path().string(), fmt::join(header.grid_keys, ", ")));
    // Trials trained on different data under the same settings (changed in place between the runs).
    for (const auto& [settings, fp] : in.header().data_fingerprints) {
      auto& have = header.data_fingerprints[settings];
      if (!have.empty() && have != fp)
        throw InputError(fmt::format("{}: its trials were trained on other data than {}'s ({}: data fingerprint {} vs {}); "
                                     "refusing to merge",
                                     in.path().string(), inputs.front().path().string(), settings, fp, have));
      have = fp;
    }
  };
  for (const auto& in : inputs) {
    if (in.header().sweep_identity != header.sweep_identity) {
      const auto change = identity_change(header, in.header());  // "" for a file of an older advx
      throw InputError(fmt::format("{}: belongs to sweep '{}' (identity {}), {} to '{}' (identity {}){}; refusing to merge",
                                   in.path().string(), in.header().sweep_name, in.header().sweep_identity,
                                   inputs.front().path().string(), header.sweep_name, header.sweep_identity,
                                   change.empty() ? "" : "; what differs" + change));
    }
    absorb(in);
    note(in);
  }
  if (std::filesystem::exists(out) && !std::filesystem::is_directory(out)) {
    std::optional<ResultStore> existing;
    try {  // no result file at all: open_for_sweep below says so
      existing.emplace(ResultStore::read(out));
    } catch (const InputError&) {
    }
    if (existing && existing->header().sweep_identity != header.sweep_identity) {
      // Said here rather than by open_for_sweep, whose advice (--new) is the sweep command's.
      const auto change = identity_change(existing->header(), header);
      throw InputError(fmt::format("{}: holds results of sweep '{}' (identity {}), not of '{}' (identity {}) that {} "
                                   "belongs to{}; refusing to merge into it: choose another --out",
                                   out, existing->header().sweep_name, existing->header().sweep_identity,
                                   header.sweep_name, header.sweep_identity, inputs.front().path().string(),
                                   change.empty() ? "" : "; what differs" + change));
    }
    if (existing && existing->rows() > 0) {
      absorb(*existing);
      note(*existing);
    }
  }
  // The output keeps a shard label only when everything in it is that one shard. A file holding several
  // shards is labelled as the whole sweep, so an unsharded run can complete it (and a shard run into it
  // is refused, as for any file holding more than that shard), and it plans the whole sweep's trials.
  const std::string label = planned.size() == 1 ? planned.begin()->first : "";
  if (!label.empty() || planned.count("")) {
    header.planned_trials = planned.at(label.empty() ? "" : label);
  } else {
    try {
      header.planned_trials = static_cast<std::int64_t>(
          make_plan(SweepFile::from_text(header.sweep_text, header.sweep_path, header.sweep_overrides)).trials.size());
    } catch (const std::exception&) {  // a file too old to rebuild its plan from: the shards' sum
      header.planned_trials = 0;
      for (const auto& [shard, n] : planned) header.planned_trials += n;
    }
  }
  // The runs' times span the shards': the earliest start, and the latest end only if every shard's last
  // run ended (an empty run_finished tells `advx results` and readers that one was stopped or killed).
  std::string started, finished;
  bool all_finished = true;
  const auto span = [&](const ResultStore& s) {
    const auto a = s.attribute("run_started"), b = s.attribute("run_finished");
    if (!a.empty() && (started.empty() || a < started)) started = a;  // ISO times sort as text
    if (b.empty() && !a.empty()) all_finished = false;  // a run that started and did not end (not an older merge)
    if (b > finished) finished = b;
  };
  for (const auto& in : inputs) span(in);
  auto merged = ResultStore::open_for_sweep(out, header, false);
  if (merged.rows() > 0) span(merged);
  merged.set_attribute("shard", label);
  merged.set_attribute("run_started", started);
  merged.set_attribute("run_finished", all_finished && !started.empty() ? finished : "");
  const std::size_t rows_before = merged.rows();
  std::size_t taken = 0;
  for (const auto& in : inputs) {
    const auto n = merged.merge_from(in);
    fmt::print("{}: {} of {} rows taken\n", in.path().string(), n, in.rows());
    taken += n;
  }
  // A row taken is a new trial, or a finished one in place of a failed row of the same trial.
  const std::size_t added = merged.rows() - rows_before, replaced = taken - added;
  fmt::print("{}: {} ({} added{})\n", out, counted(merged.rows(), "trial"), added,
             replaced > 0 ? fmt::format(", {} replacing failed rows", replaced) : "");
  // Said now, not first by `advx results` later: shards of different splits (0/3 with 1/2) or a shard
  // left out leave planned trials in no input.
  std::set<std::string> splits;
  for (const auto& [shard, n] : planned)
    if (const auto slash = shard.find('/'); slash != std::string::npos) splits.insert(shard.substr(slash + 1));
  if (splits.size() > 1)
    fmt::print("note: the inputs are shards of different splits ({}): their trials do not add up to a whole split\n",
               fmt::join(planned | std::views::keys, ", "));
  if (const auto cover = plan_coverage(merged); cover.missing() > 0)
    fmt::print("note: {} holds {} of the {} planned; {} {} in none of the inputs (run the missing shards and merge "
               "again)\n",
               out, cover.held, counted(cover.planned, "trial"), counted(cover.missing(), "planned trial"),
               cover.missing() == 1 ? "is" : "are");
  return 0;
}

}  // namespace

void add_sweep_commands(CLI::App& app, Command& selected) {
  auto sa = std::make_shared<SweepArgs>();
  auto* sweep = app.add_subcommand("sweep", "Run every trial of a sweep file's grid across MPI ranks into one HDF5 file");
  sweep->add_option("sweep-file", sa->sweep, "Sweep file (YAML)")->required();
  sweep->add_option("--out", sa->out, "Result file (HDF5); rerunning resumes it")
      ->required()
      ->check(non_empty("a result file name", false))
      ->transform([](std::string path) { return through_symlinks(path); }, "");
  sweep->add_option("--set", sa->sets, "Override a setting (key.path=value; grid.<key>=[...] changes an axis)");
  sweep->add_option("--threads", sa->threads, "oneDNN/OpenMP threads per rank (with mpirun, add --bind-to none for > 1)")
      ->check(in_range(1, 1024));
  sweep->add_flag("--new", sa->start_new, "Move an existing result file aside and start afresh");
  sweep->add_option("--shard", sa->shard, "Run only shard K of N (plan index mod N == K) into its own file; merge with `advx merge`");
  sweep->add_option("--checkpoint-every", sa->checkpoint_every,
                    "Also checkpoint trials every N epochs (they are always checkpointed on SIGUSR1/SIGTERM/SIGINT, "
                    "and on SIGPIPE when the output pipe closes)")
      ->check(in_range(1, 1000000));
  sweep->callback([sa, &selected] { selected = [sa] { return run_sweep_command(*sa); }; });

  auto merge_args = std::make_shared<std::pair<std::string, std::vector<std::string>>>();
  auto* merge = app.add_subcommand("merge", "Merge shard result files of one sweep into one file (each trial once)");
  merge->add_option("--out", merge_args->first, "Merged result file (created, or extended if it is of the same sweep)")
      ->required()
      ->check(non_empty("a result file name", false))
      ->transform([](std::string path) { return through_symlinks(path); }, "");
  // Missing files are reported by the reader ("result file not found"), after a missing --out.
  merge->add_option("shard-files", merge_args->second, "Shard result files")->required();
  merge->callback([merge_args, &selected] {
    selected = [merge_args] { return run_merge_command(merge_args->first, merge_args->second); };
  });

  auto results_args = std::make_shared<std::pair<std::string, bool>>();
  auto* results = app.add_subcommand("results", "Summarise a result file, or print it as CSV (one row per trial and checkpoint)");
  results->add_option("result-file", results_args->first, "Result file (HDF5)")->required();
  results->add_flag("--csv", results_args->second, "Print CSV: trial_id, status, checkpoint, grid keys, replicate, seed, epoch, metrics (one row per trial and "
                    "checkpoint; a trial without checkpoint, one row with empty metrics)");
  results->callback([results_args, &selected] {
    selected = [results_args] { return run_results_command(results_args->first, results_args->second); };
  });
}

}  // namespace advx::cli
