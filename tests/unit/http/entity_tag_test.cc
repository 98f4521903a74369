#include "http/entity_tag.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(EntityTagTest, IsQuotedHexAndStable) {
  std::string tag = MakeEntityTag("EMPTY");
  EXPECT_EQ(tag.size(), 18u);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(tag, MakeEntityTag("EMPTY"));
  EXPECT_NE(tag, MakeEntityTag("EMPTY "));
}

TEST(EntityTagTest, MatchesExactTagAndStar) {
  std::string tag = MakeEntityTag("x");
  EXPECT_TRUE(IfNoneMatchMatches(tag, tag));
  EXPECT_TRUE(IfNoneMatchMatches("*", tag));
}

TEST(EntityTagTest, MatchesInListAndWeakForm) {
  std::string tag = MakeEntityTag("x");
  EXPECT_TRUE(IfNoneMatchMatches("\"other\", " + tag, tag));
  EXPECT_TRUE(IfNoneMatchMatches("W/" + tag, tag));
}

TEST(EntityTagTest, RejectsOtherTags) {
  std::string tag = MakeEntityTag("x");
  EXPECT_FALSE(IfNoneMatchMatches(MakeEntityTag("y"), tag));
  EXPECT_FALSE(IfNoneMatchMatches("", tag));
  EXPECT_FALSE(IfNoneMatchMatches(tag.substr(1, tag.size() - 2), tag));
}

}  // namespace
}  // namespace webjobs
