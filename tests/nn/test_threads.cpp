#include "advx/nn/threads.h"

#include <gtest/gtest.h>

#include <omp.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "nn_test_util.h"

namespace advx::nn {
namespace {

using testing::ThreadCountScope;

TEST(Threads, SetAndQuery) {
  const int before = num_threads();
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
  set_num_threads(2);
  EXPECT_EQ(num_threads(), 2);
  EXPECT_THROW(set_num_threads(0), std::invalid_argument);
  set_num_threads(before);
}

TEST(Threads, SideBySideRunsBothAndReportsTheirErrors) {
  ThreadCountScope restore(num_threads());
  for (const int threads : {1, 2, 3}) {
    set_num_threads(threads);
    std::atomic<int> ran{0};
    int inner_first = 0, inner_second = 0;
    side_by_side([&] { ++ran, inner_first = num_threads(); }, [&] { ++ran, inner_second = num_threads(); });
    EXPECT_EQ(ran, 2) << threads;
    // Side by side (2 threads) each side has one thread; otherwise they run in order with all of them.
    EXPECT_EQ(inner_first, threads == 2 ? 1 : threads);
    EXPECT_EQ(inner_second, threads == 2 ? 1 : threads);
    EXPECT_EQ(num_threads(), threads) << "the caller's thread count is restored";
    EXPECT_THROW(side_by_side([] {}, [] { throw std::invalid_argument("second"); }), std::invalid_argument);
    try {
      side_by_side([] { throw std::runtime_error("first"); }, [] { throw std::logic_error("second"); });
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "first") << "first's error wins";
    }
  }
  // A team of one (no active parallel levels): both sides still run, in order.
  set_num_threads(2);
  const int levels = omp_get_max_active_levels();
  omp_set_max_active_levels(0);
  std::vector<int> order;
  side_by_side([&] { order.push_back(1); }, [&] { order.push_back(2); });
  omp_set_max_active_levels(levels);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(Threads, SideBySideRunsTheTwoAtTheSameTime) {
  // Each side waits for the other to arrive: run one after the other, neither would see the other.
  ThreadCountScope two(2);
  std::atomic<bool> first_in{false}, second_in{false};
  bool first_saw = false, second_saw = false;
  const auto meet = [](std::atomic<bool>& mine, const std::atomic<bool>& other) {
    mine = true;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!other && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    return other.load();
  };
  side_by_side([&] { first_saw = meet(first_in, second_in); }, [&] { second_saw = meet(second_in, first_in); });
  EXPECT_TRUE(first_saw);
  EXPECT_TRUE(second_saw);
}

}  // namespace
}  // namespace advx::nn
