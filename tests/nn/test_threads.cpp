#include "advx/nn/threads.h"

#include <gtest/gtest.h>

#include <stdexcept>

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

}  // namespace
}  // namespace advx::nn
