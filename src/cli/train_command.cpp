// `advx train SWEEP.yaml [--set key=value ...] [--json]`: one trial from a sweep file's base settings.

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/config/sweep_file.h"
#include "advx/train/trainer.h"
#include "commands.h"
#include "validators.h"

namespace advx::cli {

namespace {

struct TrainArgs {
  std::string sweep;
  std::vector<std::string> sets;
  bool json = false;
  int threads = 0;
  int progress = 0;  ///< +1 --progress, −1 --no-progress, 0: when stderr is a terminal
};

/// JSON numbers cannot be NaN/Inf; those become null.
nlohmann::ordered_json number(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(); }

nlohmann::ordered_json to_json(const TrialConfig& config, const TrialResult& r) {
  nlohmann::ordered_json j;
  j["name"] = config.name;
  j["status"] = r.status;
  // Always present, as in the result file (SCHEMA: "" and −1 unless the trial failed or diverged).
  j["message"] = r.message;
  j["diverged_epoch"] = r.diverged_epoch;
  j["epochs_run"] = r.epochs_run;
  j["seconds_per_epoch"] = r.seconds_per_epoch;
  j["seconds_total"] = r.seconds_total;
  j["threads"] = config.threads;
  j["seed"] = config.seed;
  // As plan --json has it: tools that read JSON numbers as doubles (jq) round 64-bit seeds.
  j["seed_text"] = std::to_string(config.seed);
  for (const auto& cp : r.checkpoints) {
    j[cp.name + ".epoch"] = cp.epoch;
    for (const auto& [k, v] : cp.metrics) j[cp.name + "." + k] = number(v);
  }
  // A trial that diverged has no last checkpoint, and none at all in its first epoch: their keys are
  // there, null (the result file's NaN and −1), so a script reading last.* or best.* gets a missing value
  // rather than a KeyError.
  for (const char* name : {"best", "last"}) {
    const std::string cp = name;
    if (std::any_of(r.checkpoints.begin(), r.checkpoints.end(), [&](const auto& c) { return c.name == cp; })) continue;
    j[cp + ".epoch"] = -1;
    for (const auto& k : checkpoint_metric_names(config)) j[cp + "." + k] = nullptr;
  }
  nlohmann::ordered_json curves;
  auto column = [&](const char* key, auto get) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& e : r.curves) a.push_back(number(get(e)));
    curves[key] = a;
  };
  column("train_loss", [](const EpochRecord& e) { return e.train_loss; });
  column("train_vae_loss", [](const EpochRecord& e) { return e.train_vae; });
  column("val_loss", [](const EpochRecord& e) { return e.val_loss; });
  column(("val." + config.train.select).c_str(), [](const EpochRecord& e) { return e.val_select; });
  column("lr", [](const EpochRecord& e) { return e.lr; });
  column("epoch_seconds", [](const EpochRecord& e) { return e.seconds; });
  for (std::size_t g = 0; g < r.adversaries.size(); ++g)
    column(("adv_loss." + r.adversaries[g]).c_str(), [g](const EpochRecord& e) { return e.adversary_loss[g]; });
  j["curves"] = curves;
  return j;
}

/// One stderr line per epoch (counted from 1, as the summary's epochs are), so a long trial shows it is
/// alive and whether it is learning; the last one announces the test/attacker phase, which takes a while.
class EpochProgress {
 public:
  explicit EpochProgress(const TrialConfig& config) : config_(config) {}
  void operator()(const EpochRecord& e) {
    const bool best = e.val_select >= best_;  // ties go to the later epoch, as the trainer's selection
    if (best) {
      best_ = e.val_select;
      best_epoch_ = e.epoch;
    }
    std::string adversaries;
    for (std::size_t g = 0; g < e.adversary_loss.size() && g < config_.model.adversaries.size(); ++g)
      adversaries += fmt::format(", {} {:.4g}", config_.model.adversaries[g].attribute, e.adversary_loss[g]);
    const int width = static_cast<int>(std::to_string(config_.train.epochs).size());
    std::cerr << fmt::format("epoch {:>{}}/{}  loss {:.4g} (vae {:.4g}{})  val {} {:.4f} {}  lr {:.3g}  {:.2f} s\n",
                             e.epoch + 1, width, config_.train.epochs, e.train_loss, e.train_vae, adversaries,
                             config_.train.select, e.val_select,
                             best ? std::string("(best)") : fmt::format("(best {:.4f}, epoch {})", best_, best_epoch_ + 1),
                             e.lr, e.seconds);
    if (e.epoch + 1 == config_.train.epochs)
      std::cerr << "testing the best and last checkpoints and training their attackers…\n";
    std::cerr.flush();
  }

