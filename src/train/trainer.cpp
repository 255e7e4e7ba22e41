#include "advx/train/trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/common/rng.h"
#include "advx/data/synthetic.h"
#include "advx/eval/ranking_metrics.h"
#include "advx/model/advx_multvae.h"
#include "advx/nn/adam.h"
#include "advx/nn/engine.h"
#include "advx/nn/losses.h"
#include "advx/nn/reduce_lr_on_plateau.h"
#include "advx/nn/sparse_rows.h"
#include "advx/nn/threads.h"
#include "advx/train/attacker.h"
#include "advx/train/attribute_targets.h"

namespace advx {

namespace {

/// "NaN", "+inf" or "-inf" for the divergence messages (fmt would print a NaN's sign bit: "-nan").
std::string non_finite(double v) { return std::isnan(v) ? "NaN" : (v > 0 ? "+inf" : "-inf"); }

// Independent random streams of a trial, all derived from its seed (never from the rank).
enum Stream : std::uint64_t { kInit = 1, kNoise = 2, kShuffle = 3, kAttack = 4 };

constexpr std::int32_t kEvalChunk = 512;  // users per evaluation forward (bounds the logits buffer)

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// "ndcg@10" → (metric, k); the metric must be one the ranking accumulator produces and k one of ks.
std::pair<std::string, int> parse_select(const TrainConfig& t) {
  const auto at = t.select.find('@');
  const std::string metric = at == std::string::npos ? t.select : t.select.substr(0, at);
  int k = 0;
  if (at != std::string::npos) k = std::atoi(t.select.c_str() + at + 1);
  if ((metric != "ndcg" && metric != "recall" && metric != "recall_min" && metric != "coverage") ||
      std::find(t.ks.begin(), t.ks.end(), k) == t.ks.end())
    throw InputError(fmt::format("train.select: expected ndcg|recall|recall_min|coverage@k with k in train.ks, found '{}'",
                                 t.select));
  return {metric, k};
}

/// Every row of `m` as eval-mode encoder input (no dropout, L2-normalised).
nn::SparseRows eval_input(const CsrMatrix& m) {
  auto x = nn::gather_rows(m);
  nn::dropout_normalize(x, 0.0f, nullptr);
  return x;
}

double pick(const RankingMetricsAtK& m, const std::string& metric) {
  if (metric == "ndcg") return m.ndcg;
  if (metric == "recall") return m.recall;
  if (metric == "recall_min") return m.recall_min;
  return m.coverage;
}

/// Minimal binary serialisation for checkpoints: little-endian PODs and length-prefixed arrays.
class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  template <class T>
  void pod(const T& v) {
    out_.write(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod<std::uint64_t>(v.size());
    out_.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
  }
  void tensor(const nn::Tensor& t) {
    pod(t.rows());
    pod(t.cols());
    out_.write(reinterpret_cast<const char*>(t.data()), static_cast<std::streamsize>(t.size() * sizeof(float)));
  }
  void str(const std::string& s) { vec(std::vector<char>(s.begin(), s.end())); }

 private:
  std::ostream& out_;
};

class Reader {
 public:
  Reader(std::istream& in, std::string path) : in_(in), path_(std::move(path)) {}
  template <class T>
  T pod() {
    T v{};
    in_.read(reinterpret_cast<char*>(&v), sizeof(T));
    check();
    return v;
  }
  template <class T>
  std::vector<T> vec() {
    const auto n = pod<std::uint64_t>();
    if (n > (1ULL << 34)) throw corrupt();
    std::vector<T> v(n);
    in_.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
    check();
    return v;
  }
  void tensor_into(nn::Tensor& t) {
    const auto rows = pod<std::int64_t>(), cols = pod<std::int64_t>();
    if (rows != t.rows() || cols != t.cols())
      throw InputError(fmt::format("{}: checkpoint tensor is {}x{}, the model expects {}x{} (different config or data?)",
                                   path_, rows, cols, t.rows(), t.cols()));
    in_.read(reinterpret_cast<char*>(t.data()), static_cast<std::streamsize>(t.size() * sizeof(float)));
    check();
  }
  nn::Tensor tensor() {
    const auto rows = pod<std::int64_t>(), cols = pod<std::int64_t>();
    if (rows < 0 || cols < 0 || rows * cols > (1LL << 32)) throw corrupt();
    nn::Tensor t(rows, cols);
    in_.read(reinterpret_cast<char*>(t.data()), static_cast<std::streamsize>(t.size() * sizeof(float)));
    check();
    return t;
  }
  std::string str() {
    const auto v = vec<char>();
    return {v.begin(), v.end()};
  }

