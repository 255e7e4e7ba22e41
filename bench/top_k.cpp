// bench_top_k: advx's ranking of validation users (RankingAccumulator::add: top-k selection per user, then
// NDCG/Recall at k = 10, 20, 50), against two ways of selecting the top k alone, measured in the same run
// on the same rows (so the ratios understate what the selection itself gained):
//   partial-sort  std::partial_sort of every unmasked item (the textbook way);
//   heap          a min-heap of the k best scores, then an exact sort of the items at or above the k-th
//                 (advx's selection up to commit a5f9410).
// All three select the same lists (checked through advx::top_k_items). Rows are validation-sized: `users` × `items` scores, log
// popularity plus noise, in three item orders: shuffled, rising with the item index (ids assigned by
// popularity, the heap's worst case) and falling; `foldin` masked items per user (kNegInfinity).
//
//   bench_top_k [--users 1208] [--items 3706] [--k 50] [--foldin 22] [--repeats 5]     (1 thread)
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "advx/data/csr_matrix.h"
#include "advx/eval/ranking_metrics.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int users = 1208, items = 3706, k = 50, foldin = 22, repeats = 5;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench_top_k: %s needs a value\n", a.c_str());
      std::exit(2);
    }
    const int v = std::atoi(argv[++i]);
    if (a == "--users") o.users = v;
    else if (a == "--items") o.items = v;
    else if (a == "--k") o.k = v;
    else if (a == "--foldin") o.foldin = v;
    else if (a == "--repeats") o.repeats = v;
    else {
      std::fprintf(stderr, "bench_top_k: unknown option %s\n", a.c_str());
      std::exit(2);
    }
    if (v <= 0 && a != "--foldin") {
      std::fprintf(stderr, "bench_top_k: %s must be positive\n", a.c_str());
      std::exit(2);
    }
  }
  if (o.k > o.items - o.foldin) {
    std::fprintf(stderr, "bench_top_k: --k must be at most items - foldin\n");
    std::exit(2);
  }
  return o;
}

using Selector = std::vector<std::int32_t> (*)(const float*, int, const std::vector<std::int32_t>&, int);

// Unmasked items, in index order (masked ascending).
std::vector<std::int32_t> unmasked(int n, const std::vector<std::int32_t>& masked) {
  std::vector<std::int32_t> out;
  std::size_t p = 0;
  for (std::int32_t j = 0; j < n; ++j) {
    if (p < masked.size() && masked[p] == j) ++p;
    else out.push_back(j);
  }
  return out;
}

std::vector<std::int32_t> by_partial_sort(const float* s, int n, const std::vector<std::int32_t>& masked, int k) {
  auto cand = unmasked(n, masked);
  const auto better = [s](std::int32_t a, std::int32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
  std::partial_sort(cand.begin(), cand.begin() + k, cand.end(), better);
  cand.resize(static_cast<std::size_t>(k));
  return cand;
}

std::vector<std::int32_t> by_heap(const float* s, int n, const std::vector<std::int32_t>& masked, int k) {
  auto cand = unmasked(n, masked);
  std::vector<float> heap;
  for (const auto j : cand) {
    const float v = s[j];
    if (heap.size() < static_cast<std::size_t>(k)) {
      heap.push_back(v);
      std::push_heap(heap.begin(), heap.end(), std::greater<>());
    } else if (v > heap.front()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      heap.back() = v;
      std::push_heap(heap.begin(), heap.end(), std::greater<>());
    }
  }
  const float threshold = heap.front();
  std::erase_if(cand, [&](std::int32_t j) { return s[j] < threshold; });
  const auto better = [s](std::int32_t a, std::int32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); };
  std::partial_sort(cand.begin(), cand.begin() + k, cand.end(), better);
  cand.resize(static_cast<std::size_t>(k));
  return cand;
}

std::vector<std::int32_t> top_k_advx(const float* s, int n, const std::vector<std::int32_t>& masked, int k) {
  return advx::top_k_items(std::span<const float>(s, static_cast<std::size_t>(n)), masked, k,
                           advx::FoldInMask::kNegInfinity);
}

