#include "advx/common/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace advx {
namespace {

// Trial ids, seeds and sweep identities are these hashes: they must never change, or every result file
// written before would stop matching its sweep. The values were computed by the implementation that
// wrote the first result files.
TEST(StableHash, KeepsItsValues) {
  EXPECT_EQ(hex64(stable_hash("")), "c3817c016ba4ff30");
  EXPECT_EQ(hex64(stable_hash("abc")), "29e32c04ec3f9c30");
  EXPECT_EQ(hex64(stable_hash("adversaries.gender.lambda=200\nsplit.fold=1\nreplicate=0\n")), "635dc4c2fda8bcd3");
}

TEST(StableHash, InPiecesEqualsTheWhole) {
  const std::string text = "adversaries.gender.lambda=200\nsplit.fold=1\nreplicate=0\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut)
    EXPECT_EQ(StableHasher().add(text.substr(0, cut)).add(text.substr(cut)).value(), stable_hash(text)) << cut;
  EXPECT_EQ(StableHasher().value(), stable_hash(""));
  EXPECT_NE(StableHasher().add("ab").value(), StableHasher().add("ba").value());
}

}  // namespace
}  // namespace advx