 private:
  void check() {
    if (!in_) throw corrupt();
  }
  InputError corrupt() const { return InputError(fmt::format("{}: truncated or corrupt checkpoint", path_)); }
  std::istream& in_;
  std::string path_;
};

// "ADVXCKT3". Format 3 begins with the caller's settings tag; format 2 (no tag) and format 1 (heads stored
// head by head) are refused with a clear message.
constexpr std::uint64_t kCheckpointMagic = 0x33544B4358564441ULL;
constexpr std::uint64_t kCheckpointMagicV2 = 0x32544B4358564441ULL;
constexpr std::uint64_t kCheckpointMagicV1 = 0x31544B4358564441ULL;

void check_split(const FoldSplit& split) {
  if (split.train_users.empty() || split.val.users.empty() || split.test.users.empty())
    throw InputError(fmt::format("split: fold {} leaves an empty train, validation or test set ({} / {} / {} users)",
                                 split.fold, split.train_users.size(), split.val.users.size(), split.test.users.size()));
}

/// Index of the attribute an adversary group removes.
std::size_t attribute_of(const AdversaryConfig& adv, const std::vector<AttributeTargets>& attributes) {
  const auto it = std::find_if(attributes.begin(), attributes.end(), [&](const auto& a) { return a.name == adv.attribute; });
  if (it == attributes.end())
    throw InputError(fmt::format("adversaries.{}: no attribute of that name is declared under attributes", adv.attribute));
  return static_cast<std::size_t>(it - attributes.begin());
}

}  // namespace

void check_trial_data(const TrialConfig& config, const Dataset& data) {
  const auto split = make_fold_split(data, config.split);
  check_split(split);
  std::vector<AttributeTargets> attributes;
  for (const auto& spec : config.attributes) attributes.push_back(make_attribute_targets(spec, data, split.train_users));
  for (const auto& adv : config.model.adversaries) (void)attribute_of(adv, attributes);
}

Dataset load_trial_data(const DataConfig& data) {
  if (data.synthetic) {
    const auto dir = ensure_synthetic_movielens(
        data.path, {.users = data.synthetic_users, .items = data.synthetic_items, .seed = data.synthetic_seed});
    return preprocess(read_raw_dataset(data.format, dir), data.preprocess);
  }
  return preprocess(read_raw_dataset(data.format, data.path), data.preprocess);
}

struct Trainer::Impl {
  TrialConfig config;
  const Dataset& data;
  FoldSplit split;
  std::vector<AttributeTargets> attributes;  // every declared attribute (attacked)
  std::vector<std::size_t> adversary_attr;   // adversary group g → index into attributes
  std::vector<HeadTargets> train_targets;    // per adversary group, aligned with split.train rows
  nn::Engine engine;
  std::unique_ptr<AdvXMultVAE> model;
  std::unique_ptr<nn::Adam> rec_opt, adv_opt;
  nn::ReduceLROnPlateau plateau;
  Rng noise_rng, shuffle_rng;
  std::pair<std::string, int> select;

  std::int32_t epoch = 0;
  TrialResult result;
  double best_score = -std::numeric_limits<double>::infinity();
  std::int32_t best_epoch = -1;
  std::vector<nn::Tensor> best_params;  // recommender parameters at best_epoch
  double train_seconds = 0;

