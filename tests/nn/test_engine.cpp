#include "advx/nn/engine.h"

#include <gtest/gtest.h>

#include "advx/nn/threads.h"

namespace advx::nn {
namespace {

TEST(Engine, IsCpuAndIndependentInstancesCoexist) {
  Engine a;
  Engine b;
  EXPECT_EQ(a.engine().get_kind(), dnnl::engine::kind::cpu);
  EXPECT_EQ(b.engine().get_kind(), dnnl::engine::kind::cpu);
  a.stream().wait();
}

}  // namespace
}  // namespace advx::nn
