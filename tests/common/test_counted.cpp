#include "advx/common/counted.h"

#include <gtest/gtest.h>

namespace advx {
namespace {

TEST(Counted, SingularOnlyForOne) {
  EXPECT_EQ(counted(1, "trial"), "1 trial");
  EXPECT_EQ(counted(0, "trial"), "0 trials");
  EXPECT_EQ(counted(2, "trial"), "2 trials");
  EXPECT_EQ(counted(-1, "trial"), "-1 trials");
}

TEST(Counted, IrregularPlural) {
  EXPECT_EQ(counted(1, "pass", "passes"), "1 pass");
  EXPECT_EQ(counted(3, "pass", "passes"), "3 passes");
}

}  // namespace
}  // namespace advx
