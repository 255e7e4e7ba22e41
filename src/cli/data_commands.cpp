// `advx data inspect` and `advx data synth`.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/data/dataset.h"
#include "advx/data/readers.h"
#include "advx/data/split.h"
#include "advx/data/split_export.h"
#include "advx/data/synthetic.h"
#include "commands.h"
#include "validators.h"

namespace advx::cli {

namespace {

/// Where the data comes from and how it is preprocessed and split; shared by inspect and export-split.
struct SourceArgs {
  std::string format;
  std::string path;
  PreprocessOptions preprocess;
  SplitOptions split;
};

struct InspectArgs : SourceArgs {
  bool json = false;
};

struct ExportArgs : SourceArgs {
  std::string out;
  bool force = false;
};

void add_source_options(CLI::App* cmd, SourceArgs& a) {
  cmd->add_option("--format", a.format, "Data format")
      ->required()
      ->check(CLI::IsMember({"movielens-1m", "movielens-100k", "csv"}));
  cmd->add_option("--path", a.path, "Directory holding the data files")->required();
  cmd->add_option("--min-rating", a.preprocess.min_rating, "Keep ratings/weights ≥ this")
      ->check(finite_number())
      ->capture_default_str();
  cmd->add_option("--min-user", a.preprocess.min_user, "k-core: minimum interactions per user")
      ->check(in_range(1, 1 << 30))
      ->capture_default_str();
  cmd->add_option("--min-item", a.preprocess.min_item, "k-core: minimum interactions per item")
      ->check(in_range(1, 1 << 30))
      ->capture_default_str();
  cmd->add_option("--folds", a.split.folds, "Number of user folds")->check(in_range(3, 1000))->capture_default_str();
  cmd->add_option("--seed", a.split.seed, "Split seed")->capture_default_str();
  cmd->add_option("--foldin", a.split.foldin, "Fraction of val/test interactions used as model input")
      ->check(in_range(0.0, 1.0, true))
      ->capture_default_str();
}

/// The data layer names its settings by their sweep keys (data.min_user); here they are these options.
InputError in_option_terms(const InputError& e) {
  std::string text = e.what();
  for (const auto& [key, option] : {std::pair{"data.min_rating", "--min-rating"}, std::pair{"data.min_user", "--min-user"},
                                    std::pair{"data.min_item", "--min-item"}, std::pair{"split.folds", "--folds"}})
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at))
      text.replace(at, std::string_view(key).size(), option);
  return InputError(text);
}

Dataset load(const SourceArgs& a) {
  try {
    return preprocess(read_raw_dataset(parse_data_format(a.format), a.path), a.preprocess);
  } catch (const InputError& e) {
    throw in_option_terms(e);
  }
}

/// make_fold_split, its errors in these options' terms (split.folds → --folds).
FoldSplit split_of(const Dataset& data, const SplitOptions& options) {
  try {
    return make_fold_split(data, options);
  } catch (const InputError& e) {
    throw in_option_terms(e);
  }
}

nlohmann::ordered_json attribute_summary(const AttributeColumn& col) {
  nlohmann::ordered_json j;
  j["missing"] = col.missing();
  if (col.is_categorical()) {
    j["type"] = "categorical";
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    std::vector<std::int64_t> n(col.labels().size(), 0);
    for (auto c : col.codes())
      if (c >= 0) n[static_cast<std::size_t>(c)]++;
    // Labels in numeric order when they are all numbers (ML-1M's occupation codes: 0, 1, 2, …, 10, not
    // 0, 1, 10, …); the class codes themselves stay in the data's order.
    const auto& labels = col.labels();
    std::vector<std::size_t> order(labels.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<double> numeric(labels.size());
    const bool all_numeric = std::all_of(order.begin(), order.end(), [&](std::size_t c) {
      const auto number = read_number(labels[c]);  // finite only: a "nan" label would break the sort's order
      numeric[c] = number.value;
      return number.finite();
    });
    if (all_numeric) std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return numeric[x] < numeric[y]; });
    for (const auto c : order) counts[labels[c]] = n[c];
    j["counts"] = counts;
  } else {
    j["type"] = "continuous";
    double s = 0, s2 = 0, lo = INFINITY, hi = -INFINITY;
    std::int64_t n = 0;
    for (auto v : col.values()) {
      if (std::isnan(v)) continue;
      s += v;
      s2 += static_cast<double>(v) * v;
      lo = std::min(lo, static_cast<double>(v));
      hi = std::max(hi, static_cast<double>(v));
      ++n;
    }
    const double mean = n ? s / n : NAN;
    j["count"] = n;
    j["mean"] = mean;
    j["std"] = n > 1 ? std::sqrt(std::max(0.0, (s2 - n * mean * mean) / (n - 1))) : NAN;
    j["min"] = n ? lo : NAN;  // no values: null in JSON, not ±inf
    j["max"] = n ? hi : NAN;
  }
  return j;
}

