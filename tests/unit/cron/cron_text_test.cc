#include "cron/cron_text.h"

#include <gtest/gtest.h>

#include <string_view>

namespace webjobs {
namespace {

TEST(CronTextTest, Utf8CharacterLengthOfWellFormedSequences) {
  EXPECT_EQ(Utf8CharacterLength("a"), 1u);
  EXPECT_EQ(Utf8CharacterLength("\xC3\xA9x"), 2u);
  EXPECT_EQ(Utf8CharacterLength("\xE2\x80\x93"), 3u);
  EXPECT_EQ(Utf8CharacterLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(Utf8CharacterLength("\xF4\x8F\xBF\xBF"), 4u);
}

TEST(CronTextTest, Utf8CharacterLengthOfMalformedBytesIsOne) {
  for (std::string_view text : {
           std::string_view("\x80"),              // continuation byte alone
           std::string_view("\xC0\x80"),          // overlong form of U+0000
           std::string_view("\xE0\x80\x80"),      // overlong three-byte form
           std::string_view("\xED\xA0\x80"),      // surrogate U+D800
           std::string_view("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string_view("\xE2\x80"),          // cut short
           std::string_view("\xE2 x"),            // lead byte before a space
       }) {
    EXPECT_EQ(Utf8CharacterLength(text), 1u) << PrintableText(text);
  }
}

TEST(CronTextTest, CountUtf8CharactersCountsBadBytesOnce) {
  EXPECT_EQ(CountUtf8Characters(""), 0u);
  EXPECT_EQ(CountUtf8Characters("0 0"), 3u);
  EXPECT_EQ(CountUtf8Characters("\xC3\xA9 \xE2\x80\x93"), 3u);
  EXPECT_EQ(CountUtf8Characters("a\x80\xFF"), 3u);
}

TEST(CronTextTest, PrintableTextEscapesAndCuts) {
  EXPECT_EQ(PrintableText("0\t*\n\xC3\xA9"), "0\\t*\\x0A\\xC3\\xA9");
  EXPECT_EQ(PrintableText("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace webjobs
