#include "package/message_value.h"

#include <gtest/gtest.h>

#include "package/text_encoding.h"

namespace webjobs {
namespace {

TEST(QuoteForMessageTest, EscapesQuotesAndControls) {
  EXPECT_EQ(QuoteForMessage("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(QuoteForMessage("a\nb\x01"), "\"a\\x0Ab\\x01\"");
  EXPECT_EQ(QuoteForMessage(std::string("a\0b", 3)), "\"a\\x00b\"");
}

TEST(QuoteForMessageTest, EscapesInvalidUtf8) {
  std::string quoted = QuoteForMessage("caf\xE9 \xC3\xA9");
  EXPECT_EQ(quoted, "\"caf\\xE9 \xC3\xA9\"");
  EXPECT_TRUE(IsValidUtf8(quoted));
}

TEST(QuoteForMessageTest, TruncatesLongValues) {
  std::string quoted = QuoteForMessage(std::string(300, 'a'), 10);
  EXPECT_EQ(quoted, "\"aaaaaaaaaa\"... (300 bytes)");
}

TEST(QuoteForMessageTest, TruncatesAtCharacterBoundary) {
  std::string quoted = QuoteForMessage("\xC3\xA9\xC3\xA9", 3);
  EXPECT_TRUE(IsValidUtf8(quoted));
}

}  // namespace
}  // namespace webjobs
