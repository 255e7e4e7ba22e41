#include "advx/nn/threads.h"

#include <gtest/gtest.h>

#include <omp.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace advx::nn {
namespace {

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
  const int before = num_threads();
  for (const int threads : {1, 2}) {
    set_num_threads(threads);
    std::atomic<int> ran{0};
    int inner_first = 0, inner_second = 0;
    side_by_side([&] { ++ran, inner_first = num_threads(); }, [&] { ++ran, inner_second = num_threads(); });
    EXPECT_EQ(ran, 2) << threads;
    EXPECT_EQ(inner_first, 1) << "each side runs on one thread";
    EXPECT_EQ(inner_second, 1);
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
  set_num_threads(before);
}

}  // namespace
}  // namespace advx::nn
