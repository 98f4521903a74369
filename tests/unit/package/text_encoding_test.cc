#include "package/text_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace webjobs {
namespace {

std::string Utf16Le(std::u16string_view text, bool bom = true) {
  std::string bytes = bom ? "\xFF\xFE" : "";
  for (char16_t unit : text) {
    bytes += static_cast<char>(unit & 0xFF);
    bytes += static_cast<char>(unit >> 8);
  }
  return bytes;
}

std::string Utf16Be(std::u16string_view text) {
  std::string bytes = "\xFE\xFF";
  for (char16_t unit : text) {
    bytes += static_cast<char>(unit >> 8);
    bytes += static_cast<char>(unit & 0xFF);
  }
  return bytes;
}

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
}

TEST(Utf8Test, RejectsMalformedSequences) {
  for (std::string bytes : {"\xFF", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                            "\xF4\x90\x80\x80", "\x80", "\xE2\x82"}) {
    EXPECT_FALSE(IsValidUtf8(bytes)) << bytes.size();
  }
}

TEST(DecodeTextTest, StripsUtf8Bom) {
  EXPECT_EQ(DecodeTextToUtf8("\xEF\xBB\xBF{}", "f").value(), "{}");
  EXPECT_EQ(DecodeTextToUtf8("{}", "f").value(), "{}");
}

TEST(DecodeTextTest, ConvertsUtf16WithBom) {
  EXPECT_EQ(DecodeTextToUtf8(Utf16Le(u"{\"a\":\"\u00e9\"}"), "f").value(), "{\"a\":\"\xC3\xA9\"}");
  EXPECT_EQ(DecodeTextToUtf8(Utf16Be(u"{\"a\":1}"), "f").value(), "{\"a\":1}");
  // A surrogate pair becomes one four-byte sequence.
  EXPECT_EQ(DecodeTextToUtf8(Utf16Le(u"\U0001F600"), "f").value(), "\xF0\x9F\x98\x80");
}

TEST(DecodeTextTest, ConvertsUtf32WithBom) {
  std::string bytes("\xFF\xFE\x00\x00{\x00\x00\x00}\x00\x00\x00", 12);
  EXPECT_EQ(DecodeTextToUtf8(bytes, "f").value(), "{}");
  std::string big_endian("\x00\x00\xFE\xFF\x00\x00\x00{\x00\x00\x00}", 12);
  EXPECT_EQ(DecodeTextToUtf8(big_endian, "f").value(), "{}");
}

TEST(DecodeTextTest, RejectsMalformedUtf16) {
  std::string odd = Utf16Le(u"{}") + "x";
  std::string lone_high = Utf16Le(std::u16string(1, char16_t{0xD800}) + u"a");
  std::string lone_low = Utf16Le(std::u16string(1, char16_t{0xDC00}));
  for (const std::string& bytes : {odd, lone_high, lone_low}) {
    Result<std::string> text = DecodeTextToUtf8(bytes, "settings.job");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(text.error().message.find("settings.job"), std::string::npos);
  }
}

TEST(DecodeTextTest, ReportsUtf16WithoutBom) {
  Result<std::string> text = DecodeTextToUtf8(Utf16Le(u"{}", false), "settings.job");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("UTF-16 without a byte-order mark"), std::string::npos);
}

TEST(DecodeTextTest, ReportsOffsetOfInvalidUtf8) {
  Result<std::string> text = DecodeTextToUtf8("{\"a\":\"\xFF\"}", "settings.job");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("byte offset 6"), std::string::npos);
}

}  // namespace
}  // namespace webjobs
