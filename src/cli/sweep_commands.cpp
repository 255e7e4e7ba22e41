// `advx sweep`, `advx plan` and `advx results`.

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <set>
#include <sstream>
#include <tuple>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/data/dataset.h"
#include "advx/data/synthetic.h"
#include "advx/config/sweep_file.h"
#include "advx/store/result_store.h"
#include "advx/sweep/sweep_plan.h"
#include "advx/sweep/sweep_runner.h"
#include "advx/train/trainer.h"
#include "commands.h"
#include "plan_coverage.h"
#include "validators.h"

namespace advx::cli {

namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) { g_stop_signal.store(sig); }

struct SweepArgs {
  std::string sweep;
  std::string out;
  std::vector<std::string> sets;
  bool start_new = false;
  int threads = 0;
  std::string shard;  // "K/N"
  int checkpoint_every = 0;
};

/// "K/N" with 0 ≤ K < N.
std::pair<int, int> parse_shard(const std::string& text) {
  int k = -1, n = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> k >> slash >> n) || slash != '/' || !in.eof() || n < 1 || k < 0 || k >= n)
    throw InputError(fmt::format("--shard: expected K/N with 0 ≤ K < N (e.g. 0/3), got '{}'", text));
  return {k, n};
}

int run_sweep_command(const SweepArgs& a) {
  namespace mpi = boost::mpi;
  // SIGUSR1 is SLURM's warning before a time limit or preemption (--signal=B:USR1@…): like SIGTERM
  // and SIGINT it checkpoints the trials in flight and stops at the next epoch boundary. Installed
  // before MPI starts, so that a signal during start-up does not kill the process.
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
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
    }
    // No rank exits before rank 0 has printed its summary, and only rank 0 exits non-zero: mpirun tears
    // the whole job down as soon as one rank exits non-zero (128 + signal after a stop, 1 after failed
    // trials), which could cut rank 0's output off. mpirun still exits with rank 0's code.
    world.barrier();
    if (world.rank() != 0) return 0;
    return s.stopped ? 128 + g_stop_signal.load() : (s.failed > 0 ? 1 : 0);
  } catch (const InputError& e) {
    // Every rank raises the same input error (same file, same plan): report it once, exit 2 everywhere.
    if (world.rank() == 0) std::cerr << "advx: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    // Anything else may be one rank's problem: abort the whole job rather than let the others hang.
    std::cerr << fmt::format("advx: failed on rank {}: {}\n", world.rank(), e.what());
    env.abort(1);
  }
  return 1;
}

/// Rough cost of a trial in GFLOP (REFERENCE §10): per epoch the decoder's three GEMMs dominate.
double trial_gflop(const TrialConfig& c, double users, double items, double nnz_per_user) {
  const double L = c.model.latent, train = 0.6 * users, val = 0.2 * users;
  const double per_epoch = train * (6.0 * L * items + 3.0 * 2.0 * nnz_per_user * 2.0 * L) + val * 2.0 * L * items;
  return c.train.epochs * per_epoch / 1e9;
}

struct PlanArgs {
  std::string sweep;
  std::vector<std::string> sets;
  bool json = false;
  std::string out;    // a result file: what a sweep into it would do
  std::string shard;  // "K/N": as advx sweep --shard
};

/// What `advx sweep … --out FILE` would find in FILE for this plan.
struct ResumeView {
  std::string note;                          // one line on the file, "" without --out
  std::map<std::string, std::string> status;  // trial id → status of its row (ok, diverged, failed)
  std::string shard;                          // the file's shard "K/N" ("" = unsharded)
  bool compared = false;                      // the file is of this sweep: status is meaningful
  std::map<std::string, std::string> data_fingerprints;  // the file's, by data settings
};

