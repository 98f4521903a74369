#include "package/zip_entry_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ZipEntryPathTest, KeepsPlainPaths) {
  Result<ZipEntryPath> path = NormalizeZipEntryName("lib/helper.py");
  ASSERT_TRUE(path.ok());
  EXPECT_THAT(path->components, ElementsAre("lib", "helper.py"));
  EXPECT_FALSE(path->is_directory);
  EXPECT_EQ(path->Joined(), "lib/helper.py");
}

TEST(ZipEntryPathTest, ConvertsWindowsSeparators) {
  EXPECT_EQ(NormalizeZipEntryName("lib\\sub\\x.py")->Joined(), "lib/sub/x.py");
  EXPECT_TRUE(NormalizeZipEntryName("lib\\")->is_directory);
}

TEST(ZipEntryPathTest, DropsEmptyAndDotComponents) {
  EXPECT_EQ(NormalizeZipEntryName("./run.sh")->Joined(), "run.sh");
  EXPECT_EQ(NormalizeZipEntryName("a//b/./c")->Joined(), "a/b/c");
  Result<ZipEntryPath> root = NormalizeZipEntryName("./");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->components.empty());
  EXPECT_TRUE(root->is_directory);
}

TEST(ZipEntryPathTest, RejectsEscapes) {
  struct Case {
    const char* name;
    const char* reason;
  };
  for (const Case& c :
       {Case{"../evil.sh", "\"..\" component"},
        Case{"../../../../tmp/pwned.txt", "\"..\" component"},
        Case{"/etc/cron.d/evil", "absolute path"}, Case{"a/../../b", "\"..\" component"},
        Case{"a/..", "\"..\" component"}, Case{"C:/x", "drive letter"}, Case{"c:x", "drive letter"},
        Case{"./C:/x", "drive letter"}, Case{"dir\\..\\..\\w", "\"..\" component"},
        Case{"..\\..\\x", "\"..\" component"}, Case{"\\\\server\\share\\x", "absolute path"},
        Case{"\\x", "absolute path"}, Case{"//x", "absolute path"}}) {
    Result<ZipEntryPath> path = NormalizeZipEntryName(c.name);
    ASSERT_FALSE(path.ok()) << c.name;
    EXPECT_EQ(path.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(path.error().message, HasSubstr(c.reason)) << c.name;
  }
}

TEST(ZipEntryPathTest, MessageQuotesEntry) {
  Result<ZipEntryPath> path = NormalizeZipEntryName("../evil.sh");
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.error().message, HasSubstr("invalid zip entry \"../evil.sh\""));
}

TEST(ZipEntryPathTest, AllowsColonAfterFirstComponent) {
  EXPECT_TRUE(NormalizeZipEntryName("a/b:c").ok());
  EXPECT_TRUE(NormalizeZipEntryName("ab:c").ok());
}

TEST(ZipEntryPathTest, RejectsControlCharacters) {
  for (std::string name : {"x\x01.sh", "a\nb", "tab\there", "del\x7F"}) {
    Result<ZipEntryPath> path = NormalizeZipEntryName(name);
    ASSERT_FALSE(path.ok());
    EXPECT_THAT(path.error().message, HasSubstr("control character"));
  }
}

TEST(ZipEntryPathTest, RejectsNamesWithoutFile) {
  EXPECT_FALSE(NormalizeZipEntryName("").ok());
  EXPECT_FALSE(NormalizeZipEntryName(".").ok());
}

TEST(ZipEntryPathTest, RejectsOversizedPaths) {
  EXPECT_TRUE(NormalizeZipEntryName(std::string(255, 'a')).ok());
  EXPECT_THAT(NormalizeZipEntryName(std::string(256, 'a')).error().message,
              HasSubstr("longer than 255 bytes"));
  std::string long_path;
  for (int i = 0; i < 120; ++i) long_path += "abcdefgh/";
  EXPECT_THAT(NormalizeZipEntryName(long_path + "x").error().message,
              HasSubstr("longer than 1024 bytes"));
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "a/";
  EXPECT_THAT(NormalizeZipEntryName(deep + "x").error().message, HasSubstr("64 folders"));
}

TEST(ZipEntryPathTest, MarksArchiveMetadata) {
  EXPECT_TRUE(NormalizeZipEntryName("__MACOSX/._run.sh")->is_archive_metadata);
  EXPECT_TRUE(NormalizeZipEntryName("app/.DS_Store")->is_archive_metadata);
  EXPECT_TRUE(NormalizeZipEntryName("img/thumbs.db")->is_archive_metadata);
  EXPECT_FALSE(NormalizeZipEntryName("app/run.sh")->is_archive_metadata);
}

}  // namespace
}  // namespace webjobs
