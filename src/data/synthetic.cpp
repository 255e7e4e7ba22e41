#include "advx/data/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/os.h>
#include <fmt/ranges.h>

#include "advx/common/error.h"
#include "advx/common/rng.h"

namespace advx {

namespace {

/// Sampling from a fixed discrete distribution by binary search over the cumulative weights.
class Discrete {
 public:
  explicit Discrete(const std::vector<double>& w) : cum_(w.size()) {
    std::partial_sum(w.begin(), w.end(), cum_.begin());
  }
  std::size_t sample(Rng& rng) const {
    const double u = rng.uniform_double() * cum_.back();
    return static_cast<std::size_t>(std::upper_bound(cum_.begin(), cum_.end(), u) - cum_.begin());
  }

 private:
  std::vector<double> cum_;
};

/// The stamp's "key: value" lines for `o` with its cluster count resolved. `generator` is bumped
/// whenever the generator's output for the same options changes.
std::vector<std::pair<std::string, std::string>> stamp_fields(const SyntheticOptions& o, std::int32_t clusters) {
  return {{"generator", "1"},
          {"users", fmt::format("{}", o.users)},
          {"items", fmt::format("{}", o.items)},
          {"seed", fmt::format("{}", o.seed)},
          {"clusters", fmt::format("{}", clusters)},
          {"signal", fmt::format("{}", o.signal)},
          {"taste", fmt::format("{}", o.taste)}};
}

std::int32_t resolved_clusters(const SyntheticOptions& o) { return o.clusters > 0 ? o.clusters : std::min(16, o.items / 5); }

constexpr std::array kAgeCodes{1, 18, 25, 35, 45, 50, 56};
// ML-1M's users per age code (REFERENCE §1.1).
constexpr std::array kAgeCounts{222.0, 1103.0, 2096.0, 1193.0, 550.0, 496.0, 380.0};

}  // namespace

SyntheticSummary write_synthetic_movielens(const std::filesystem::path& dir, const SyntheticOptions& o) {
  if (o.users < 10) throw InputError(fmt::format("--users must be ≥ 10, got {}", o.users));
  if (o.items < 50) throw InputError(fmt::format("--items must be ≥ 50, got {}", o.items));
  const std::int32_t clusters = resolved_clusters(o);
  if (clusters < 2 || clusters > o.items / 5)
    throw InputError(fmt::format("--clusters must be in 2..items/5 = 2..{} for {} items, got {}", o.items / 5,
                                 o.items, clusters));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create the output directory: {}", dir.string(), ec.message()));

  Rng rng(o.seed);
  const auto n_items = static_cast<std::size_t>(o.items);
  const auto n_clusters = static_cast<std::size_t>(clusters);

  // Items: a cluster each, and a long-tailed popularity over a random ranking.
  std::vector<std::int32_t> rank(n_items);
  std::iota(rank.begin(), rank.end(), 1);
  rng.shuffle(std::span<std::int32_t>(rank));
  std::vector<double> popularity(n_items);
  std::vector<std::vector<std::size_t>> cluster_items(n_clusters);
  std::vector<std::vector<double>> cluster_pop(n_clusters);
  for (std::size_t i = 0; i < n_items; ++i) {
    popularity[i] = 1.0 / rank[i];
    const auto c = static_cast<std::size_t>(rng.below(n_clusters));
    cluster_items[c].push_back(i);
    cluster_pop[c].push_back(popularity[i]);
  }
  std::vector<Discrete> within;
  for (std::size_t c = 0; c < n_clusters; ++c) {
    if (cluster_items[c].empty()) {  // every cluster needs an item; borrow the most popular one
      const auto top = static_cast<std::size_t>(std::max_element(popularity.begin(), popularity.end()) - popularity.begin());
      cluster_items[c].push_back(top);
      cluster_pop[c].push_back(popularity[top]);
    }
    within.emplace_back(cluster_pop[c]);
  }
  const Discrete global(popularity);

  // Attribute effects on cluster preferences: one vector per gender, one slope per cluster for age.
  std::vector<double> effect_f(n_clusters), effect_m(n_clusters), effect_age(n_clusters);
  for (std::size_t c = 0; c < n_clusters; ++c) {
    effect_f[c] = rng.normal();
    effect_m[c] = rng.normal();
    effect_age[c] = rng.normal();
  }
  const Discrete age_dist(std::vector<double>(kAgeCounts.begin(), kAgeCounts.end()));
  constexpr double kAgeMean = 30.64, kAgeSd = 12.89;
  const double mean_extra = std::max(1.0, 0.045 * o.items - 20.0);
  const double log_mu = std::log(mean_extra) - 0.5;  // log-normal with σ = 1 has mean e^{μ+½}

  // Written under temporary names and renamed at the end, so an interrupted run never leaves a
  // half-written data set that a reader would take for a complete one.
  // The temporary names are per process: several ranks of a sweep may generate the same (deterministic)
  // data set at once, and each rename then atomically installs identical content. ratings.dat comes
  // last, so a reader that sees it also sees users.dat.
  // The host is in the name too: shards of a SLURM array on several nodes may share data.path.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string suffix = fmt::format(".partial-{}-{}", host, ::getpid());
  const auto tmp = [&](const char* name) { return dir / (std::string(name) + suffix); };
  auto open = [&](const char* name) {
    try {
      return fmt::output_file(tmp(name).string());
    } catch (const std::system_error& e) {
      throw InputError(fmt::format("{}: cannot write: {}", tmp(name).string(), e.code().message()));
    }
  };
  auto users_out = open("users.dat");
  auto ratings_out = open("ratings.dat");
  SyntheticSummary summary;
  std::vector<double> pref(n_clusters);
  std::unordered_set<std::size_t> chosen;
  std::int64_t timestamp = 956703932;
  for (std::int32_t u = 1; u <= o.users; ++u) {
    const bool female = rng.uniform_double() < 0.283;
    const int age = kAgeCodes[age_dist.sample(rng)];
    const auto occupation = rng.below(21);
    users_out.print("{}::{}::{}::{}::{:05d}\n", u, female ? 'F' : 'M', age, occupation, rng.below(100000));
    summary.female += female ? 1 : 0;

    const double age_z = (age - kAgeMean) / kAgeSd;
    for (std::size_t c = 0; c < n_clusters; ++c)
      pref[c] = o.signal * ((female ? effect_f[c] : effect_m[c]) + effect_age[c] * age_z) + o.taste * rng.normal();
    const double top = *std::max_element(pref.begin(), pref.end());
    for (auto& p : pref) p = std::exp(p - top);
    const Discrete clusters(pref);

    const auto extra = static_cast<std::int64_t>(std::exp(log_mu + rng.normal()));
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(20 + extra, o.items / 2));
    chosen.clear();
    while (chosen.size() < n) {
      const bool via_taste = rng.uniform_double() < 0.7;
      std::size_t item;
      if (via_taste) {
        const auto c = clusters.sample(rng);
        item = cluster_items[c][within[c].sample(rng)];
      } else {
        item = global.sample(rng);
      }
      if (!chosen.insert(item).second) continue;
      // Items reached through taste are mostly liked; popularity picks are a coin toss.
      const double p_like = via_taste ? 0.75 : 0.45;
      int rating;
      if (rng.uniform_double() < p_like)
        rating = rng.uniform_double() < 0.45 ? 5 : 4;
      else
        rating = 1 + static_cast<int>(rng.below(3));
      ratings_out.print("{}::{}::{}::{}\n", u, item + 1, rating, timestamp++);
      ++summary.ratings;
      summary.ratings_ge4 += rating >= 4 ? 1 : 0;
    }
  }
  users_out.close();
  ratings_out.close();
  auto movies_out = open("movies.dat");
  for (std::size_t i = 0; i < n_items; ++i)
    movies_out.print("{}::Synthetic movie {} (2000)::Cluster{}\n", i + 1, i + 1, i % n_clusters);
  movies_out.close();
  auto stamp_out = open(kSyntheticStamp);
  stamp_out.print("# Options of the advx synthetic data set in this directory (advx data synth, or a sweep with\n"
                  "# data.format synthetic). A sweep uses this directory only when its options match these.\n");
  for (const auto& [key, value] : stamp_fields(o, clusters)) stamp_out.print("{}: {}\n", key, value);
  // Ties the stamp to the ratings it describes (a hand edit, or two generators racing on the renames).
  stamp_out.print("ratings_bytes: {}\n", std::filesystem::file_size(tmp("ratings.dat")));
  stamp_out.close();
  for (const char* name : {"users.dat", "movies.dat", kSyntheticStamp, "ratings.dat"})
    std::filesystem::rename(tmp(name), dir / name);
  return summary;
}

