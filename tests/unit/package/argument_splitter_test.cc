#include "package/argument_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Split(std::string_view text) {
  Result<std::vector<std::string>> words = SplitArguments(text);
  EXPECT_TRUE(words.ok()) << text << ": " << (words.ok() ? "" : words.error().message);
  return words.ok() ? *words : std::vector<std::string>{"<error>"};
}

TEST(ArgumentSplitterTest, SplitsOnWhitespace) {
  EXPECT_THAT(Split(""), IsEmpty());
  EXPECT_THAT(Split("   \t\n "), IsEmpty());
  EXPECT_THAT(Split("a b"), ElementsAre("a", "b"));
  EXPECT_THAT(Split("  a \t b\nc  "), ElementsAre("a", "b", "c"));
}

TEST(ArgumentSplitterTest, KeepsQuotedWordsTogether) {
  // Kudu's functional test passes this and expects two arguments.
  EXPECT_THAT(Split("\"first arg\" \"second arg\""), ElementsAre("first arg", "second arg"));
  EXPECT_THAT(Split("'it is' one"), ElementsAre("it is", "one"));
  EXPECT_THAT(Split("a\"b c\"d"), ElementsAre("ab cd"));
}

TEST(ArgumentSplitterTest, EmptyQuotesMakeEmptyWord) {
  EXPECT_THAT(Split("\"\""), ElementsAre(""));
  EXPECT_THAT(Split("a '' b"), ElementsAre("a", "", "b"));
}

TEST(ArgumentSplitterTest, AppliesBackslashRules) {
  EXPECT_THAT(Split("a\\ b"), ElementsAre("a b"));
  EXPECT_THAT(Split("\\\"x"), ElementsAre("\"x"));
  EXPECT_THAT(Split("'a\\b'"), ElementsAre("a\\b"));
  EXPECT_THAT(Split("\"a\\b\""), ElementsAre("a\\b"));
  EXPECT_THAT(Split("\"a\\\"b\\\\c\\$d\""), ElementsAre("a\"b\\c$d"));
  EXPECT_THAT(Split("a\\\nb"), ElementsAre("ab"));
  EXPECT_THAT(Split("\\\n"), IsEmpty());
}

TEST(ArgumentSplitterTest, LeavesShellSyntaxLiteral) {
  EXPECT_THAT(Split("$HOME *.txt ~ a;b | `id` $(id)"),
              ElementsAre("$HOME", "*.txt", "~", "a;b", "|", "`id`", "$(id)"));
}

TEST(ArgumentSplitterTest, RejectsUnterminatedQuotes) {
  for (const char* text : {"\"open", "'open", "a \"b", "\\"}) {
    Result<std::vector<std::string>> words = SplitArguments(text);
    ASSERT_FALSE(words.ok()) << text;
    EXPECT_EQ(words.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(words.error().message.find("offset"), std::string::npos);
  }
}

TEST(ArgumentSplitterTest, RejectsNulByte) {
  Result<std::vector<std::string>> split = SplitArguments(std::string("a\0b", 3));
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.error().message.find("NUL byte at offset 1"), std::string::npos);
  EXPECT_EQ(split.error().message.find("quote"), std::string::npos) << split.error().message;
}

}  // namespace
}  // namespace webjobs
