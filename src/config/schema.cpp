#include "schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "advx/common/edit_distance.h"

namespace advx::config_detail {

namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
// Layer widths and head counts. Beyond 2^20 a single layer over a catalogue of a few thousand items holds
// tens of GB of parameters, and sizes near kInt32Max overflow the shapes built from them (2·latent).
constexpr std::int64_t kMaxWidth = std::int64_t{1} << 20;

// ---- Scalar parsing. Strict on purpose: "1.5" is not an integer and "1e3" is not one either, so a
// typo cannot silently truncate to something plausible.

std::string flow_text(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

template <class Int>
std::optional<Int> parse_integer_text(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  Int value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_real_text(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(value)) return std::nullopt;
  return value;
}

[[noreturn]] void bad(const std::string& type, const YAML::Node& node) {
  throw BadValue{fmt::format("expected {}, found {}", type, describe(node))};
}

std::string integer_type(std::int64_t lo, std::int64_t hi) {
  if (hi == kInt32Max || hi == std::numeric_limits<std::int64_t>::max()) {
    if (lo == 1) return "a positive integer";
    if (lo == 0) return "a non-negative integer";
    return fmt::format("an integer ≥ {}", lo);
  }
  return fmt::format("an integer in [{}, {}]", lo, hi);
}

std::int64_t parse_integer(const YAML::Node& node, std::int64_t lo, std::int64_t hi, const std::string& type) {
  if (!node.IsScalar()) bad(type, node);
  const auto value = parse_integer_text<std::int64_t>(node.Scalar());
  if (!value || *value < lo || *value > hi) bad(type, node);
  return *value;
}

std::uint64_t parse_unsigned(const YAML::Node& node, const std::string& type) {
  if (!node.IsScalar()) bad(type, node);
  const auto value = parse_integer_text<std::uint64_t>(node.Scalar());
  if (!value) bad(type, node);
  return *value;
}

struct Bound {
  double value;
  bool open;
};
std::optional<Bound> gt(double v) { return Bound{v, true}; }
std::optional<Bound> ge(double v) { return Bound{v, false}; }
std::optional<Bound> lt(double v) { return Bound{v, true}; }
constexpr std::nullopt_t kUnbounded = std::nullopt;

std::string real_type(std::optional<Bound> lo, std::optional<Bound> hi) {
  if (lo && hi) {
    return fmt::format("a number in {}{}, {}{}", lo->open ? "(" : "[", lo->value, hi->value, hi->open ? ")" : "]");
  }
  if (lo) return fmt::format("a number {} {}", lo->open ? ">" : "≥", lo->value);
  if (hi) return fmt::format("a number {} {}", hi->open ? "<" : "≤", hi->value);
  return "a number";
}

double parse_real(const YAML::Node& node, std::optional<Bound> lo, std::optional<Bound> hi, const std::string& type) {
  if (!node.IsScalar()) bad(type, node);
  const auto value = parse_real_text(node.Scalar());
  if (!value) bad(type, node);
  if (lo && (lo->open ? !(*value > lo->value) : !(*value >= lo->value))) bad(type, node);
  if (hi && (hi->open ? !(*value < hi->value) : !(*value <= hi->value))) bad(type, node);
  // -0 is 0: as text it would be another grid value (another trial id, a second λ = 0 baseline).
  return *value == 0.0 ? 0.0 : *value;
}

template <class T>
std::string render_list(const std::vector<T>& values) {
  return fmt::format("[{}]", fmt::join(values, ", "));
}

// ---- Key factories. `ref` is a generic lambda returning a reference to the field, so one lambda
// serves both the setter (mutable target) and the getter (const target).

template <class Target, class Ref>
using FieldOf = std::remove_cvref_t<decltype(std::declval<Ref>()(std::declval<Target&>()))>;

template <class Target, class Ref>
Key<Target> integer(std::string name, std::int64_t lo, std::int64_t hi, std::string description, Ref ref) {
  using Value = FieldOf<Target, Ref>;
  std::string type = integer_type(lo, hi);
  return Key<Target>{std::move(name), type, std::move(description),
          [=](Target& t, const YAML::Node& n) { ref(t) = static_cast<Value>(parse_integer(n, lo, hi, type)); },
          [=](const Target& t) { return fmt::format("{}", ref(t)); }};
}

template <class Target, class Ref>
Key<Target> unsigned_integer(std::string name, std::string description, Ref ref) {
  const std::string type = "a non-negative integer";
  return Key<Target>{std::move(name), type, std::move(description),
          [=](Target& t, const YAML::Node& n) { ref(t) = parse_unsigned(n, type); },
          [=](const Target& t) { return fmt::format("{}", ref(t)); }};
}

template <class Target, class Ref>
Key<Target> real(std::string name, std::optional<Bound> lo, std::optional<Bound> hi, std::string description,
                 Ref ref) {
  using Value = FieldOf<Target, Ref>;
  std::string type = real_type(lo, hi);
  // A float field renders as the float it holds ("0.3", not "0.30000001192092896").
  return Key<Target>{std::move(name), type, std::move(description),
          [=](Target& t, const YAML::Node& n) { ref(t) = static_cast<Value>(parse_real(n, lo, hi, type)); },
          [=](const Target& t) { return fmt::format("{}", ref(t)); }};
}

/// A list of integers in 1..max (layer sizes, cut-offs).
template <class Target, class Ref>
Key<Target> integer_list(std::string name, bool allow_empty, std::string description, Ref ref,
                         std::int64_t max = kInt32Max) {
  using Value = typename FieldOf<Target, Ref>::value_type;
  const std::string items = max == kInt32Max ? "positive integers" : fmt::format("integers in [1, {}]", max);
  std::string type = allow_empty ? "a list of " + items : "a non-empty list of " + items;
  return Key<Target>{std::move(name), type, std::move(description),
          [=](Target& t, const YAML::Node& n) {
            if (!n.IsSequence() || (!allow_empty && n.size() == 0)) bad(type, n);
            std::vector<Value> values;
            for (const auto& item : n) {
              if (!item.IsScalar()) bad(type, n);
              const auto v = parse_integer_text<std::int64_t>(item.Scalar());
              if (!v || *v < 1 || *v > max) bad(type, n);
              values.push_back(static_cast<Value>(*v));
            }
            ref(t) = std::move(values);
          },
          [=](const Target& t) { return render_list(ref(t)); }};
}

template <class E>
using Choices = std::vector<std::pair<std::string, E>>;

template <class E>
std::string choice_type(const Choices<E>& choices) {
  std::vector<std::string> names;
  for (const auto& c : choices) names.push_back(c.first);
  return fmt::format("one of {}", fmt::join(names, ", "));
}

template <class Target, class E, class Ref>
Key<Target> choice(std::string name, Choices<E> choices, std::string description, Ref ref) {
  std::string type = choice_type(choices);
  return Key<Target>{std::move(name), type, std::move(description),
          [=](Target& t, const YAML::Node& n) {
            if (!n.IsScalar()) bad(type, n);
            for (const auto& [text, value] : choices) {
              if (n.Scalar() == text) {
                ref(t) = value;
                return;
              }
            }
            bad(type, n);
          },
          [=](const Target& t) {
            for (const auto& [text, value] : choices) {
              if (ref(t) == value) return text;
            }
            return std::string("?");
          }};
}

template <class Target, class Ref>
Key<Target> text(std::string name, std::string type, std::string description, std::function<bool(const std::string&)> valid,
                 Ref ref) {
  return Key<Target>{std::move(name), type, std::move(description),
          [=](Target& t, const YAML::Node& n) {
            if (!n.IsScalar() || n.Scalar().empty() || !valid(n.Scalar())) bad(type, n);
            ref(t) = n.Scalar();
          },
          [=](const Target& t) { return ref(t); }};
}

bool any_text(const std::string&) { return true; }

const Choices<Activation> kActivations{{"relu", Activation::kReLU}, {"sigmoid", Activation::kSigmoid}};

/// "ndcg@10": the metrics RankingAccumulator reports, at one cut-off.
bool valid_select(const std::string& s) {
  const auto at = s.find('@');
  if (at == std::string::npos) return false;
  const std::string metric = s.substr(0, at);
  if (metric != "ndcg" && metric != "recall" && metric != "recall_min" && metric != "coverage") return false;
  const auto k = parse_integer_text<std::int64_t>(std::string_view(s).substr(at + 1));
  return k && *k >= 1 && *k <= kInt32Max && s[at + 1] != '+';
}

std::vector<Key<SweepSettings>> make_fixed_keys() {
  using S = SweepSettings;
  std::vector<Key<S>> keys;
  auto add = [&](Key<S> key, Scope scope = Scope::kTrial, bool required = false, std::string default_text = "") {
    key.scope = scope;
    key.required = required;
    key.default_text = std::move(default_text);
    keys.push_back(std::move(key));
  };

  // Top level.
  add(text<S>("name", "a name of letters, digits, '.', '_' or '-'",
              "Name of the sweep (used for output names).",
              valid_sweep_name, [](auto& s) -> auto& { return s.trial.name; }),
      Scope::kSweep, false, "the file's name without .yaml");
  add(unsigned_integer<S>("seed", "Seed of a trial: initialisation, dropout, latent noise, batch order, attackers "
                                  "(the reference reseeds every run with 42).",
                          [](auto& s) -> auto& { return s.trial.seed; }));
  // Sweep scope: the thread count changes how fast a trial runs, not its result, so it is not part of a
  // trial's identity.
  add(integer<S>("threads", 1, kInt32Max, "Threads one trial uses.", [](auto& s) -> auto& { return s.trial.threads; }),
      Scope::kSweep);
  {
    Key<S> seeds{"seeds", "a non-empty list of distinct non-negative integers",
                 "Seed axis: every grid point runs once per seed instead of with `seed` (replicate r runs the r-th). "
                 "Seeds added at the end later resume the result file (not a shard's) and run only the new "
                 "replicates. Excludes `replicates`.",
                 [](S& s, const YAML::Node& n) {
                   const std::string type = "a non-empty list of distinct non-negative integers";
                   if (!n.IsSequence() || n.size() == 0) bad(type, n);
                   std::vector<std::uint64_t> seeds;
                   for (const auto& item : n) {
                     const auto v = item.IsScalar() ? parse_integer_text<std::uint64_t>(item.Scalar()) : std::nullopt;
                     if (!v || std::find(seeds.begin(), seeds.end(), *v) != seeds.end()) bad(type, n);
                     seeds.push_back(*v);
                   }
                   s.seeds = std::move(seeds);
                 },
                 [](const S& s) { return render_list(s.seeds); }};
    add(std::move(seeds), Scope::kSweep, false, "none");
  }
  add(integer<S>("replicates", 1, kInt32Max,
                 "Runs of every grid point, with seeds derived from `seed` (raised later, the result file, not a "
                 "shard's, is resumed and only the new replicates run). Excludes `seeds`.",
                 [](auto& s) -> auto& { return s.replicates; }),
      Scope::kSweep);

  // data
  {
    const std::string type = "one of movielens-1m, movielens-100k, csv, synthetic";
    Key<S> format{"data.format", type,
                  "Reader of `data.path` (see `advx data --help`); `synthetic` generates a MovieLens-1M-format data "
                  "set with planted gender/age signal on first use, into a subdirectory of `data.path` named by its "
                  "options (e.g. `users2000-items1000-seed1`).",
                  [type](S& s, const YAML::Node& n) {
                    if (!n.IsScalar()) bad(type, n);
                    const std::string& v = n.Scalar();
                    s.trial.data.synthetic = v == "synthetic";
                    if (v == "synthetic" || v == "movielens-1m") {
                      s.trial.data.format = DataFormat::kMovieLens1M;
                    } else if (v == "movielens-100k") {
                      s.trial.data.format = DataFormat::kMovieLens100K;
                    } else if (v == "csv") {
                      s.trial.data.format = DataFormat::kCsv;
                    } else {
                      bad(type, n);
                    }
                  },
                  [](const S& s) {
                    return s.trial.data.synthetic ? std::string("synthetic") : std::string(to_string(s.trial.data.format));
                  }};
    add(std::move(format), Scope::kTrial, true);
  }
  add(text<S>("data.path", "a path",
              "Directory of the data set, relative to the working directory. For `synthetic`: the directory under "
              "which each generated data set gets its own subdirectory.",
              any_text, [](auto& s) -> auto& { return s.trial.data.path; }),
      Scope::kTrial, true);
  add(real<S>("data.min_rating", kUnbounded, kUnbounded, "Ratings below this are dropped; the rest become binary ones.",
              [](auto& s) -> auto& { return s.trial.data.preprocess.min_rating; }));
  add(integer<S>("data.min_user", 1, kInt32Max, "k-core: minimum interactions per user.",
                 [](auto& s) -> auto& { return s.trial.data.preprocess.min_user; }));
  add(integer<S>("data.min_item", 1, kInt32Max, "k-core: minimum interactions per item.",
                 [](auto& s) -> auto& { return s.trial.data.preprocess.min_item; }));
  add(integer<S>("data.users", 10, kInt32Max, "Synthetic data only: number of users.",
                 [](auto& s) -> auto& { return s.trial.data.synthetic_users; }));
  add(integer<S>("data.items", 50, kInt32Max, "Synthetic data only: number of items.",
                 [](auto& s) -> auto& { return s.trial.data.synthetic_items; }));
  add(unsigned_integer<S>("data.seed", "Synthetic data only: generator seed.",
                          [](auto& s) -> auto& { return s.trial.data.synthetic_seed; }));

  // split
  add(integer<S>("split.folds", 3, kInt32Max, "User blocks k; fold i trains on k−2 blocks, validates and tests on one each.",
                 [](auto& s) -> auto& { return s.trial.split.folds; }));
  add(integer<S>("split.fold", 0, kInt32Max, "The fold to run, < `split.folds` (usually a grid axis).",
                 [](auto& s) -> auto& { return s.trial.split.fold; }));
  add(unsigned_integer<S>("split.seed", "Seed of the user blocks and the fold-in draw.",
                          [](auto& s) -> auto& { return s.trial.split.seed; }));
  add(real<S>("split.foldin", gt(0), lt(1), "Fraction of val/test interactions given to the model as input.",
              [](auto& s) -> auto& { return s.trial.split.foldin; }));

  // model
  add(integer<S>("model.latent", 1, kMaxWidth, "Latent size.", [](auto& s) -> auto& { return s.trial.model.latent; }));
  add(integer_list<S>("model.hidden", true, "Encoder hidden sizes, the decoder mirrors them; [] = linear (the reference).",
                      [](auto& s) -> auto& { return s.trial.model.hidden; }, kMaxWidth));
  add(choice<S>("model.activation", kActivations, "Activation between hidden layers (unused when `model.hidden` is []).",
                [](auto& s) -> auto& { return s.trial.model.activation; }));
  add(real<S>("model.input_dropout", ge(0), lt(1), "Dropout on the input row, before L2 normalisation.",
              [](auto& s) -> auto& { return s.trial.model.input_dropout; }));
  add(real<S>("model.beta", ge(0), kUnbounded, "KL weight β (fixed, no annealing).",
              [](auto& s) -> auto& { return s.trial.model.beta; }));

  // train
  add(integer<S>("train.epochs", 1, kInt32Max, "Epochs (always all of them).", [](auto& s) -> auto& { return s.trial.train.epochs; }));
  add(integer<S>("train.batch_size", 1, kInt32Max, "Users per step; the last partial batch is kept.",
                 [](auto& s) -> auto& { return s.trial.train.batch_size; }));
  add(real<S>("train.lr", gt(0), kUnbounded, "Recommender Adam learning rate.", [](auto& s) -> auto& { return s.trial.train.lr; }));
  add(real<S>("train.weight_decay", ge(0), kUnbounded, "Recommender Adam L2 (coupled, not AdamW).",
              [](auto& s) -> auto& { return s.trial.train.weight_decay; }));
  add(real<S>("train.adv_lr", gt(0), kUnbounded, "Adversary Adam learning rate.",
              [](auto& s) -> auto& { return s.trial.train.adv_lr; }));
  add(real<S>("train.adv_weight_decay", ge(0), kUnbounded, "Adversary Adam L2.",
              [](auto& s) -> auto& { return s.trial.train.adv_weight_decay; }));
  add(real<S>("train.plateau_factor", gt(0), lt(1), "ReduceLROnPlateau factor (recommender only, on the val VAE loss).",
              [](auto& s) -> auto& { return s.trial.train.plateau_factor; }));
  add(integer<S>("train.plateau_patience", 0, kInt32Max, "ReduceLROnPlateau patience in epochs.",
                 [](auto& s) -> auto& { return s.trial.train.plateau_patience; }));
  add(real<S>("train.min_lr", ge(0), kUnbounded, "ReduceLROnPlateau floor.", [](auto& s) -> auto& { return s.trial.train.min_lr; }));
  add(text<S>("train.select", "a metric@k with metric ndcg, recall, recall_min or coverage",
              "Validation metric of the best checkpoint (higher is better, ties go to the later epoch); k must be in "
              "`train.ks`.",
              valid_select, [](auto& s) -> auto& { return s.trial.train.select; }));
  add(choice<S>("train.mask", Choices<FoldInMask>{{"neg_inf", FoldInMask::kNegInfinity}, {"reference_zero", FoldInMask::kReferenceZero}},
                "How fold-in items are kept out of the ranking at val/test time; `reference_zero` is the reference's "
                "0.0 overwrite (REFERENCE Q1), for parity checks.",
                [](auto& s) -> auto& { return s.trial.train.mask; }));
  add(integer_list<S>("train.ks", false, "Cut-offs of the ranking metrics.", [](auto& s) -> auto& { return s.trial.train.ks; }));

  // attackers
  add(integer<S>("attackers.epochs", 1, kInt32Max, "Epochs of the post-hoc attackers (no early stopping).",
                 [](auto& s) -> auto& { return s.trial.attackers.epochs; }));
  add(integer<S>("attackers.batch_size", 1, kInt32Max, "Attacker batch size.",
                 [](auto& s) -> auto& { return s.trial.attackers.batch_size; }));
  add(integer_list<S>("attackers.hidden", true,
                      "Hidden sizes of every attacker (activation: relu for categorical, sigmoid for continuous "
                      "attributes, as the reference).",
                      [](auto& s) -> auto& { return s.trial.attackers.hidden; }, kMaxWidth));
  add(real<S>("attackers.dropout", ge(0), lt(1), "Dropout on the attacker's input (μ).",
              [](auto& s) -> auto& { return s.trial.attackers.dropout; }));
  add(real<S>("attackers.lr", gt(0), kUnbounded, "Attacker Adam learning rate (one Adam for all attackers).",
              [](auto& s) -> auto& { return s.trial.attackers.lr; }));
  add(real<S>("attackers.weight_decay", ge(0), kUnbounded, "Attacker Adam L2.",
              [](auto& s) -> auto& { return s.trial.attackers.weight_decay; }));
  return keys;
}

std::vector<Key<AttributeSpec>> make_attribute_keys() {
  using A = AttributeSpec;
  std::vector<Key<A>> keys;
  {
    Key<A> type = choice<A>("type", Choices<bool>{{"categorical", true}, {"continuous", false}},
                            "Categorical (weighted cross-entropy, scored by balanced accuracy) or continuous (MSE, "
                            "scored by MAE). A categorical column of the data cannot be continuous; a numeric one declared "
                            "categorical has a class per distinct number, labelled as written (codes such as 1, 2, 4).",
                            [](auto& a) -> auto& { return a.categorical; });
    type.required = true;
    keys.push_back(std::move(type));
  }
  const std::string cw_type = "a map from label to positive number";
  keys.push_back(Key<A>{
      "class_weights", cw_type,
      "Categorical only: cross-entropy weight per label (REFERENCE Q13, tied to labels, not positions); {} = uniform.",
      [cw_type](A& a, const YAML::Node& n) {
        if (!n.IsMap()) bad(cw_type, n);
        std::map<std::string, double> weights;
        for (const auto& kv : n) {
          if (!kv.first.IsScalar() || kv.first.Scalar().empty() || !kv.second.IsScalar()) bad(cw_type, n);
          const auto w = parse_real_text(kv.second.Scalar());
          if (!w || !(*w > 0) || !weights.emplace(kv.first.Scalar(), *w).second) bad(cw_type, n);
        }
        a.class_weights = std::move(weights);
      },
      [](const A& a) {
        std::vector<std::string> parts;
        for (const auto& [label, w] : a.class_weights) parts.push_back(fmt::format("{}: {}", label, w));
        return fmt::format("{{{}}}", fmt::join(parts, ", "));
      }});
  keys.push_back(choice<A>("target",
                           Choices<TargetTransform>{{"raw", TargetTransform::kRaw},
                                                    {"zscore", TargetTransform::kZScore},
                                                    {"minmax", TargetTransform::kMinMax}},
                           "Continuous only: regression target of adversaries and attackers; `raw` is the reference, "
                           "which 50 attacker epochs under-fit (REFERENCE Q4). Statistics come from the training users.",
                           [](auto& a) -> auto& { return a.target; }));
  return keys;
}

std::vector<Key<AdversaryConfig>> make_adversary_keys() {
  using V = AdversaryConfig;
  std::vector<Key<V>> keys;
  keys.push_back(real<V>("lambda", ge(0), kUnbounded, "Gradient-reversal scale λ; 0 = passive probe heads (an attribute without an `adversaries.<name>` entry has no heads at all).",
                         [](auto& a) -> auto& { return a.lambda; }));
  keys.push_back(real<V>("loss_weight", ge(0), kUnbounded, "Weight of the group's mean head loss in the total loss.",
                         [](auto& a) -> auto& { return a.loss_weight; }));
  keys.push_back(integer<V>("heads", 1, kMaxWidth, "Parallel heads reading the reversed latent code.",
                            [](auto& a) -> auto& { return a.head.heads; }));
  keys.push_back(integer_list<V>("hidden", true, "Hidden sizes of each head; [] = linear head.",
                                 [](auto& a) -> auto& { return a.head.hidden; }, kMaxWidth));
  Key<V> activation = choice<V>("activation", kActivations, "Activation of the head's hidden layers.",
                                [](auto& a) -> auto& { return a.head.activation; });
  activation.default_text = "relu (categorical), sigmoid (continuous)";
  keys.push_back(std::move(activation));
  keys.push_back(real<V>("dropout", ge(0), lt(1), "Per-head dropout on the latent code.",
                         [](auto& a) -> auto& { return a.head.dropout; }));
  keys.push_back(choice<V>("input", Choices<AdversaryInput>{{"z", AdversaryInput::kSample}, {"mu", AdversaryInput::kMean}},
                           "What the heads read: `z`, the sampled code μ + σ·ε (the reference, REFERENCE Q5), or `mu`, the "
                           "mean the post-hoc attackers read — the encoder then cannot hide the attribute under the noise.",
                           [](auto& a) -> auto& { return a.input; }));
  return keys;
}

template <class Target>
std::optional<std::size_t> index_of(const std::vector<Key<Target>>& keys, const std::string& name) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<Key<SweepSettings>>& fixed_keys() {
  static const auto keys = make_fixed_keys();
  return keys;
}

const std::vector<Key<AttributeSpec>>& attribute_keys() {
  static const auto keys = make_attribute_keys();
  return keys;
}

const std::vector<Key<AdversaryConfig>>& adversary_keys() {
  static const auto keys = make_adversary_keys();
  return keys;
}

const std::vector<std::string>& fixed_sections() {
  static const std::vector<std::string> sections{"data", "split", "model", "train", "attackers"};
  return sections;
}

bool is_dynamic_section(const std::string& name) { return name == "attributes" || name == "adversaries"; }

Scope ResolvedKey::scope() const { return kind == Kind::kFixed ? fixed_keys()[index].scope : Scope::kTrial; }

bool ResolvedKey::required() const {
  switch (kind) {
    case Kind::kFixed: return fixed_keys()[index].required;
    case Kind::kAttribute: return attribute_keys()[index].required;
    case Kind::kAdversary: return adversary_keys()[index].required;
  }
  return false;
}

bool valid_sweep_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

bool valid_entry_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::optional<ResolvedKey> resolve_key(const std::string& path) {
  if (const auto i = index_of(fixed_keys(), path)) return ResolvedKey{ResolvedKey::Kind::kFixed, *i, ""};
  const auto first = path.find('.');
  const auto last = path.rfind('.');
  if (first == std::string::npos || first == last) return std::nullopt;
  const std::string section = path.substr(0, first);
  const std::string entry = path.substr(first + 1, last - first - 1);
  const std::string field = path.substr(last + 1);
  if (!valid_entry_name(entry)) return std::nullopt;
  if (section == "attributes") {
    if (const auto i = index_of(attribute_keys(), field)) return ResolvedKey{ResolvedKey::Kind::kAttribute, *i, entry};
  } else if (section == "adversaries") {
    if (const auto i = index_of(adversary_keys(), field)) return ResolvedKey{ResolvedKey::Kind::kAdversary, *i, entry};
  }
  return std::nullopt;
}

std::string suggestion_for(const std::string& path) {
  std::vector<std::string> candidates;
  for (const auto& k : fixed_keys()) candidates.push_back(k.name);
  for (const auto& s : fixed_sections()) candidates.push_back(s);
  candidates.insert(candidates.end(), {"attributes", "adversaries", "grid"});
  // For a dynamic path, offer the fields under the same entry name ("adversaries.gender.lamda").
  const auto first = path.find('.');
  const auto last = path.rfind('.');
  if (first != std::string::npos && last != first) {
    const std::string prefix = path.substr(0, last + 1);
    const std::string entry = path.substr(first + 1, last - first - 1);
    for (const auto& k : attribute_keys()) candidates.push_back("attributes." + entry + "." + k.name);
    for (const auto& k : adversary_keys()) candidates.push_back("adversaries." + entry + "." + k.name);
  }
  const auto best = nearest_match(path, candidates);
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

std::vector<std::pair<std::string, std::string>> settings_of(const TrialConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  const SweepSettings settings{config, {}, 1};
  for (const auto& k : fixed_keys()) {
    if (k.scope == Scope::kTrial) out.emplace_back(k.name, k.get(settings));
  }
  for (const auto& a : config.attributes) {
    for (const auto& k : attribute_keys()) out.emplace_back("attributes." + a.name + "." + k.name, k.get(a));
  }
  for (const auto& a : config.model.adversaries) {
    for (const auto& k : adversary_keys()) out.emplace_back("adversaries." + a.attribute + "." + k.name, k.get(a));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) return fmt::format("'{}'", node.Scalar());
  return fmt::format("'{}'", flow_text(node));
}

}  // namespace advx::config_detail