  Impl(const TrialConfig& c, const Dataset& d)
      : config(c), data(d), split(make_fold_split(d, c.split)),
        plateau(nn::PlateauOptions{.factor = c.train.plateau_factor, .patience = c.train.plateau_patience,
                                   .min_lr = c.train.min_lr}),
        noise_rng(mix_seed(c.seed, kNoise)), shuffle_rng(mix_seed(c.seed, kShuffle)), select(parse_select(c.train)) {
    validate_config();
    nn::set_num_threads(config.threads);
    for (const auto& spec : config.attributes) attributes.push_back(make_attribute_targets(spec, data, split.train_users));
    ModelConfig mc = config.model;
    mc.items = static_cast<std::int32_t>(split.items.size());
    for (auto& adv : mc.adversaries) {
      const auto it = attributes.begin() + static_cast<std::ptrdiff_t>(attribute_of(adv, attributes));
      adv.categorical = it->categorical;
      adv.classes = it->classes;
      adv.class_weights = it->class_weights;
      adversary_attr.push_back(static_cast<std::size_t>(it - attributes.begin()));
      train_targets.push_back(it->of_rows(split.train_users));
      result.adversaries.push_back(adv.attribute);
    }
    config.model = mc;
    model = std::make_unique<AdvXMultVAE>(engine, mc, mix_seed(config.seed, kInit));
    rec_opt = std::make_unique<nn::Adam>(model->recommender_params(),
                                         nn::AdamOptions{.lr = c.train.lr, .weight_decay = c.train.weight_decay});
    adv_opt = std::make_unique<nn::Adam>(model->adversary_params(),
                                         nn::AdamOptions{.lr = c.train.adv_lr, .weight_decay = c.train.adv_weight_decay});
  }

  void validate_config() const {
    check_split(split);
    if (config.train.epochs < 1 || config.train.batch_size < 1)
      throw InputError("train.epochs and train.batch_size must be ≥ 1");
  }

  bool done() const { return epoch >= config.train.epochs || result.status != "ok"; }

  /// Validation or test pass on fold-in → held-out rows: ranking metrics and the VAE loss.
  struct EvalOutput {
    std::vector<RankingMetricsAtK> ranking;
    double loss = 0;
  };
  EvalOutput evaluate(const HeldOutSplit& part) {
    RankingAccumulator acc(config.train.ks, static_cast<std::int32_t>(split.items.size()), config.train.mask);
    nn::Tensor logits;
    double loss_sum = 0;
    const auto n = static_cast<std::int32_t>(part.users.size());
    std::vector<std::int32_t> rows;
    for (std::int32_t start = 0; start < n; start += kEvalChunk) {
      const std::int32_t count = std::min(kEvalChunk, n - start);
      rows.resize(static_cast<std::size_t>(count));
      std::iota(rows.begin(), rows.end(), start);
      const auto input = nn::encoder_input(part.foldin, rows, 0.0f, nullptr);
      model->eval_logits(input, logits);
      acc.add(logits.values(), count, part.heldout, part.foldin, start);
      // Loss on masked logits (REFERENCE §4: the scheduler's signal). −∞ entries vanish from the
      // softmax; fold-in and held-out items never overlap, so no target meets a −∞ logit.
      const float masked = config.train.mask == FoldInMask::kNegInfinity ? -std::numeric_limits<float>::infinity() : 0.0f;
      for (std::int32_t r = 0; r < count; ++r)
        for (auto i : part.foldin.row(start + r)) logits(r, i) = masked;
      const double nll = nn::multinomial_nll(logits, nn::gather_rows(part.heldout, rows), nullptr);
      const double kl = nn::gaussian_kl(model->mu(), model->logvar(), nullptr, nullptr);
      loss_sum += (nll + config.model.beta * kl) * count;
    }
    return {acc.result(), loss_sum / std::max(1, n)};
  }

