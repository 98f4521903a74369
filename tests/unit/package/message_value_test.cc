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

TEST(DescribeLibraryErrorTest, RemovesJsonExceptionId) {
  struct Case {
    const char* what;
    const char* described;
  };
  const Case cases[] = {
      {"[json.exception.type_error.302] type must be string, but is number",
       "type must be string, but is number"},
      {"[json.exception.out_of_range.406] number overflow parsing '1e999'",
       "number overflow parsing '1e999'"},
      {"[json.exception.parse_error.101] parse error at line 1, column 2: x",
       "parse error at line 1, column 2: x"},
  };
  for (const Case& c : cases) EXPECT_EQ(DescribeLibraryError(c.what), c.described) << c.what;
}

TEST(DescribeLibraryErrorTest, KeepsOtherMessages) {
  for (const char* what : {"std::bad_alloc", "filesystem error: cannot remove: Permission denied",
                           "[json.exception. without end", "[other] text"}) {
    EXPECT_EQ(DescribeLibraryError(what), what) << what;
  }
}

TEST(DescribeLibraryErrorTest, EscapesControlsAndBadUtf8) {
  std::string described =
      DescribeLibraryError("[json.exception.type_error.316] invalid UTF-8 byte \xFF\n");
  EXPECT_EQ(described, "invalid UTF-8 byte \\xFF\\x0A");
  EXPECT_TRUE(IsValidUtf8(described));
}

}  // namespace
}  // namespace webjobs
