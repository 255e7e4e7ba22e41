// `advx plan`: a sweep file's trials, their ids, seeds and cost; with --out, what a sweep into that result
// file would find there and run.

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/config/sweep_file.h"
#include "advx/data/dataset.h"
#include "advx/data/synthetic.h"
#include "advx/store/result_store.h"
#include "advx/sweep/sweep_plan.h"
#include "advx/sweep/sweep_runner.h"
#include "advx/train/trainer.h"
#include "commands.h"
#include "validators.h"

namespace advx::cli {

namespace {

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
  std::string grown;  // only the replicates changed: advx sweep resumes the file and runs the new ones
  if (h.sweep_identity != in_file_order.identity && (grown = replicate_growth(h, sweep)).empty()) {
    v.note = fmt::format("{} holds results of another sweep{}: advx sweep refuses it unless --new moves it aside",
                         args.out, identity_change(h, sweep));
    return v;
  }
  if (!grown.empty() && (!v.shard.empty() || !store.attribute("shard").empty())) {
    v.note = fmt::format("{}: {}: advx sweep refuses to grow a shard's replicates (merge the shards and run the "
                         "grown sweep unsharded into the merged file)",
                         args.out, grown);
    return v;
  }
  if (!grown.empty())
    v.note = fmt::format(
        "{}: {}; advx sweep keeps the earlier replicates' trials (same ids and seeds) and runs only the new ones",
        args.out, grown);
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
  // Data shape for the cost estimate, per data set the trials read (data.* may be grid axes): the real
  // data when it is there, the synthetic settings otherwise.
  struct Shape {
    double users = 0, items = 0, nnz = 0;  // nnz per user; users 0: unknown
    std::string note;
  };
  std::map<std::string, Shape> shapes;  // by data_settings_text, in the order first met
  std::vector<std::string> shape_order;
  std::string data_note;
  const auto shape_of = [&](const TrialConfig& config) -> const Shape& {
    const auto key = data_settings_text(config);
    if (const auto it = shapes.find(key); it != shapes.end()) return it->second;
    shape_order.push_back(key);
    Shape& sh = shapes[key];
    const auto& data = config.data;
    try {
      if (data.synthetic &&
          !std::filesystem::exists(synthetic_dataset_dir(data.path, {.users = data.synthetic_users,
                                                                     .items = data.synthetic_items,
                                                                     .seed = data.synthetic_seed}) /
                                   "ratings.dat")) {
        sh = {.users = static_cast<double>(data.synthetic_users), .items = static_cast<double>(data.synthetic_items),
              .nnz = 0.026 * data.synthetic_items, .note = "synthetic data (not generated yet)"};
      } else {
        const auto d = load_trial_data(data);
        sh = {.users = static_cast<double>(d.users()), .items = static_cast<double>(d.items()),
              .nnz = static_cast<double>(d.interactions.nnz()) / std::max(1, d.users()), .note = d.source};
        // The check a sweep into --out would make first.
        if (const auto it = resume.data_fingerprints.find(key); it != resume.data_fingerprints.end() && data_note.empty())
          if (const auto now = fingerprint(d); now != it->second)
            data_note = fmt::format("{}: its trials were trained on other data than {} holds now (data fingerprint {} → "
                                    "{}): advx sweep refuses it until the data is restored, or --new moves the file aside",
                                    args.out, data.path, it->second, now);
      }
    } catch (const InputError& e) {
      sh.note = fmt::format("data not readable ({})", e.what());
    }
    return sh;
  };
  double total = 0;
  bool unknown = false;
  std::vector<double> costs;
  for (const auto& t : plan.trials) {
    const auto config = trial_config(sweep, t);
    const Shape& sh = shape_of(config);
    unknown = unknown || sh.users <= 0;
    const double g = sh.users > 0 ? trial_gflop(config, sh.users, sh.items, sh.nnz) : 0.0;
    costs.push_back(g);
    total += g;
  }
  if (plan.trials.empty()) (void)shape_of(base);
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
    j["data"] = shape_order.empty() ? std::string() : shapes.at(shape_order.front()).note;  // the first data set
    nlohmann::ordered_json sets = nlohmann::ordered_json::array();
    for (const auto& key : shape_order) {
      const Shape& sh = shapes.at(key);
      // Counts as integers; null where the size is not known without loading the data (users 0).
      const auto count = [&](double v) {
        return sh.users > 0 ? nlohmann::ordered_json(static_cast<std::int64_t>(v)) : nlohmann::ordered_json();
      };
      sets.push_back({{"settings", key}, {"source", sh.note}, {"users", count(sh.users)}, {"items", count(sh.items)}});
    }
    j["data_sets"] = sets;  // every data set the trials read (data.* on the grid: several)
    nlohmann::ordered_json trials = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < plan.trials.size(); ++i) {
      const auto& t = plan.trials[i];
      nlohmann::ordered_json p = nlohmann::ordered_json::object();
      for (const auto& [k, v] : t.assignments) p[k] = v;
      // The seed also as text: JSON readers that hold numbers as doubles (jq) round seeds above 2^53, and
      // `--set seed=` with a rounded seed runs another trial without a word.
      trials.push_back({{"index", t.index}, {"id", t.id}, {"replicate", t.replicate}, {"seed", t.seed},
                        {"seed_text", std::to_string(t.seed)}, {"params", p}, {"estimated_gflop", costs[i]}});
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
    std::int64_t done = 0, failed = 0;
    for (const auto& t : plan.trials) {
      const auto st = status_of(t);
      done += (st == "ok" || st == "diverged") ? 1 : 0;
      failed += st == "failed" ? 1 : 0;
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
  std::vector<std::string> on;  // "SOURCE (U users × I items)" per data set
  std::string unreadable;
  for (const auto& key : shape_order) {
    const Shape& sh = shapes.at(key);
    if (sh.users > 0)
      on.push_back(fmt::format("{} ({:.0f} users × {:.0f} items)", sh.note, sh.users, sh.items));
    else if (unreadable.empty())
      unreadable = sh.note;
  }
  if (!unknown)
    fmt::print("estimated cost: {:.{}f} GFLOP in all, {:.1f} GFLOP per trial {}; {} at 50 GFLOP/s\n", total,
               total < 10 ? 1 : 0, total / std::max<std::size_t>(1, plan.trials.size()),
               on.size() > 1 ? fmt::format("on average over {} data sets ({})", on.size(), fmt::join(on, "; "))
                             : "on " + on.front(),
               total / 50.0 < 1.0      ? std::string("under a core-second")
               : total / 50.0 < 3600.0 ? fmt::format("≈ {:.0f} core-seconds", total / 50.0)
                                       : fmt::format("≈ {:.1f} core-hours", total / 50.0 / 3600.0));
  else
    fmt::print("estimated cost: unknown — {}\n", unreadable);
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, Command& selected) {
  auto plan_args = std::make_shared<PlanArgs>();
  auto* plan = app.add_subcommand("plan", "List the trials of a sweep file, their count and estimated cost");
  plan->add_option("sweep-file", plan_args->sweep, "Sweep file (YAML)")->required();
  plan->add_option("--set", plan_args->sets, "Override a setting (key.path=value)");
  plan->add_option("--out", plan_args->out,
                   "A result file: mark which trials it holds and which `advx sweep --out` would run "
                   "(in its ids and seeds)")
      ->check(non_empty("a result file name"));
  plan->add_option("--shard", plan_args->shard, "With --out: as `advx sweep --shard K/N` (default: the file's shard)");
  plan->add_flag("--json", plan_args->json, "Print one JSON object");
  plan->callback([plan_args, &selected] { selected = [plan_args] { return run_plan_command(*plan_args); }; });
}

}  // namespace advx::cli