  bool train_epoch() {
    if (done()) return false;
    const auto t0 = Clock::now();
    EpochRecord rec;
    rec.epoch = epoch;
    rec.lr = rec_opt->lr();
    rec.adversary_loss.assign(adversary_attr.size(), 0.0);
    const auto n = split.train.rows();
    std::vector<std::int32_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    shuffle_rng.shuffle(std::span<std::int32_t>(order));
    std::vector<HeadTargets> batch_targets(adversary_attr.size());
    std::int32_t batches = 0;
    for (std::int32_t start = 0; start < n; start += config.train.batch_size) {
      const auto rows = std::span<const std::int32_t>(order).subspan(
          static_cast<std::size_t>(start), static_cast<std::size_t>(std::min(config.train.batch_size, n - start)));
      const auto input = nn::encoder_input(split.train, rows, config.model.input_dropout, &noise_rng);
      const auto target = nn::gather_rows(split.train, rows);
      for (std::size_t g = 0; g < adversary_attr.size(); ++g) {
        auto& bt = batch_targets[g];
        const auto& all = train_targets[g];
        bt.labels.clear();
        bt.values.clear();
        for (auto r : rows) {
          if (!all.labels.empty()) bt.labels.push_back(all.labels[static_cast<std::size_t>(r)]);
          if (!all.values.empty()) bt.values.push_back(all.values[static_cast<std::size_t>(r)]);
        }
      }
      const auto losses = model->train_step(input, target, batch_targets, noise_rng);
      if (!std::isfinite(losses.total)) {
        result.status = "diverged";
        result.diverged_epoch = epoch;
        // Epoch and batch counted from 1 in this text, as the CLI's summaries count; diverged_epoch from 0.
        result.message = fmt::format("loss became {} in epoch {} of {}, batch {}", non_finite(losses.total), epoch + 1,
                                     config.train.epochs, batches + 1);
        return false;
      }
      rec_opt->step();
      adv_opt->step();
      rec.train_loss += losses.total;
      rec.train_vae += losses.vae;
      for (std::size_t g = 0; g < losses.adversary.size(); ++g) rec.adversary_loss[g] += losses.adversary[g];
      ++batches;
    }
    rec.train_loss /= batches;
    rec.train_vae /= batches;
    for (auto& l : rec.adversary_loss) l /= batches;
    rec.seconds = seconds_since(t0);
    train_seconds += rec.seconds;

    const auto val = evaluate(split.val);
    rec.val_loss = val.loss;
    const auto k_index = static_cast<std::size_t>(
        std::find(config.train.ks.begin(), config.train.ks.end(), select.second) - config.train.ks.begin());
    rec.val_select = pick(val.ranking[k_index], select.first);
    if (!std::isfinite(rec.val_loss)) {
      result.status = "diverged";
      result.diverged_epoch = epoch;
      result.message = fmt::format("validation loss became {} after epoch {} of {}", non_finite(rec.val_loss),
                                   epoch + 1, config.train.epochs);
      return false;
    }
    rec_opt->set_lr(plateau.step(rec.val_loss, rec_opt->lr()));
    if (rec.val_select >= best_score) {  // ties overwrite, as the reference (REFERENCE §4)
      best_score = rec.val_select;
      best_epoch = epoch;
      best_params.clear();
      for (const auto& p : model->recommender_params()) best_params.push_back(*p.param);
    }
    result.curves.push_back(rec);
    ++epoch;
    return !done();
  }

  CheckpointResult evaluate_checkpoint(const std::string& name, std::int32_t at_epoch) {
    CheckpointResult cp;
    cp.name = name;
    cp.epoch = at_epoch;
    const auto test = evaluate(split.test);
    for (std::size_t i = 0; i < config.train.ks.size(); ++i) {
      const auto& m = test.ranking[i];
      cp.metrics[fmt::format("test.ndcg@{}", m.k)] = m.ndcg;
      cp.metrics[fmt::format("test.recall@{}", m.k)] = m.recall;
      cp.metrics[fmt::format("test.recall_min@{}", m.k)] = m.recall_min;
      cp.metrics[fmt::format("test.coverage@{}", m.k)] = m.coverage;
    }
    cp.metrics["test.loss"] = test.loss;
    if (at_epoch >= 0 && at_epoch < static_cast<std::int32_t>(result.curves.size()))
      cp.metrics["val." + config.train.select] = result.curves[static_cast<std::size_t>(at_epoch)].val_select;

    // Attackers read μ (eval mode): train users' full rows, test users' fold-in rows (REFERENCE §5).
    nn::Tensor train_mu, test_mu;
    model->eval_mu(eval_input(split.train), train_mu);
    model->eval_mu(eval_input(split.test.foldin), test_mu);
    for (const auto& [k, v] : run_attackers(engine, train_mu, split.train_users, test_mu, split.test.users, attributes,
                                            config.attackers, mix_seed(config.seed, kAttack)))
      cp.metrics[k] = v;
    return cp;
  }

