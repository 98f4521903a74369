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

TEST(CronTextTest, PrintableTextKeepsWellFormedUtf8) {
  for (std::string_view text : {
           std::string_view("\xEC\x9B\x94"),              // U+C6D4 Hangul syllable
           std::string_view("0 0 9 * * \xEC\x9B\x94"),    // in an expression
           std::string_view("\xC3\xA9t\xC3\xA9"),         // U+00E9 between ASCII
           std::string_view("\xE2\x80\x93"),              // U+2013 en dash
           std::string_view("\xEF\xBC\x95"),              // U+FF15 fullwidth digit five
           std::string_view("\xF0\x9F\x98\x80"),          // U+1F600, four bytes
           std::string_view("\xC2\xA0"),                  // U+00A0, the first after C1
           std::string_view("\xEC\x84\x9C\xEC\x9A\xB8"),  // Seoul in Hangul, as a zone name
       }) {
    EXPECT_EQ(PrintableText(text), text);
  }
}

TEST(CronTextTest, PrintableTextEscapesControlsAndMalformedBytes) {
  struct Case {
    std::string_view text;
    std::string_view expected;
  };
  const Case cases[] = {
      {"0\t*", "0\\t*"},
      {"a\nb", "a\\x0Ab"},
      {std::string_view("a\0b", 3), "a\\x00b"},
      {"\x1B[31m", "\\x1B[31m"},                  // ESC, which starts terminal sequences
      {"\x7F", "\\x7F"},                          // DEL
      {"\xC2\x85", "\\xC2\\x85"},                 // U+0085 NEXT LINE, a C1 control
      {"\xC2\x9B", "\\xC2\\x9B"},                 // U+009B, which some terminals read as CSI
      {"\xFF", "\\xFF"},                          // never valid in UTF-8
      {"\x80", "\\x80"},                          // continuation byte alone
      {"\xC0\xAF", "\\xC0\\xAF"},                 // overlong '/'
      {"\xED\xA0\x80", "\\xED\\xA0\\x80"},        // surrogate U+D800
      {"\xEC\x9B", "\\xEC\\x9B"},                 // cut short
      {"caf\xE9 \xC3\xA9", "caf\\xE9 \xC3\xA9"},  // Latin-1 next to UTF-8
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PrintableText(c.text), c.expected) << c.expected;
  }
}

TEST(CronTextTest, PrintableTextCutsAtCharacterBoundary) {
  EXPECT_EQ(PrintableText("abcdef", 3), "abc...");
  EXPECT_EQ(PrintableText("abc", 3), "abc");
  // Two three-byte characters in 5 bytes: the second would not fit whole.
  EXPECT_EQ(PrintableText("\xEC\x9B\x94\xEC\x9B\x94", 5), "\xEC\x9B\x94...");
  EXPECT_EQ(PrintableText("\xEC\x9B\x94\xEC\x9B\x94", 6), "\xEC\x9B\x94\xEC\x9B\x94");
  EXPECT_EQ(PrintableText("a\xEC\x9B\x94", 2), "a...");
}

}  // namespace
}  // namespace webjobs
