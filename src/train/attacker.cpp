#include "advx/train/attacker.h"

#include <cmath>
#include <numeric>

#include "advx/eval/attacker_metrics.h"
#include "advx/model/head_group.h"
#include "advx/nn/adam.h"

namespace advx {

namespace {

void gather(const nn::Tensor& src, std::span<const std::int32_t> rows, nn::Tensor& out) {
  out.resize(static_cast<std::int64_t>(rows.size()), src.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto in = src.row(rows[i]);
    std::copy(in.begin(), in.end(), out.row(static_cast<std::int64_t>(i)).begin());
  }
}

HeadTargets select(const HeadTargets& t, std::span<const std::int32_t> idx) {
  HeadTargets out;
  for (auto i : idx) {
    if (!t.labels.empty()) out.labels.push_back(t.labels[static_cast<std::size_t>(i)]);
    if (!t.values.empty()) out.values.push_back(t.values[static_cast<std::size_t>(i)]);
  }
  return out;
}

}  // namespace

std::map<std::string, double> run_attackers(nn::Engine& engine, const nn::Tensor& train_mu,
                                            std::span<const std::int32_t> train_rows, const nn::Tensor& test_mu,
                                            std::span<const std::int32_t> test_rows,
                                            const std::vector<AttributeTargets>& attributes,
                                            const AttackerConfig& config, std::uint64_t seed) {
  std::map<std::string, double> out;
  if (attributes.empty()) return out;
  Rng init_rng(mix_seed(seed, 1)), rng(mix_seed(seed, 2));
  std::vector<HeadGroup> heads;
  std::vector<HeadTargets> train_targets;
  std::vector<nn::ParamRef> params;
  for (const auto& a : attributes) {
    const HeadConfig hc{.heads = 1,
                        .hidden = config.hidden,
                        .activation = a.categorical ? Activation::kReLU : Activation::kSigmoid,
                        .dropout = config.dropout};
    heads.emplace_back(engine, static_cast<std::int32_t>(train_mu.cols()), a.classes, a.categorical, hc,
                       a.class_weights, init_rng);
    train_targets.push_back(a.of_rows(train_rows));
  }
  for (auto& h : heads)
    for (const auto& p : h.params()) params.push_back(p);
  nn::Adam adam(params, {.lr = config.lr, .weight_decay = config.weight_decay});

  std::vector<std::int32_t> order(train_rows.size());
  std::iota(order.begin(), order.end(), 0);
  nn::Tensor batch_mu, dz;
  for (std::int32_t epoch = 0; epoch < config.epochs; ++epoch) {
    rng.shuffle(std::span<std::int32_t>(order));
    for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(config.batch_size)) {
      const auto idx = std::span<const std::int32_t>(order).subspan(
          start, std::min<std::size_t>(static_cast<std::size_t>(config.batch_size), order.size() - start));
      gather(train_mu, idx, batch_mu);
      for (std::size_t a = 0; a < heads.size(); ++a) {
        heads[a].forward(batch_mu, nn::Mode::train, &rng);
        (void)heads[a].loss(select(train_targets[a], idx), true, 1.0f, &dz);
      }
      adam.step();
    }
  }

  // Test: one pass in eval mode over all test users.
  for (std::size_t a = 0; a < heads.size(); ++a) {
    const auto& attr = attributes[a];
    heads[a].forward(test_mu, nn::Mode::eval, nullptr);
    const nn::Tensor& pred = heads[a].outputs_stacked();  // one head: [test users × classes]
    const HeadTargets test = attr.of_rows(test_rows);
    if (attr.categorical) {
      const auto y_pred = argmax_rows(pred.values(), static_cast<std::int32_t>(pred.rows()), attr.classes);
      out["attack." + attr.name + ".bacc"] = balanced_accuracy(test.labels, y_pred, attr.classes);
      out["attack." + attr.name + ".bacc_batch"] = batch_mean_balanced_accuracy(test.labels, y_pred, attr.classes, 64);
      // Chance level of this balanced accuracy, kept beside it so the analysis needs no class count: 1/C,
      // or 1/(classes present) when the test users lack a class, as the BAcc then averages fewer.
      out["attack." + attr.name + ".chance"] = balanced_accuracy_chance(test.labels, attr.classes);
    } else {
      std::vector<float> raw_pred;
      for (auto v : pred.values()) raw_pred.push_back(attr.scaler.inverse(v));
      const auto raw_test = attr.raw_values(test_rows);
      out["attack." + attr.name + ".mae"] = mean_absolute_error(raw_pred, raw_test);
      const auto raw_train = attr.raw_values(train_rows);
      out["attack." + attr.name + ".mae_constant"] = constant_predictor_mae(raw_train, raw_test);
    }
  }
  return out;
}

}  // namespace advx