  TrialResult finish() {
    result.epochs_run = epoch;
    result.seconds_per_epoch = epoch > 0 ? train_seconds / epoch : 0.0;
    auto params = model->recommender_params();
    std::vector<nn::Tensor> last;
    for (const auto& p : params) last.push_back(*p.param);
    if (best_epoch >= 0) {
      for (std::size_t i = 0; i < params.size(); ++i) *params[i].param = best_params[i];
      result.checkpoints.push_back(evaluate_checkpoint("best", best_epoch));
      for (std::size_t i = 0; i < params.size(); ++i) *params[i].param = last[i];
    }
    // After divergence the parameters are those before the failing step, but the trial is not a
    // finished model: only "best" is reported then.
    if (result.status == "ok") result.checkpoints.push_back(evaluate_checkpoint("last", epoch - 1));
    return result;
  }
};

void Trainer::save_checkpoint(const std::filesystem::path& path, std::string_view settings_tag) const {
  const auto& m = *impl_;
  const auto tmp = std::filesystem::path(path.string() + ".partial");
  {
    errno = 0;  // the stream reports only that a write failed; errno may say why
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write checkpoint", tmp.string()));
    Writer w(out);
    w.pod(kCheckpointMagic);
    w.str(std::string(settings_tag));
    w.pod(m.config.seed);
    w.pod(static_cast<std::int64_t>(m.split.items.size()));
    w.pod(m.epoch);
    auto rec = m.model->recommender_params();
    auto adv = m.model->adversary_params();
    w.pod(static_cast<std::uint64_t>(rec.size() + adv.size()));
    for (const auto& p : rec) w.tensor(*p.param);
    for (const auto& p : adv) w.tensor(*p.param);
    for (const nn::Adam* opt : {m.rec_opt.get(), m.adv_opt.get()}) {
      const auto& st = opt->state();
      w.pod(opt->lr());
      w.pod(st.step);
      w.pod(static_cast<std::uint64_t>(st.exp_avg.size()));
      for (std::size_t i = 0; i < st.exp_avg.size(); ++i) {
        w.vec(st.exp_avg[i]);
        w.vec(st.exp_avg_sq[i]);
      }
    }
    w.pod(m.plateau.state());
    w.pod(m.noise_rng.state());
    w.pod(m.shuffle_rng.state());
    w.pod(m.best_score);
    w.pod(m.best_epoch);
    w.pod(static_cast<std::uint64_t>(m.best_params.size()));
    for (const auto& t : m.best_params) w.tensor(t);
    w.pod(m.train_seconds);
    w.pod(static_cast<std::uint64_t>(m.result.curves.size()));
    for (const auto& r : m.result.curves) {
      w.pod(r.epoch);
      w.pod(r.train_loss);
      w.pod(r.train_vae);
      w.vec(r.adversary_loss);
      w.pod(r.val_loss);
      w.pod(r.val_select);
      w.pod(r.lr);
      w.pod(r.seconds);
    }
    w.pod(kCheckpointMagic);
    out.close();
    if (!out) {
      const int err = errno;  // the failed write's, if the stream kept it (a full disk, usually)
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error(fmt::format("{}: write failed{}", tmp.string(),
                                           err != 0 ? fmt::format(": {}", std::strerror(err)) : ""));
    }
  }
  std::filesystem::rename(tmp, path);
}

void Trainer::load_checkpoint(const std::filesystem::path& path, std::string_view settings_tag) {
  auto& m = *impl_;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open checkpoint", path.string()));
  Reader r(in, path.string());
  const auto magic = r.pod<std::uint64_t>();
  if (magic == kCheckpointMagicV1 || magic == kCheckpointMagicV2)
    throw InputError(fmt::format("{}: checkpoint of an older advx (format {}), which this version cannot resume",
                                 path.string(), magic == kCheckpointMagicV1 ? 1 : 2));
  if (magic != kCheckpointMagic) throw InputError(fmt::format("{}: not an advx checkpoint", path.string()));
  if (const auto tag = r.str(); tag != settings_tag)
    throw InputError(fmt::format("{}: checkpoint of other settings (saved under {}, this trial is {})", path.string(),
                                 tag.empty() ? "no tag" : tag, settings_tag.empty() ? "untagged" : settings_tag));
  if (r.pod<std::uint64_t>() != m.config.seed || r.pod<std::int64_t>() != static_cast<std::int64_t>(m.split.items.size()))
    throw InputError(fmt::format("{}: checkpoint belongs to another trial (seed or item count differ)", path.string()));
  m.epoch = r.pod<std::int32_t>();
  auto rec = m.model->recommender_params();
  auto adv = m.model->adversary_params();
  if (r.pod<std::uint64_t>() != rec.size() + adv.size())
    throw InputError(fmt::format("{}: checkpoint has a different number of parameter tensors", path.string()));
  for (const auto& p : rec) r.tensor_into(*p.param);
  for (const auto& p : adv) r.tensor_into(*p.param);
  for (nn::Adam* opt : {m.rec_opt.get(), m.adv_opt.get()}) {
    opt->set_lr(r.pod<double>());
    nn::Adam::State st;
    st.step = r.pod<std::int64_t>();
    const auto n = r.pod<std::uint64_t>();
    for (std::uint64_t i = 0; i < n; ++i) {
      st.exp_avg.push_back(r.vec<float>());
      st.exp_avg_sq.push_back(r.vec<float>());
    }
    opt->set_state(std::move(st));
  }
  m.plateau.set_state(r.pod<nn::ReduceLROnPlateau::State>());
  m.noise_rng.set_state(r.pod<Rng::State>());
  m.shuffle_rng.set_state(r.pod<Rng::State>());
  m.best_score = r.pod<double>();
  m.best_epoch = r.pod<std::int32_t>();
  m.best_params.clear();
  const auto nb = r.pod<std::uint64_t>();
  for (std::uint64_t i = 0; i < nb; ++i) m.best_params.push_back(r.tensor());
  m.train_seconds = r.pod<double>();
  m.result.curves.clear();
  const auto nc = r.pod<std::uint64_t>();
  for (std::uint64_t i = 0; i < nc; ++i) {
    EpochRecord e;
    e.epoch = r.pod<std::int32_t>();
    e.train_loss = r.pod<double>();
    e.train_vae = r.pod<double>();
    e.adversary_loss = r.vec<double>();
    e.val_loss = r.pod<double>();
    e.val_select = r.pod<double>();
    e.lr = r.pod<double>();
    e.seconds = r.pod<double>();
    m.result.curves.push_back(std::move(e));
  }
  if (r.pod<std::uint64_t>() != kCheckpointMagic) throw InputError(fmt::format("{}: truncated checkpoint", path.string()));
}

Trainer::Trainer(const TrialConfig& config, const Dataset& data) : impl_(std::make_unique<Impl>(config, data)) {}
Trainer::~Trainer() = default;
bool Trainer::train_epoch() { return impl_->train_epoch(); }
std::int32_t Trainer::epoch() const { return impl_->epoch; }
const std::vector<EpochRecord>& Trainer::curves() const { return impl_->result.curves; }
bool Trainer::done() const { return impl_->done(); }
TrialResult Trainer::finish() { return impl_->finish(); }

TrialResult run_trial(const TrialConfig& config, const Dataset& data, const EpochCallback& on_epoch) {
  const auto t0 = Clock::now();
  Trainer trainer(config, data);
  for (bool more = true; more;) {
    const auto seen = trainer.curves().size();
    more = trainer.train_epoch();
    // A diverged epoch adds no record (and ends the loop).
    if (on_epoch && trainer.curves().size() > seen) on_epoch(trainer.curves().back());
  }
  auto result = trainer.finish();
  result.seconds_total = seconds_since(t0);
  return result;
}

std::vector<std::string> checkpoint_metric_names(const TrialConfig& config) {
  // The keys Impl::evaluate_checkpoint and run_attackers (attacker.cpp) write; a trainer test checks
  // that a finished trial's checkpoints have exactly these.
  std::vector<std::string> names;
  for (const int k : config.train.ks)
    for (const char* metric : {"ndcg", "recall", "recall_min", "coverage"})
      names.push_back(fmt::format("test.{}@{}", metric, k));
  names.emplace_back("test.loss");
  names.push_back("val." + config.train.select);
  for (const auto& a : config.attributes) {
    static constexpr std::array<const char*, 3> kCategorical{"bacc", "bacc_batch", "chance"};
    static constexpr std::array<const char*, 2> kContinuous{"mae", "mae_constant"};
    if (a.categorical)
      for (const char* metric : kCategorical) names.push_back(fmt::format("attack.{}.{}", a.name, metric));
    else
      for (const char* metric : kContinuous) names.push_back(fmt::format("attack.{}.{}", a.name, metric));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace advx
