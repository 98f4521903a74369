#include "package/content_disposition.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

std::string FileName(std::string_view header) {
  Result<std::string> name = ParseContentDispositionFileName(header);
  EXPECT_TRUE(name.ok()) << header << ": " << (name.ok() ? "" : name.error().message);
  return name.ok() ? *name : "<error>";
}

TEST(ContentDispositionTest, ReadsQuotedAndTokenForms) {
  EXPECT_EQ(FileName("attachment; filename=\"J.zip\""), "J.zip");
  EXPECT_EQ(FileName("attachment; filename=run.sh"), "run.sh");
  EXPECT_EQ(FileName("attachment;filename=run.sh;size=10"), "run.sh");
  EXPECT_EQ(FileName("form-data; name=\"file\"; filename=\"x.zip\""), "x.zip");
  EXPECT_EQ(FileName("attachment; FileName = \"spaced.sh\" "), "spaced.sh");
}

TEST(ContentDispositionTest, UnescapesQuotedString) {
  EXPECT_EQ(FileName("attachment; filename=\"a\\\"b.sh\""), "a\"b.sh");
  EXPECT_EQ(FileName("attachment; filename=\"a;b.sh\""), "a;b.sh");
}

TEST(ContentDispositionTest, ReturnsNameUnsanitized) {
  EXPECT_EQ(FileName("attachment; filename=\"../../../etc/x.sh\""), "../../../etc/x.sh");
}

TEST(ContentDispositionTest, DecodesExtendedForm) {
  EXPECT_EQ(FileName("attachment; filename*=UTF-8''na%C3%AFve.sh"), "na\xC3\xAFve.sh");
  EXPECT_EQ(FileName("attachment; filename*=utf-8'en'a%20b.sh"), "a b.sh");
  EXPECT_EQ(FileName("attachment; filename*=ISO-8859-1''caf%E9.sh"), "caf\xC3\xA9.sh");
}

TEST(ContentDispositionTest, ExtendedFormWinsOverPlain) {
  EXPECT_EQ(FileName("attachment; filename=\"plain.sh\"; filename*=UTF-8''ext.sh"), "ext.sh");
  EXPECT_EQ(FileName("attachment; filename*=UTF-8''ext.sh; filename=\"plain.sh\""), "ext.sh");
}

TEST(ContentDispositionTest, BadExtendedFormFallsBackToPlain) {
  EXPECT_EQ(FileName("attachment; filename*=UTF-8''%ZZ; filename=plain.sh"), "plain.sh");
}

TEST(ContentDispositionTest, RejectsMissingFileName) {
  for (const char* header :
       {"", "attachment", "attachment; name=\"file\"", "inline;", "attachment; filename"}) {
    Result<std::string> name = ParseContentDispositionFileName(header);
    ASSERT_FALSE(name.ok()) << header;
    EXPECT_EQ(name.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(name.error().message.find("filename"), std::string::npos);
  }
}

TEST(ContentDispositionTest, RejectsMalformedValues) {
  for (const char* header :
       {"attachment; filename=\"unterminated", "attachment; filename*=UTF-8''%ZZ",
        "attachment; filename*=UTF-8''%C3", "attachment; filename*=KOI8-R''x.sh",
        "attachment; filename*=noquotes.sh", "attachment; filename*=UTF-8''%FF.sh"}) {
    Result<std::string> name = ParseContentDispositionFileName(header);
    ASSERT_FALSE(name.ok()) << header;
    EXPECT_EQ(name.error().code, ErrorCode::kInvalidArgument) << header;
  }
}

}  // namespace
}  // namespace webjobs