/// Reads --out (when given) and, for a file of the same sweep, switches `plan` to the file's axis order,
/// whose trial ids and seeds a resume uses. The shard is --shard's, else the label of a file with rows (as
/// `advx sweep` would find it).
ResumeView view_result_file(const PlanArgs& args, const SweepFile& sweep, SweepPlan& plan) {
  ResumeView v;
  if (args.out.empty() && !args.shard.empty())
    throw InputError("--shard: only with --out FILE (it says what `advx sweep --shard K/N` would run into FILE)");
  if (args.out.empty()) return v;
  if (!args.shard.empty()) {
    const auto [k, n] = parse_shard(args.shard);
    v.shard = fmt::format("{}/{}", k, n);
  }
  if (!std::filesystem::exists(args.out)) {
    v.note = fmt::format("{} does not exist yet: advx sweep would create it", args.out);
    v.compared = true;  // every trial (of the shard) to run
    return v;
  }
  const auto store = ResultStore::read(args.out);  // InputError names the file
  const auto& h = store.header();
  // The file's axis order only for a file of this sweep: for another, a --new run uses the sweep file's.
  auto in_file_order = h.grid_keys != plan.grid_keys ? make_plan(sweep, h.grid_keys) : plan;
  if (h.sweep_identity != in_file_order.identity) {
    v.note = fmt::format("{} holds results of another sweep{}: advx sweep refuses it unless --new moves it aside",
                         args.out, identity_change(h, sweep));
    return v;
  }
  plan = std::move(in_file_order);
  const std::string file_shard = store.attribute("shard");
  if (store.rows() > 0 && args.shard.empty()) v.shard = file_shard;
  if (store.rows() > 0 && file_shard != v.shard) {
    v.note = fmt::format("{} holds {}, this is {}: advx sweep refuses to mix them (give each shard its own file)",
                         args.out, file_shard.empty() ? "the unsharded run" : "shard " + file_shard,
                         v.shard.empty() ? "the unsharded run" : "shard " + v.shard);
    return v;
  }
  v.compared = true;
  v.data_fingerprints = h.data_fingerprints;
  for (std::size_t r = 0; r < store.rows(); ++r) v.status[store.column("trial_id").s[r]] = store.column("status").s[r];
  return v;
}