 private:
  const TrialConfig& config_;
  double best_ = -std::numeric_limits<double>::infinity();
  std::int32_t best_epoch_ = -1;
};

void print_summary(const TrialConfig& config, const TrialResult& r) {
  fmt::print("trial {} (seed {}): {} after {} ({:.3f} s/epoch, {:.1f} s total, {})\n", config.name, config.seed,
             r.status, counted(r.epochs_run, "epoch"), r.seconds_per_epoch, r.seconds_total,
             counted(config.threads, "thread"));
  if (!r.message.empty()) fmt::print("  {}\n", r.message);
  // Counted from 1 here, as "after N epochs" is; the result file's and --json's <checkpoint>.epoch count from 0.
  for (const auto& cp : r.checkpoints) {
    fmt::print("  {:<4} (epoch {:>3}):", cp.name, cp.epoch + 1);
    for (const char* key : {"test.ndcg@10", "test.recall@10"})
      if (cp.metrics.count(key)) fmt::print("  {} {:.4f}", key, cp.metrics.at(key));
    for (const auto& [k, v] : cp.metrics)
      if (k.rfind("attack.", 0) == 0 && k.find("_batch") == std::string::npos) fmt::print("  {} {:.4f}", k, v);
    fmt::print("\n");
  }
}

}  // namespace

void add_train_command(CLI::App& app, Command& selected) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Run one trial from a sweep file's base settings (the grid is ignored)");
  cmd->add_option("sweep-file", args->sweep, "Sweep file (YAML)")->required();
  cmd->add_option("--set", args->sets, "Override a setting: key.path=value (repeatable), e.g. --set train.epochs=5");
  cmd->add_option("--threads", args->threads, "oneDNN/OpenMP threads (overrides the file's `threads`)")
      ->check(in_range(1, 1024));
  cmd->add_flag("--json", args->json, "Print one JSON object (metrics per checkpoint, curves) instead of a summary");
  cmd->add_flag("--progress,!--no-progress", args->progress,
                "A line per epoch on stderr (loss, validation metric, seconds); default: when stderr is a terminal")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // the last of the two given wins (no sum)
  cmd->callback([args, &selected] {
    selected = [args] {
      const auto sweep = SweepFile::load(args->sweep, args->sets);
      TrialConfig config = sweep.base();
      if (args->threads > 0) config.threads = args->threads;
      bool seed_set = false;
      for (const auto& set : args->sets) {
        const auto key = override_key(set);
        seed_set = seed_set || key == "seed";
        if (key.rfind("grid.", 0) == 0)
          std::cerr << fmt::format("note: advx train runs the base settings and ignores --set {}=… (a single value: "
                                   "--set {}=VALUE)\n", key, key.substr(5));
      }
      // The seeds: list is the sweep's replicate axis, as the grid is its other axes: one trial runs here.
      if (!sweep.seeds().empty() && !seed_set)
        std::cerr << fmt::format("note: advx train runs one trial with seed {} (the file's seed:), which the sweep's "
                                 "replicates do not use: they run seeds: {} (--set seed={} trains with the first)\n",
                                 config.seed, fmt::join(sweep.seeds(), ", "), sweep.seeds().front());
      const Dataset data = [&] {
        try {
          return load_trial_data(config.data);
        } catch (const InputError& e) {
          throw InputError(fmt::format("{}: data: {}", args->sweep, e.what()));
        }
      }();
      try {
        check_trial_data(config, data);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", args->sweep, e.what()));
      }
      const bool progress = args->progress > 0 || (args->progress == 0 && ::isatty(STDERR_FILENO) != 0);
      EpochProgress report(config);
      const TrialResult result = progress ? run_trial(config, data, std::ref(report)) : run_trial(config, data);
      if (args->json)
        std::cout << to_json(config, result).dump(2) << '\n';
      else
        print_summary(config, result);
      return result.status == "ok" ? 0 : 1;
    };
  });
}

}  // namespace advx::cli