std::filesystem::path synthetic_dataset_dir(const std::filesystem::path& root, const SyntheticOptions& o) {
  return root / fmt::format("users{}-items{}-seed{}", o.users, o.items, o.seed);
}

std::filesystem::path ensure_synthetic_movielens(const std::filesystem::path& root, const SyntheticOptions& o) {
  const auto dir = synthetic_dataset_dir(root, o);
  if (!std::filesystem::exists(dir / "ratings.dat")) {
    write_synthetic_movielens(dir, o);
    return dir;
  }
  const auto stamp_path = dir / kSyntheticStamp;
  std::ifstream in(stamp_path);
  if (!in)
    throw InputError(fmt::format("{}: holds a data set but no {} naming the options it was generated with; advx "
                                 "generates into this directory: delete it to have it generated",
                                 dir.string(), kSyntheticStamp));
  std::vector<std::pair<std::string, std::string>> found;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(": ");
    if (colon == std::string::npos)
      throw InputError(fmt::format("{}: line '{}': expected 'key: value'", stamp_path.string(), line));
    found.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  std::vector<std::string> differ;
  for (const auto& [key, want] : stamp_fields(o, resolved_clusters(o))) {
    const auto it = std::find_if(found.begin(), found.end(), [&](const auto& f) { return f.first == key; });
    const std::string have = it == found.end() ? "(missing)" : it->second;
    if (have != want) differ.push_back(fmt::format("{} {} (asked: {})", key, have, want));
  }
  const auto bytes = std::find_if(found.begin(), found.end(), [](const auto& f) { return f.first == "ratings_bytes"; });
  std::error_code ec;
  const auto size = std::filesystem::file_size(dir / "ratings.dat", ec);
  if (bytes == found.end() || ec || bytes->second != std::to_string(size))
    differ.push_back(fmt::format("ratings.dat of {} bytes (stamped: {})", ec ? 0 : size,
                                 bytes == found.end() ? "(missing)" : bytes->second));
  if (!differ.empty())
    throw InputError(fmt::format("{}: holds a synthetic data set of other options: {}; delete the directory to have it "
                                 "generated anew",
                                 dir.string(), fmt::join(differ, ", ")));
  return dir;
}

}  // namespace advx