int run_plan_command(const PlanArgs& args) {
  const auto sweep = SweepFile::load(args.sweep, args.sets);
  auto plan = make_plan(sweep);
  const auto resume = view_result_file(args, sweep, plan);
  const bool json = args.json;
  const auto& base = sweep.base();
  // Data shape for the cost estimate: the real data when it is there, the synthetic settings otherwise.
  double users = 0, items = 0, nnz = 0;
  std::string shape_note, data_note;
  try {
    if (base.data.synthetic &&
        !std::filesystem::exists(synthetic_dataset_dir(base.data.path, {.users = base.data.synthetic_users,
                                                                        .items = base.data.synthetic_items,
                                                                        .seed = base.data.synthetic_seed}) /
                                 "ratings.dat")) {
      users = base.data.synthetic_users;
      items = base.data.synthetic_items;
      nnz = 0.026 * items;
      shape_note = "synthetic data (not generated yet)";
    } else {
      const auto d = load_trial_data(base.data);
      users = d.users();
      items = d.items();
      nnz = static_cast<double>(d.interactions.nnz()) / std::max(1, d.users());
      shape_note = d.source;
      // The check a sweep into --out would make first (for the base data; data on the grid: at run time).
      if (const auto it = resume.data_fingerprints.find(data_settings_text(base)); it != resume.data_fingerprints.end())
        if (const auto now = fingerprint(d); now != it->second)
          data_note = fmt::format("{}: its trials were trained on other data than {} holds now (data fingerprint {} → {}): "
                                  "advx sweep refuses it until the data is restored, or --new moves the file aside",
                                  args.out, base.data.path, it->second, now);
    }
  } catch (const InputError& e) {
    shape_note = fmt::format("data not readable ({})", e.what());
  }
  double total = 0;
  std::vector<double> costs;
  for (const auto& t : plan.trials) {
    const double g = users > 0 ? trial_gflop(trial_config(sweep, t), users, items, nnz) : 0.0;
    costs.push_back(g);
    total += g;
  }
  // A trial's state in --out: its row's status, "-" outside the file's shard, "" when a sweep would run it.
  std::int64_t shard_index = 0, shard_count = 1;
  if (!resume.shard.empty()) std::tie(shard_index, shard_count) = parse_shard(resume.shard);
  const auto status_of = [&](const TrialSpec& t) -> std::string {
    if (t.index % shard_count != shard_index) return "-";
    const auto it = resume.status.find(t.id);
    return it == resume.status.end() ? "" : it->second;
  };
  // Trials to run that a stopped run checkpointed: a sweep resumes them from there.
  std::set<std::string> checkpointed;
  if (resume.compared)
    for (const auto& t : plan.trials) {
      const auto st = status_of(t);
      std::error_code ec;
      if ((st.empty() || st == "failed") && std::filesystem::exists(checkpoint_dir(args.out) / (t.id + ".ckpt"), ec))
        checkpointed.insert(t.id);
    }
  const auto shown_status = [&](const TrialSpec& t) { return checkpointed.count(t.id) ? "checkpt" : status_of(t); };
  std::int64_t to_run = 0;
  for (const auto& t : plan.trials) {
    const auto st = status_of(t);
    to_run += (st.empty() || st == "failed") ? 1 : 0;
  }
  if (json) {
    nlohmann::ordered_json j;
    j["name"] = plan.name;
    j["identity"] = plan.identity;
    j["grid_keys"] = plan.grid_keys;
    j["replicates"] = plan.replicates;
    j["trials_count"] = plan.trials.size();
    j["estimated_gflop"] = total;
    j["data"] = shape_note;
    nlohmann::ordered_json trials = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < plan.trials.size(); ++i) {
      const auto& t = plan.trials[i];
      nlohmann::ordered_json p = nlohmann::ordered_json::object();
      for (const auto& [k, v] : t.assignments) p[k] = v;
      trials.push_back({{"index", t.index}, {"id", t.id}, {"replicate", t.replicate}, {"seed", t.seed}, {"params", p},
                        {"estimated_gflop", costs[i]}});
      if (resume.compared) trials.back()["in_file"] = shown_status(t);
    }
    j["trials"] = trials;
    if (!args.out.empty()) {
      j["result_file"] = {{"path", args.out}, {"note", data_note.empty() ? resume.note : data_note}};
      if (resume.compared) {
        j["result_file"]["shard"] = resume.shard;
        j["result_file"]["to_run"] = to_run;
        j["result_file"]["checkpointed"] = checkpointed.size();
      }
    }
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  if (resume.compared) {
    fmt::print("{:>5}  {:<16}  {:>20}  {:<8}  {}\n", "trial", "id", "seed", "in file", "settings");
    for (const auto& t : plan.trials)
      fmt::print("{:>5}  {:<16}  {:>20}  {:<8}  {}\n", t.index, t.id, t.seed, shown_status(t), t.label());
  } else {
    fmt::print("{:>5}  {:<16}  {:>20}  {}\n", "trial", "id", "seed", "settings");
    for (const auto& t : plan.trials) fmt::print("{:>5}  {:<16}  {:>20}  {}\n", t.index, t.id, t.seed, t.label());
  }
  fmt::print("sweep {} (identity {}): {} = {} × {}\n", plan.name, plan.identity,
             counted(plan.trials.size(), "trial"), counted(sweep.grid_points(), "grid point"),
             counted(plan.replicates, "replicate"));
  if (!resume.note.empty()) fmt::print("{}\n", resume.note);
  if (!data_note.empty()) fmt::print("{}\n", data_note);
  if (resume.compared) {
    std::int64_t done = 0, failed = 0, other_shard = 0;
    for (const auto& t : plan.trials) {
      const auto st = status_of(t);
      done += (st == "ok" || st == "diverged") ? 1 : 0;
      failed += st == "failed" ? 1 : 0;
      other_shard += st == "-" ? 1 : 0;
    }
    std::vector<std::string> of_them;
    if (failed > 0) of_them.push_back(fmt::format("{} of them failed before and run again", failed));
    if (!checkpointed.empty())
      of_them.push_back(fmt::format("{} of them resume from checkpoints in {}", checkpointed.size(),
                                    checkpoint_dir(args.out).string()));
    fmt::print("{}{}: {} done, {} to run{}\n", args.out,
               resume.shard.empty() ? "" : fmt::format(" (shard {}; '-' marks the other shards' trials)", resume.shard),
               done, to_run, of_them.empty() ? "" : fmt::format(" ({})", fmt::join(of_them, "; ")));
  }
  if (users > 0)
    fmt::print("estimated cost: {:.{}f} GFLOP in all, {:.1f} GFLOP per trial on {} ({:.0f} users × {:.0f} items); "
               "{} at 50 GFLOP/s\n",
               total, total < 10 ? 1 : 0, total / std::max<std::size_t>(1, plan.trials.size()), shape_note, users, items,
               total / 50.0 < 1.0      ? std::string("under a core-second")
               : total / 50.0 < 3600.0 ? fmt::format("≈ {:.0f} core-seconds", total / 50.0)
                                       : fmt::format("≈ {:.1f} core-hours", total / 50.0 / 3600.0));
  else
    fmt::print("estimated cost: unknown — {}\n", shape_note);
  return 0;
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
    std::size_t checkpoints_held = 0;
    for (const auto& e : std::filesystem::directory_iterator(checkpoint_dir(path), ec))
      checkpoints_held += e.path().extension() == ".ckpt" ? 1 : 0;
    if (checkpoints_held > 0)
      fmt::print("{} in {}: rerunning the sweep resumes them from there\n", counted(checkpoints_held, "trial checkpoint"),
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
  auto merged = ResultStore::open_for_sweep(out, header, false);
  merged.set_attribute("shard", label);
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
  sweep->add_option("--out", sa->out, "Result file (HDF5); rerunning resumes it")->required();
  sweep->add_option("--set", sa->sets, "Override a setting (key.path=value; grid.<key>=[...] changes an axis)");
  sweep->add_option("--threads", sa->threads, "oneDNN/OpenMP threads per rank (with mpirun, add --bind-to none for > 1)")
      ->check(in_range(1, 1024));
  sweep->add_flag("--new", sa->start_new, "Move an existing result file aside and start afresh");
  sweep->add_option("--shard", sa->shard, "Run only shard K of N (plan index mod N == K) into its own file; merge with `advx merge`");
  sweep->add_option("--checkpoint-every", sa->checkpoint_every,
                    "Also checkpoint trials every N epochs (they are always checkpointed on SIGUSR1/SIGTERM/SIGINT)")
      ->check(in_range(1, 1000000));
  sweep->callback([sa, &selected] { selected = [sa] { return run_sweep_command(*sa); }; });

  auto plan_args = std::make_shared<PlanArgs>();
  auto* plan = app.add_subcommand("plan", "List the trials of a sweep file, their count and estimated cost");
  plan->add_option("sweep-file", plan_args->sweep, "Sweep file (YAML)")->required();
  plan->add_option("--set", plan_args->sets, "Override a setting (key.path=value)");
  plan->add_option("--out", plan_args->out,
                   "A result file: mark which trials it holds and which `advx sweep --out` would run (in its ids and seeds)");
  plan->add_option("--shard", plan_args->shard, "With --out: as `advx sweep --shard K/N` (default: the file's shard)");
  plan->add_flag("--json", plan_args->json, "Print one JSON object");
  plan->callback([plan_args, &selected] { selected = [plan_args] { return run_plan_command(*plan_args); }; });

  auto merge_args = std::make_shared<std::pair<std::string, std::vector<std::string>>>();
  auto* merge = app.add_subcommand("merge", "Merge shard result files of one sweep into one file (each trial once)");
  merge->add_option("--out", merge_args->first, "Merged result file (created, or extended if it is of the same sweep)")->required();
  // Missing files are reported by the reader ("result file not found"), after a missing --out.
  merge->add_option("shard-files", merge_args->second, "Shard result files")->required();
  merge->callback([merge_args, &selected] {
    selected = [merge_args] { return run_merge_command(merge_args->first, merge_args->second); };
  });

  auto results_args = std::make_shared<std::pair<std::string, bool>>();
  auto* results = app.add_subcommand("results", "Summarise a result file, or print it as CSV (one row per trial and checkpoint)");
  results->add_option("result-file", results_args->first, "Result file (HDF5)")->required();
  results->add_flag("--csv", results_args->second, "Print CSV: trial_id, status, checkpoint, grid keys, seed, metrics (one row per trial and "
                    "checkpoint; a trial without checkpoint, one row with empty metrics)");
  results->callback([results_args, &selected] {
    selected = [results_args] { return run_results_command(results_args->first, results_args->second); };
  });
}

}  // namespace advx::cli
