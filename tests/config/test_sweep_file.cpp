#include "advx/config/sweep_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "advx/common/error.h"
#include "advx/config/key_reference.h"
#include "advx/config/trial_settings.h"

namespace advx {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = ADVX_SOURCE_DIR;

/// A sweep file written into a fresh temporary directory, removed with the object.
class TempSweep {
 public:
  explicit TempSweep(const std::string& text, const std::string& file = "sweep.yaml") {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("advx-config-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_);
    path_ = dir_ / file;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempSweep() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempSweep(const TempSweep&) = delete;
  TempSweep& operator=(const TempSweep&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path dir_, path_;
};

/// The message of the InputError `load` throws, or a failure when it throws nothing.
::testing::AssertionResult fails_with(const fs::path& path, const std::vector<std::string>& overrides,
                                      const std::string& fragment) {
  try {
    (void)SweepFile::load(path, overrides);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    if (msg.rfind(path.string(), 0) != 0) {
      return ::testing::AssertionFailure() << "message does not start with the file's path:\n  " << msg;
    }
    if (msg.find(fragment) == std::string::npos) {
      return ::testing::AssertionFailure() << "\n  message:  " << msg << "\n  expected: " << fragment;
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << path << " loaded without error";
}

const std::string kMinimal = "data: {format: movielens-1m, path: data/ml-1m}\n";

// ---- The bad-config corpus: tests/config/bad/<case>.yaml. Line 1 is `# expect: <fragment>`; a fragment
// starting with ':' is appended to the file's path (so it pins the line). `# set: key=value` lines are
// passed as overrides.
struct BadCase {
  std::string name;
  fs::path path;
  std::string expect;
  std::vector<std::string> overrides;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::vector<BadCase> load_bad_cases() {
  std::vector<BadCase> cases;
  for (const auto& entry : fs::directory_iterator(kSource / "tests/config/bad")) {
    BadCase c{entry.path().stem().string(), entry.path(), "", {}};
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("# expect: ", 0) == 0) c.expect = line.substr(10);
      if (line.rfind("# set: ", 0) == 0) c.overrides.push_back(line.substr(7));
    }
    if (!c.expect.empty() && c.expect.front() == ':') c.expect = entry.path().string() + c.expect;
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

class BadConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, FailsNamingFileLineAndKey) {
  const auto& c = GetParam();
  ASSERT_FALSE(c.expect.empty()) << c.path << " has no '# expect: ' line";
  EXPECT_TRUE(fails_with(c.path, c.overrides, c.expect));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadConfig, ::testing::ValuesIn(load_bad_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(BadConfigCorpus, IsLargeEnough) { EXPECT_GE(load_bad_cases().size(), 15u); }

TEST(SweepFileErrors, MissingFile) {
  EXPECT_TRUE(fails_with("/nonexistent/sweep.yaml", {}, "/nonexistent/sweep.yaml: no such sweep file"));
}

TEST(SweepFileErrors, Directory) {
  TempSweep t(kMinimal);
  EXPECT_TRUE(fails_with(t.path().parent_path(), {}, "is a directory"));
}

TEST(SweepFileErrors, TotallyEmptyFile) {
  TempSweep t("");
  EXPECT_TRUE(fails_with(t.path(), {}, t.path().string() + ": the file is empty"));
}

TEST(SweepFileErrors, NameFromAnInvalidFileName) {
  // The name goes into output and SLURM job names: "my sweep" would be cut at the blank by sbatch.
  TempSweep t(kMinimal, "my sweep.yaml");
  EXPECT_TRUE(fails_with(t.path(), {}, t.path().string() + ": the sweep takes its name from the file's, 'my sweep', which is not a valid name"));
  TempSweep named("name: mine\n" + kMinimal, "my sweep.yaml");
  EXPECT_EQ(SweepFile::load(named.path()).name(), "mine");
}

TEST(SweepFileErrors, OverrideWithInvalidYaml) {
  TempSweep t(kMinimal);
  EXPECT_TRUE(fails_with(t.path(), {"model.hidden=[600, 200"}, "--set: model.hidden: invalid YAML value '[600, 200'"));
}

TEST(SweepFileErrors, OverrideWithoutKey) {
  TempSweep t(kMinimal);
  EXPECT_TRUE(fails_with(t.path(), {"=5"}, "--set: '=5': expected key=value"));
  EXPECT_TRUE(fails_with(t.path(), {"  =5"}, "--set: '  =5': expected key=value"));
  EXPECT_TRUE(fails_with(t.path(), {"train.epochs"}, "--set: 'train.epochs': expected key=value"));
}

TEST(SweepFile, OverrideKeyIsTheTrimmedTextBeforeTheFirstEquals) {
  EXPECT_EQ(override_key("train.epochs=5"), "train.epochs");
  EXPECT_EQ(override_key(" \tgrid.model.latent = [8, 16]"), "grid.model.latent");
  EXPECT_EQ(override_key("data.path=a=b"), "data.path");
  EXPECT_EQ(override_key("=5"), "");
  EXPECT_EQ(override_key("   =5"), "");
  EXPECT_EQ(override_key("train.epochs"), "");
  EXPECT_EQ(override_key(""), "");
}

TEST(SweepFile, OverrideKeysIgnoreSurroundingSpaces) {
  TempSweep t(kMinimal);
  const auto sweep = SweepFile::load(t.path(), {" train.epochs = 7", "grid.model.latent =[8, 16]"});
  EXPECT_EQ(sweep.base().train.epochs, 7);
  ASSERT_EQ(sweep.grid().size(), 1u);
  EXPECT_EQ(sweep.grid()[0].key, "model.latent");
}

TEST(SweepFileErrors, OverrideOfUnknownGridKey) {
  TempSweep t(kMinimal);
  EXPECT_TRUE(fails_with(t.path(), {"grid.model.latnet=[1, 2]"},
                         "--set: grid: unknown key 'model.latnet' (did you mean 'model.latent'?)"));
}

TEST(SweepFileErrors, OverriddenGridValuesHaveNoLineOfTheFile) {
  // The values of a --set axis were parsed from the --set text: "FILE:1:" would point at the wrong line.
  TempSweep t(kMinimal);
  EXPECT_TRUE(fails_with(t.path(), {"grid.model.latent=[8, 8]"},
                         t.path().string() + ": --set grid: model.latent: value 8 appears twice"));
}

TEST(SweepFileErrors, TrialWithBadAssignmentNamesPointAndKey) {
  TempSweep t(kMinimal);
  const auto sweep = SweepFile::load(t.path());
  try {
    (void)sweep.trial({{"model.latent", "64"}, {"train.lr", "-1"}});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), t.path().string() +
                                         ": grid point model.latent=64, train.lr=-1: train.lr: expected a number > 0, "
                                         "found '-1'");
  }
  EXPECT_THROW((void)sweep.trial({{"model.latnet", "64"}}), InputError);
  EXPECT_THROW((void)sweep.trial({{"seeds", "[1]"}}), InputError);
}

// ---- Valid files.

TEST(SweepFile, MinimalFileGivesTheReferenceDefaults) {
  TempSweep t(kMinimal, "my-sweep.yaml");
  const auto sweep = SweepFile::load(t.path());
  const TrialConfig& c = sweep.base();
  EXPECT_EQ(sweep.name(), "my-sweep");
  EXPECT_EQ(sweep.text(), kMinimal);
  EXPECT_EQ(sweep.path(), t.path().string());
  EXPECT_EQ(c.data.format, DataFormat::kMovieLens1M);
  EXPECT_FALSE(c.data.synthetic);
  EXPECT_EQ(c.data.path, "data/ml-1m");
  EXPECT_EQ(c.data.preprocess.min_rating, 4.0f);
  EXPECT_EQ(c.split.folds, 5);
  EXPECT_EQ(c.split.seed, 42u);
  EXPECT_EQ(c.model.latent, 100);
  EXPECT_TRUE(c.model.hidden.empty());
  EXPECT_FLOAT_EQ(c.model.beta, 0.8f);
  EXPECT_EQ(c.train.epochs, 200);
  EXPECT_EQ(c.train.batch_size, 64);
  EXPECT_EQ(c.train.select, "ndcg@10");
  EXPECT_EQ(c.train.mask, FoldInMask::kNegInfinity);
  EXPECT_EQ(c.attackers.epochs, 50);
  EXPECT_FLOAT_EQ(c.attackers.dropout, 0.5f);
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.threads, 1);
  EXPECT_TRUE(c.attributes.empty());
  EXPECT_TRUE(c.model.adversaries.empty());
  EXPECT_TRUE(sweep.grid().empty());
  EXPECT_EQ(sweep.grid_points(), 1);
  EXPECT_TRUE(sweep.seeds().empty());
  EXPECT_EQ(sweep.replicates(), 1);
}

TEST(SweepFile, ReadsEveryKind) {
  TempSweep t(R"(name: full
seed: 7
threads: 2
seeds: [3, 1, 2]
data: {format: synthetic, path: /tmp/x, users: 300, items: 200, seed: 9, min_rating: 3.5}
attributes:
  gender: {type: categorical, class_weights: {m: 0.3, f: 0.7}}
  age: {type: continuous, target: minmax}
  occupation: {type: categorical}
split: {folds: 4, fold: 3, seed: 5, foldin: 0.25}
model: {latent: 50, hidden: [600, 200], activation: sigmoid, input_dropout: 0.5, beta: 0.2}
train: {epochs: 3, batch_size: 16, lr: 1e-2, weight_decay: 0, adv_lr: 2e-3, adv_weight_decay: 0.5,
        plateau_factor: 0.5, plateau_patience: 2, min_lr: 1e-5, select: recall@20, mask: reference_zero, ks: [20, 5]}
adversaries:
  gender: {lambda: 200, loss_weight: 2, heads: 3, hidden: [], dropout: 0.1, input: mu}
  age: {lambda: 1.5}
attackers: {epochs: 5, batch_size: 8, hidden: [7, 3], dropout: 0, lr: 1e-2, weight_decay: 1e-3}
)");
  const auto sweep = SweepFile::load(t.path());
  const TrialConfig& c = sweep.base();
  EXPECT_EQ(c.name, "full");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.threads, 2);
  EXPECT_EQ(sweep.seeds(), (std::vector<std::uint64_t>{3, 1, 2}));
  EXPECT_EQ(sweep.replicates(), 3);
  EXPECT_TRUE(c.data.synthetic);
  EXPECT_EQ(c.data.format, DataFormat::kMovieLens1M);
  EXPECT_EQ(c.data.synthetic_users, 300);
  EXPECT_EQ(c.data.synthetic_items, 200);
  EXPECT_EQ(c.data.synthetic_seed, 9u);
  EXPECT_EQ(c.data.preprocess.min_rating, 3.5f);
  ASSERT_EQ(c.attributes.size(), 3u);  // sorted by name
  EXPECT_EQ(c.attributes[0].name, "age");
  EXPECT_FALSE(c.attributes[0].categorical);
  EXPECT_EQ(c.attributes[0].target, TargetTransform::kMinMax);
  EXPECT_EQ(c.attributes[1].name, "gender");
  EXPECT_EQ(c.attributes[1].class_weights, (std::map<std::string, double>{{"f", 0.7}, {"m", 0.3}}));
  EXPECT_EQ(c.attributes[2].name, "occupation");
  EXPECT_TRUE(c.attributes[2].class_weights.empty());
  EXPECT_EQ(c.split.folds, 4);
  EXPECT_EQ(c.split.fold, 3);
  EXPECT_EQ(c.split.seed, 5u);
  EXPECT_DOUBLE_EQ(c.split.foldin, 0.25);
  EXPECT_EQ(c.model.latent, 50);
  EXPECT_EQ(c.model.hidden, (std::vector<std::int32_t>{600, 200}));
  EXPECT_EQ(c.model.activation, Activation::kSigmoid);
  EXPECT_FLOAT_EQ(c.model.input_dropout, 0.5f);
  EXPECT_FLOAT_EQ(c.model.beta, 0.2f);
  EXPECT_EQ(c.train.epochs, 3);
  EXPECT_EQ(c.train.batch_size, 16);
  EXPECT_DOUBLE_EQ(c.train.lr, 1e-2);
  EXPECT_DOUBLE_EQ(c.train.weight_decay, 0);
  EXPECT_DOUBLE_EQ(c.train.adv_lr, 2e-3);
  EXPECT_DOUBLE_EQ(c.train.adv_weight_decay, 0.5);
  EXPECT_DOUBLE_EQ(c.train.plateau_factor, 0.5);
  EXPECT_EQ(c.train.plateau_patience, 2);
  EXPECT_DOUBLE_EQ(c.train.min_lr, 1e-5);
  EXPECT_EQ(c.train.select, "recall@20");
  EXPECT_EQ(c.train.mask, FoldInMask::kReferenceZero);
  EXPECT_EQ(c.train.ks, (std::vector<int>{20, 5}));
  ASSERT_EQ(c.model.adversaries.size(), 2u);
  const AdversaryConfig& age = c.model.adversaries[0];
  EXPECT_EQ(age.attribute, "age");
  EXPECT_FALSE(age.categorical);
  EXPECT_EQ(age.classes, 1);
  EXPECT_DOUBLE_EQ(age.lambda, 1.5);
  EXPECT_EQ(age.head.activation, Activation::kSigmoid);  // continuous default, as the reference
  EXPECT_EQ(age.head.heads, 10);
  EXPECT_EQ(age.input, AdversaryInput::kSample);  // the reference's default (REFERENCE Q5)
  const AdversaryConfig& gender = c.model.adversaries[1];
  EXPECT_EQ(gender.attribute, "gender");
  EXPECT_TRUE(gender.categorical);
  EXPECT_EQ(gender.head.activation, Activation::kReLU);
  EXPECT_DOUBLE_EQ(gender.lambda, 200);
  EXPECT_DOUBLE_EQ(gender.loss_weight, 2);
  EXPECT_EQ(gender.head.heads, 3);
  EXPECT_TRUE(gender.head.hidden.empty());
  EXPECT_FLOAT_EQ(gender.head.dropout, 0.1f);
  EXPECT_EQ(gender.input, AdversaryInput::kMean);
  EXPECT_EQ(c.attackers.epochs, 5);
  EXPECT_EQ(c.attackers.batch_size, 8);
  EXPECT_EQ(c.attackers.hidden, (std::vector<std::int32_t>{7, 3}));
  EXPECT_FLOAT_EQ(c.attackers.dropout, 0.0f);
  EXPECT_DOUBLE_EQ(c.attackers.lr, 1e-2);
  EXPECT_DOUBLE_EQ(c.attackers.weight_decay, 1e-3);
}

TEST(SweepFile, EmptySectionsMeanDefaults) {
  TempSweep t(kMinimal + "model:\nattributes:\n  occupation: {type: categorical}\nadversaries:\n  occupation:\n");
  const auto sweep = SweepFile::load(t.path());
  ASSERT_EQ(sweep.base().model.adversaries.size(), 1u);
  EXPECT_EQ(sweep.base().model.adversaries[0].head.heads, 10);
  EXPECT_EQ(sweep.replicates(), 1);
}

TEST(SweepFile, ReplicatesWithoutSeeds) {
  TempSweep t(kMinimal + "replicates: 4\n");
  const auto sweep = SweepFile::load(t.path());
  EXPECT_TRUE(sweep.seeds().empty());
  EXPECT_EQ(sweep.replicates(), 4);
}

TEST(SweepFile, OverridesReplacePinAndAddAxes) {
  TempSweep t(kMinimal + R"(attributes: {gender: {type: categorical}}
adversaries: {gender: {lambda: 0}}
grid:
  adversaries.gender.lambda: [0, 1, 200]
  split.fold: [0, 1, 2, 3, 4]
)");
  const auto sweep = SweepFile::load(t.path(), {"model.latent=64", "model.hidden=[600, 200]", "train.lr=1e-2",
                                                "split.fold=2", "grid.train.epochs=[1, 2]",
                                                "attributes.age.type=continuous", "adversaries.age.activation=relu",
                                                "data.path=../elsewhere"});
  const TrialConfig& c = sweep.base();
  EXPECT_EQ(c.model.latent, 64);
  EXPECT_EQ(c.model.hidden, (std::vector<std::int32_t>{600, 200}));
  EXPECT_DOUBLE_EQ(c.train.lr, 1e-2);
  EXPECT_EQ(c.split.fold, 2);
  EXPECT_EQ(c.data.path, "../elsewhere");
  ASSERT_EQ(c.attributes.size(), 2u);
  ASSERT_EQ(c.model.adversaries.size(), 2u);
  EXPECT_EQ(c.model.adversaries[0].attribute, "age");
  EXPECT_EQ(c.model.adversaries[0].head.activation, Activation::kReLU);
  ASSERT_EQ(sweep.grid().size(), 2u);  // split.fold pinned, train.epochs added
  EXPECT_EQ(sweep.grid()[0].key, "adversaries.gender.lambda");
  EXPECT_EQ(sweep.grid()[1].key, "train.epochs");
  EXPECT_EQ(sweep.grid()[1].values, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(sweep.grid_points(), 6);
  // The file's text is what was read, not the overridden settings.
  EXPECT_EQ(sweep.text().find("latent"), std::string::npos);
}

TEST(SweepFile, GridValuesAreCanonicalAndTrialsApplyThem) {
  TempSweep t(kMinimal + R"(attributes: {gender: {type: categorical}}
grid:
  adversaries.gender.lambda: [0, 1.0e+2, 2e2]
  train.lr: [1.0e-3, 0.01]
  model.hidden: [[], [600, 200]]
  attributes.gender.class_weights: [{m: 0.28, f: 0.72}]
)");
  const auto sweep = SweepFile::load(t.path());
  ASSERT_EQ(sweep.grid().size(), 4u);
  EXPECT_EQ(sweep.grid()[0].values, (std::vector<std::string>{"0", "100", "200"}));
  EXPECT_EQ(sweep.grid()[1].values, (std::vector<std::string>{"0.001", "0.01"}));
  EXPECT_EQ(sweep.grid()[2].values, (std::vector<std::string>{"[]", "[600, 200]"}));
  EXPECT_EQ(sweep.grid()[3].values, (std::vector<std::string>{"{f: 0.72, m: 0.28}"}));
  EXPECT_EQ(sweep.grid_points(), 12);
  // The base has no gender adversary; a grid point over its λ adds one with defaults.
  EXPECT_TRUE(sweep.base().model.adversaries.empty());
  GridAssignment point;
  for (const auto& axis : sweep.grid()) point.emplace_back(axis.key, axis.values.back());
  const TrialConfig trial = sweep.trial(point);
  ASSERT_EQ(trial.model.adversaries.size(), 1u);
  EXPECT_DOUBLE_EQ(trial.model.adversaries[0].lambda, 200);
  EXPECT_DOUBLE_EQ(trial.train.lr, 0.01);
  EXPECT_EQ(trial.model.hidden, (std::vector<std::int32_t>{600, 200}));
  EXPECT_DOUBLE_EQ(trial.attributes[0].class_weights.at("f"), 0.72);
  // Canonical values round-trip: a trial's settings show exactly the grid's text.
  const auto settings = trial_settings(trial);
  for (const auto& [key, value] : point) {
    const auto it = std::find_if(settings.begin(), settings.end(), [&](const auto& kv) { return kv.first == key; });
    ASSERT_NE(it, settings.end()) << key;
    EXPECT_EQ(it->second, value) << key;
  }
}

TEST(SweepFile, CanonicalBaseIsSortedCompleteAndIgnoresSpelling) {
  TempSweep a(kMinimal + "model: {latent: 100, beta: 0.8}\ntrain: {lr: 1.0e-3}\n"
                         "attributes: {gender: {type: categorical}, age: {type: continuous}}\n");
  TempSweep b("attributes:\n  age: {type: continuous}\n  gender: {type: categorical}\n"
              "train: {lr: 0.001}\ndata:\n  path: data/ml-1m\n  format: movielens-1m\nname: other\n");
  const auto text = SweepFile::load(a.path()).canonical_base();
  EXPECT_EQ(text, SweepFile::load(b.path()).canonical_base());
  EXPECT_NE(text, SweepFile::load(a.path(), {"model.latent=99"}).canonical_base());
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "train.lr: 0.001"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "model.beta: 0.8"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "attributes.age.target: raw"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "data.format: movielens-1m"), lines.end());
  EXPECT_EQ(text.find("name:"), std::string::npos);  // the sweep's name is not a trial setting
  EXPECT_EQ(text.find("threads:"), std::string::npos);  // nor how fast it runs
}

// ---- Shipped sweep files.

TEST(ShippedSweeps, Ml1mIsThePaperSweep) {
  const auto sweep = SweepFile::load(kSource / "sweeps/ml1m-gender-age.yaml");
  const TrialConfig& c = sweep.base();
  EXPECT_EQ(sweep.name(), "ml1m-gender-age");
  EXPECT_EQ(c.data.path, "data/ml-1m");
  EXPECT_EQ(c.attributes.size(), 2u);
  EXPECT_EQ(c.model.adversaries.size(), 2u);
  ASSERT_EQ(sweep.grid().size(), 3u);
  EXPECT_EQ(sweep.grid()[0].key, "adversaries.gender.lambda");
  EXPECT_EQ(sweep.grid()[0].values, (std::vector<std::string>{"0", "1", "200", "400", "600", "800"}));
  EXPECT_EQ(sweep.grid_points(), 180);
  // Everything written out equals the defaults, except what defaults cannot know.
  TempSweep plain(kMinimal + "attributes:\n  gender: {type: categorical, class_weights: {f: 0.72, m: 0.28}}\n"
                             "  age: {type: continuous}\nadversaries: {gender: {}, age: {}}\n");
  EXPECT_EQ(sweep.canonical_base(), SweepFile::load(plain.path()).canonical_base());
}

TEST(ShippedSweeps, Ml100kLoadsAndPointsElsewhere) {
  const auto sweep = SweepFile::load(kSource / "sweeps/ml100k-gender-age.yaml", {"data.path=" ADVX_SHARED_DATA_DIR "/ml-100k"});
  EXPECT_EQ(sweep.base().data.format, DataFormat::kMovieLens100K);
  EXPECT_EQ(sweep.base().data.path, ADVX_SHARED_DATA_DIR "/ml-100k");
  EXPECT_EQ(sweep.base().attributes[0].target, TargetTransform::kZScore);  // age, see the file's comment
  EXPECT_DOUBLE_EQ(sweep.base().attributes[1].class_weights.at("f"), 0.711);
  EXPECT_EQ(sweep.grid_points(), 180);
}

TEST(ShippedSweeps, DemoIsSmallAndSynthetic) {
  const auto sweep = SweepFile::load(kSource / "sweeps/demo.yaml");
  EXPECT_TRUE(sweep.base().data.synthetic);
  // Small enough for the README's default job (about a minute on 2 cores).
  EXPECT_LE(sweep.base().data.synthetic_users, 3000);
  EXPECT_LE(sweep.grid_points() * sweep.base().train.epochs, 2000);
}

// ---- Key reference.

TEST(KeyReference, ListsEveryKeyOnce) {
  const std::string md = sweep_key_reference_markdown();
  EXPECT_EQ(md.rfind("| key | type | default | description |\n|---|---|---|---|\n", 0), 0u);
  for (const auto& [key, value] : trial_settings(SweepFile::load(kSource / "sweeps/ml1m-gender-age.yaml").base())) {
    std::string generic = key;
    for (const char* section : {"attributes.", "adversaries."}) {
      if (generic.rfind(section, 0) == 0) {
        const auto dot = generic.find('.', std::string(section).size());
        generic = std::string(section) + "<name>" + generic.substr(dot);
      }
    }
    const std::string cell = "| `" + generic + "` |";
    const auto first = md.find(cell);
    EXPECT_NE(first, std::string::npos) << generic;
    EXPECT_EQ(md.find(cell, first + 1), std::string::npos) << generic << " listed twice";
  }
  for (const char* key : {"| `name` |", "| `threads` |", "| `seeds` |", "| `replicates` |", "| `grid.<key>` |"}) {
    EXPECT_NE(md.find(key), std::string::npos) << key;
  }
  EXPECT_NE(md.find("| `model.latent` | an integer in [1, 1048576] | `100` |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `data.path` | a path | required |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `split.foldin` | a number in (0, 1) | `0.2` |"), std::string::npos) << md;
}

TEST(KeyReference, DocsFileIsCurrent) {
  // docs/sweep-keys.md is this generator's output; ADVX_UPDATE_DOCS=1 rewrites it.
  const auto path = kSource / "docs/sweep-keys.md";
  const std::string want = "# Sweep-file keys\n\nGenerated from the parser's schema (tests/config: KeyReference."
                           "DocsFileIsCurrent checks it; `ADVX_UPDATE_DOCS=1 build/tests/config/test_sweep_file` "
                           "rewrites it).\n\n" + sweep_key_reference_markdown();
  if (std::getenv("ADVX_UPDATE_DOCS") != nullptr) std::ofstream(path) << want;
  std::ifstream in(path);
  const std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(have, want) << path << " is stale: rerun with ADVX_UPDATE_DOCS=1";
}

}  // namespace
}  // namespace advx
