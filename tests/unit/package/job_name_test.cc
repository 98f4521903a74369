#include "package/job_name.h"

#include <gtest/gtest.h>

#include <string>

namespace webjobs {
namespace {

TEST(JobNameTest, AcceptsPortalNames) {
  for (const char* name : {"J", "nightly", "nightly-backup_2", "0abc", "A_b-C"}) {
    EXPECT_TRUE(ValidateJobName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateJobName(std::string(255, 'a')).ok());
}

TEST(JobNameTest, RejectsTraversalAndSeparators) {
  // Names from request routes that must never reach a path.
  for (const char* name : {"..", ".", "a/b", "a\\b", "..%2F..%2Fx", "../x", "%2e%2e"}) {
    Status status = ValidateJobName(name);
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument) << name;
  }
}

TEST(JobNameTest, RejectsEmptyAndTooLong) {
  EXPECT_FALSE(ValidateJobName("").ok());
  Status too_long = ValidateJobName(std::string(256, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("256 bytes"), std::string::npos);
}

TEST(JobNameTest, RejectsCharactersOutsideRule) {
  for (std::string name : {"-x", "_x", "a b", "a.b", "ext(job)", "caf\xC3\xA9", "a:b"}) {
    EXPECT_FALSE(ValidateJobName(name).ok()) << name;
  }
  EXPECT_FALSE(ValidateJobName(std::string("a\0b", 3)).ok());
}

TEST(JobNameTest, MessageNamesValueAndRule) {
  Status status = ValidateJobName("a/b");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("\"a/b\""), std::string::npos);
  EXPECT_NE(status.error().message.find("letters, digits, '-' and '_'"), std::string::npos);
}

TEST(RunIdTest, AcceptsEighteenDigits) { EXPECT_TRUE(ValidateRunId("202401021530450123").ok()); }

TEST(RunIdTest, RejectsOtherForms) {
  for (const char* run_id :
       {"", "20240102153045012", "2024010215304501234", "20240102153045012a",
        "..%2F..%2FOther%2F202401021530450123", "../202401021530450", "20240102153045012/"}) {
    Status status = ValidateRunId(run_id);
    ASSERT_FALSE(status.ok()) << run_id;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(UploadFileNameTest, KeepsOnlyFileNamePart) {
  // Kudu keeps only the file name part of the Content-Disposition name.
  EXPECT_EQ(SanitizeUploadFileName("\"../../../etc/x.sh\"").value(), "x.sh");
  EXPECT_EQ(SanitizeUploadFileName("../../../etc/x.sh").value(), "x.sh");
  EXPECT_EQ(SanitizeUploadFileName("C:\\fakepath\\run.sh").value(), "run.sh");
  EXPECT_EQ(SanitizeUploadFileName("dir/sub\\run.cmd").value(), "run.cmd");
  EXPECT_EQ(SanitizeUploadFileName("run.sh").value(), "run.sh");
  EXPECT_EQ(SanitizeUploadFileName("na\xC3\xAFve job.sh").value(), "na\xC3\xAFve job.sh");
}

TEST(UploadFileNameTest, RejectsNamesWithoutFile) {
  for (std::string name : {"", "\"\"", "dir/", "..", ".", "a/..", "\"..\"", "x\\."}) {
    Result<std::string> result = SanitizeUploadFileName(name);
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(UploadFileNameTest, RejectsControlCharsAndBadUtf8) {
  EXPECT_FALSE(SanitizeUploadFileName("x\ty.sh").ok());
  EXPECT_FALSE(SanitizeUploadFileName("x\x7F.sh").ok());
  EXPECT_FALSE(SanitizeUploadFileName(std::string("x\0.sh", 5)).ok());
  EXPECT_FALSE(SanitizeUploadFileName("caf\xE9.sh").ok());
}

TEST(UploadFileNameTest, RejectsOverlongName) {
  EXPECT_TRUE(SanitizeUploadFileName(std::string(255, 'a')).ok());
  EXPECT_FALSE(SanitizeUploadFileName(std::string(256, 'a')).ok());
  EXPECT_TRUE(SanitizeUploadFileName("dir/" + std::string(255, 'a')).ok());
}

}  // namespace
}  // namespace webjobs