template <class F>
double median_us_per_user(const Options& o, F&& body) {
  std::vector<double> seconds;
  for (int rep = 0; rep < o.repeats; ++rep) {
    const auto t0 = Clock::now();
    body();
    seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::nth_element(seconds.begin(), seconds.begin() + o.repeats / 2, seconds.end());
  return seconds[static_cast<std::size_t>(o.repeats / 2)] / o.users * 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  omp_set_num_threads(1);
  std::mt19937_64 gen(1);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const auto n = static_cast<std::size_t>(o.items);
  // Log popularity of the item at each rank, p ∝ 1/(rank + 10) as in MovieLens.
  std::vector<float> log_pop(n);
  for (std::size_t r = 0; r < n; ++r) log_pop[r] = -std::log(static_cast<float>(r) + 10.0f);
  // Per user: `foldin` masked items and 4·foldin held-out targets, disjoint.
  std::vector<std::vector<std::int32_t>> masked(static_cast<std::size_t>(o.users));
  std::vector<std::pair<std::int32_t, std::int32_t>> foldin_pairs, heldout_pairs;
  for (int u = 0; u < o.users; ++u) {
    auto& m = masked[static_cast<std::size_t>(u)];
    std::vector<std::int32_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), gen);
    m.assign(all.begin(), all.begin() + o.foldin);
    std::sort(m.begin(), m.end());
    for (const auto j : m) foldin_pairs.emplace_back(u, j);
    for (int t = 0; t < 4 * o.foldin && o.foldin + t < o.items; ++t)
      heldout_pairs.emplace_back(u, all[static_cast<std::size_t>(o.foldin + t)]);
  }
  const auto foldin = advx::CsrMatrix::from_pairs(o.users, o.items, std::move(foldin_pairs));
  const auto heldout = advx::CsrMatrix::from_pairs(o.users, o.items, std::move(heldout_pairs));
  std::printf("# bench_top_k: %d users x %d items, top %d, %d masked items per user; median of %d repeats\n",
              o.users, o.items, o.k, o.foldin, o.repeats);
  std::printf("%-10s %18s %12s %12s %14s %10s\n", "item order", "partial-sort us/user", "heap us/user",
              "advx us/user", "partial/advx", "heap/advx");
  for (const std::string order : {"shuffled", "rising", "falling"}) {
    std::vector<std::size_t> rank_of(n);  // item j has popularity rank rank_of[j]
    std::iota(rank_of.begin(), rank_of.end(), 0);
    if (order == "shuffled") std::shuffle(rank_of.begin(), rank_of.end(), gen);
    if (order == "rising") std::reverse(rank_of.begin(), rank_of.end());
    std::vector<float> scores(static_cast<std::size_t>(o.users) * n);
    for (int u = 0; u < o.users; ++u)
      for (std::size_t j = 0; j < n; ++j) scores[static_cast<std::size_t>(u) * n + j] = log_pop[rank_of[j]] + noise(gen);

    std::size_t checksum = 0;
    const auto run = [&](Selector select) {
      return median_us_per_user(o, [&] {
        for (int u = 0; u < o.users; ++u) {
          const auto list = select(scores.data() + static_cast<std::size_t>(u) * n, o.items,
                                   masked[static_cast<std::size_t>(u)], o.k);
          checksum += static_cast<std::size_t>(list.back());
        }
      });
    };
    for (int u = 0; u < o.users; ++u) {  // the three agree
      const float* s = scores.data() + static_cast<std::size_t>(u) * n;
      const auto& m = masked[static_cast<std::size_t>(u)];
      const auto ref = by_partial_sort(s, o.items, m, o.k);
      if (by_heap(s, o.items, m, o.k) != ref || top_k_advx(s, o.items, m, o.k) != ref) {
        std::fprintf(stderr, "bench_top_k: lists differ for user %d (%s)\n", u, order.c_str());
        return 1;
      }
    }
    double ndcg = 0.0;
    const double t_advx = median_us_per_user(o, [&] {
      advx::RankingAccumulator acc({10, 20, o.k}, o.items, advx::FoldInMask::kNegInfinity);
      acc.add(scores, o.users, heldout, foldin, 0);
      ndcg += acc.result()[0].ndcg;
    });
    const double t_sort = run(by_partial_sort), t_heap = run(by_heap);
    std::printf("%-10s %18.2f %12.2f %12.2f %13.1fx %9.1fx\n", order.c_str(), t_sort, t_heap, t_advx,
                t_sort / t_advx, t_heap / t_advx);
    if (checksum == 0 || ndcg < 0.0) std::printf(" ");  // keep the results observable
  }
  return 0;
}
