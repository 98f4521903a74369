#include "core/words.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(JoinWordsTest, SeparatesWithSingleSpaces) {
  EXPECT_EQ(JoinWords({"java", "-jar", "app.jar"}), "java -jar app.jar");
}

TEST(JoinWordsTest, EmptyListIsEmptyText) { EXPECT_EQ(JoinWords({}), ""); }

TEST(JoinWordsTest, KeepsEmptyAndSpacedWordsAsGiven) {
  EXPECT_EQ(JoinWords({"a b", "", "c"}), "a b  c");
}

}  // namespace
}  // namespace webjobs