nlohmann::ordered_json inspect(const InspectArgs& a) {
  const auto format = parse_data_format(a.format);
  const Dataset data = load(a);
  nlohmann::ordered_json j;
  j["source"] = data.source;
  j["format"] = std::string(to_string(format));
  j["preprocess"] = {{"min_rating", a.preprocess.min_rating},
                     {"min_user", a.preprocess.min_user},
                     {"min_item", a.preprocess.min_item}};
  j["raw"] = {{"users", data.stats.raw_users}, {"items", data.stats.raw_items}, {"ratings", data.stats.raw_ratings},
              {"kept_ratings", data.stats.kept_ratings}};
  j["kcore_passes"] = data.stats.kcore_passes;
  j["users"] = data.users();
  j["items"] = data.items();
  j["interactions"] = data.interactions.nnz();
  j["density"] = data.density();
  nlohmann::ordered_json attrs = nlohmann::ordered_json::object();
  for (const auto& col : data.attributes.columns()) attrs[col.name()] = attribute_summary(col);
  j["attributes"] = attrs;

  nlohmann::ordered_json folds = nlohmann::ordered_json::array();
  for (std::int32_t f = 0; f < a.split.folds; ++f) {
    SplitOptions o = a.split;
    o.fold = f;
    const FoldSplit s = split_of(data, o);
    folds.push_back({{"fold", f},
                     {"items", s.items.size()},
                     {"dropped_items", s.dropped_items},
                     {"train_users", s.train_users.size()},
                     {"train_interactions", s.train.nnz()},
                     {"val_users", s.val.users.size()},
                     {"val_foldin", s.val.foldin.nnz()},
                     {"val_heldout", s.val.heldout.nnz()},
                     {"val_dropped_users", s.dropped_val_users},
                     {"test_users", s.test.users.size()},
                     {"test_foldin", s.test.foldin.nnz()},
                     {"test_heldout", s.test.heldout.nnz()},
                     {"test_dropped_users", s.dropped_test_users}});
  }
  j["split"] = {{"folds", a.split.folds}, {"seed", a.split.seed}, {"foldin", a.split.foldin}};
  j["per_fold"] = folds;
  return j;
}

void print_inspect(const nlohmann::ordered_json& j) {
  fmt::print("{}\n", j["source"].get<std::string>());
  fmt::print("  raw:        {} users, {} items, {} ratings ({} kept with rating ≥ {})\n", j["raw"]["users"].get<long>(),
             j["raw"]["items"].get<long>(), j["raw"]["ratings"].get<long>(), j["raw"]["kept_ratings"].get<long>(),
             j["preprocess"]["min_rating"].get<double>());
  fmt::print("  after core: {} users, {} items, {} interactions, density {:.4f} ({}-user/{}-item core, {})\n",
             j["users"].get<long>(), j["items"].get<long>(), j["interactions"].get<long>(), j["density"].get<double>(),
             j["preprocess"]["min_user"].get<int>(), j["preprocess"]["min_item"].get<int>(),
             counted(j["kcore_passes"].get<int>(), "pass", "passes"));
  fmt::print("  attributes:\n");
  for (const auto& [name, a] : j["attributes"].items()) {
    if (a["type"] == "categorical") {
      std::string parts;
      for (const auto& [label, n] : a["counts"].items()) parts += fmt::format(" {}={}", label, n.get<long>());
      fmt::print("    {:<12} categorical:{}", name, parts);
    } else {
      if (a["count"].get<long>() == 0)
        fmt::print("    {:<12} continuous: no values", name);
      else
        fmt::print("    {:<12} continuous: mean {:.2f}, std {:.2f}, range {:g}..{:g}", name, a["mean"].get<double>(),
                   a["std"].get<double>(), a["min"].get<double>(), a["max"].get<double>());
    }
    fmt::print("{}\n", a["missing"].get<long>() ? fmt::format(" (missing {})", a["missing"].get<long>()) : "");
  }
  fmt::print("  folds (seed {}, fold-in {}):\n", j["split"]["seed"].get<std::uint64_t>(), j["split"]["foldin"].get<double>());
  fmt::print("    {:>4} {:>6} {:>7} {:>10} {:>6} {:>8} {:>8} {:>6} {:>8} {:>8}\n", "fold", "items", "train", "train-nnz",
             "val", "v-foldin", "v-held", "test", "t-foldin", "t-held");
  for (const auto& f : j["per_fold"])
    fmt::print("    {:>4} {:>6} {:>7} {:>10} {:>6} {:>8} {:>8} {:>6} {:>8} {:>8}\n", f["fold"].get<int>(), f["items"].get<long>(),
               f["train_users"].get<long>(), f["train_interactions"].get<long>(), f["val_users"].get<long>(),
               f["val_foldin"].get<long>(), f["val_heldout"].get<long>(), f["test_users"].get<long>(),
               f["test_foldin"].get<long>(), f["test_heldout"].get<long>());
}

}  // namespace

