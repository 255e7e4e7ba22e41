#include "advx/common/edit_distance.h"

#include <gtest/gtest.h>

namespace advx {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsSubstitutions) {
  EXPECT_EQ(edit_distance("analyse", "analyze"), 1u);
  EXPECT_EQ(edit_distance("--frmat", "--format"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(NearestMatch, NamesTheClosestWithinTwoEditsOnly) {
  const std::vector<std::string> options{"--users", "--items", "--out"};
  EXPECT_EQ(nearest_match("--user", options), "--users");
  EXPECT_EQ(nearest_match("--itmes", options), "--items");  // two substitutions
  EXPECT_EQ(nearest_match("--bogus", options), "");         // nothing within two edits
  EXPECT_EQ(nearest_match("x", {}), "");
  EXPECT_EQ(nearest_match("ab", {"ax", "ay"}), "ax") << "the first of equals";
}

}  // namespace
}  // namespace advx
