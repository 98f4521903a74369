#include "cli/upload_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace webjobs {
namespace {

class UploadFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = std::filesystem::temp_directory_path() / "upload-file-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& name, const std::string& content) {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(UploadFileTest, DetectsZipBySignature) {
  Result<bool> local_header = IsZipFile(Write("package", std::string("PK\x03\x04rest", 8)));
  Result<bool> empty_archive = IsZipFile(Write("empty", std::string("PK\x05\x06", 4)));
  ASSERT_TRUE(local_header.ok());
  ASSERT_TRUE(empty_archive.ok());
  EXPECT_TRUE(*local_header);
  EXPECT_TRUE(*empty_archive);
}

TEST_F(UploadFileTest, DetectsZipByExtension) {
  Result<bool> zip = IsZipFile(Write("job.ZIP", "not really"));
  ASSERT_TRUE(zip.ok());
  EXPECT_TRUE(*zip);
}

TEST_F(UploadFileTest, JarIsUploadedAsOneFile) {
  Result<bool> jar = IsZipFile(Write("hello.jar", std::string("PK\x03\x04rest", 8)));
  ASSERT_TRUE(jar.ok());
  EXPECT_FALSE(*jar);
}

TEST_F(UploadFileTest, ScriptIsNotZip) {
  Result<bool> script = IsZipFile(Write("run.sh", "#!/bin/sh\necho hi\n"));
  Result<bool> tiny = IsZipFile(Write("x", "PK"));
  ASSERT_TRUE(script.ok());
  ASSERT_TRUE(tiny.ok());
  EXPECT_FALSE(*script);
  EXPECT_FALSE(*tiny);
}

TEST_F(UploadFileTest, MissingFileIsIoError) {
  Result<bool> missing = IsZipFile(dir_ / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

TEST(ContentDispositionForTest, QuotesPlainName) {
  EXPECT_EQ(ContentDispositionFor("run.sh"), "attachment; filename=\"run.sh\"");
  EXPECT_EQ(ContentDispositionFor("a\"b\\c.sh"), "attachment; filename=\"a\\\"b\\\\c.sh\"");
}

TEST(ContentDispositionForTest, AddsExtendedNameForNonAscii) {
  EXPECT_EQ(ContentDispositionFor("caf\xC3\xA9.sh"),
            "attachment; filename=\"caf__.sh\"; filename*=UTF-8''caf%C3%A9.sh");
}

}  // namespace
}  // namespace webjobs