void add_data_commands(CLI::App& app, Command& selected) {
  auto* data = app.add_subcommand("data", "Read, check and generate data sets");
  data->require_subcommand(1);

  auto args = std::make_shared<InspectArgs>();
  auto* insp = data->add_subcommand("inspect", "Preprocess a data set and print its counts and per-fold split sizes");
  add_source_options(insp, *args);
  insp->add_flag("--json", args->json, "Print one JSON object instead of the table");
  insp->callback([args, &selected] {
    selected = [args] {
      const auto j = inspect(*args);
      if (args->json)
        std::cout << j.dump(2) << '\n';
      else
        print_inspect(j);
      return 0;
    };
  });

  auto exp = std::make_shared<ExportArgs>();
  auto* ex = data->add_subcommand("export-split",
                                  "Write one fold's split as TSV files (for an independent implementation to train on)");
  add_source_options(ex, *exp);
  ex->add_option("--fold", exp->split.fold, "Fold to export")->capture_default_str();
  ex->add_option("--out", exp->out, "Output directory (created)")
      ->required()
      ->check(non_empty("a directory", false));
  ex->add_flag("--force", exp->force, "Replace a split already exported to --out");
  ex->callback([exp, &selected] {
    selected = [exp] {
      if (exp->split.fold < 0 || exp->split.fold >= exp->split.folds)
        throw InputError(fmt::format("--fold: expected 0..{} for --folds {}, got {}", exp->split.folds - 1,
                                     exp->split.folds, exp->split.fold));
      // Another fold or seed written over an export would leave a reader comparing against other splits.
      for (const char* name : {"meta.json", "train.tsv"})
        if (!exp->force && std::filesystem::exists(std::filesystem::path(exp->out) / name))
          throw InputError(fmt::format("{}: already holds an exported split ({}); choose another --out, or pass "
                                       "--force to replace it",
                                       exp->out, name));
      const Dataset data = load(*exp);
      const FoldSplit split = split_of(data, exp->split);
      export_split(data, split, exp->split, exp->out);
      fmt::print("wrote fold {} of {} to {}: {} items, {} train / {} val / {} test users\n", split.fold, data.source,
                 exp->out, split.items.size(), split.train_users.size(), split.val.users.size(), split.test.users.size());
      return 0;
    };
  });

  auto synth = std::make_shared<std::pair<std::string, SyntheticOptions>>();
  auto* syn = data->add_subcommand("synth", "Write a synthetic data set with planted attribute signal (MovieLens-1M format)");
  syn->add_option("--out", synth->first, "Output directory (created)")
      ->required()
      ->check(non_empty("a directory", false));
  syn->add_option("--users", synth->second.users, "Number of users")->check(in_range(10, 10'000'000))->capture_default_str();
  syn->add_option("--items", synth->second.items, "Number of items")->check(in_range(50, 10'000'000))->capture_default_str();
  syn->add_option("--seed", synth->second.seed, "Generator seed")->capture_default_str();
  syn->add_option("--signal", synth->second.signal, "Strength of the planted attribute signal (0 = none)")
      ->check(in_range(0.0, 100.0))
      ->capture_default_str();
  syn->add_option("--taste", synth->second.taste, "Spread of each user's attribute-independent taste (sd per cluster)")
      ->check(in_range(0.0, 100.0))
      ->capture_default_str();
  syn->add_option("--clusters", synth->second.clusters, "Item taste clusters, 2..items/5 [default: min(16, items/5)]")
      ->check(in_range(2, 100000));
  auto force = std::make_shared<bool>(false);
  syn->add_flag("--force", *force, "Replace a data set already in --out");
  syn->callback([synth, force, &selected] {
    selected = [synth, force] {
      // Never over real data by accident: --out may be a copy of MovieLens-1M (the same file names).
      for (const char* name : {"ratings.dat", "users.dat", "movies.dat"})
        if (!*force && std::filesystem::exists(std::filesystem::path(synth->first) / name))
          throw InputError(fmt::format("{}: already holds a data set ({}); choose another --out, or pass --force to "
                                       "replace it",
                                       synth->first, name));
      const auto s = write_synthetic_movielens(synth->first, synth->second);
      fmt::print("wrote {}/{{ratings,users,movies}}.dat: {} users ({} f), {} items, {} ratings ({} with rating ≥ 4)\n",
                 synth->first, synth->second.users, s.female, synth->second.items, s.ratings, s.ratings_ge4);
      fmt::print("inspect it with: advx data inspect --format movielens-1m --path {}\n", synth->first);
      return 0;
    };
  });
}

}  // namespace advx::cli
