#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/api_server_fixture.h"

namespace webjobs::testing {
namespace {

using ::testing::HasSubstr;

class ApiServerVfsTest : public ApiServerTest {
 protected:
  void WriteFile(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  std::filesystem::path JobData(const std::string& type, const std::string& name) {
    return service_.data_jobs_root / type / name;
  }
};

TEST_F(ApiServerVfsTest, ServesRunOutputAsText) {
  WriteFile(JobData("triggered", "J") / "202401021530450001" / "output_log.txt", "line 1\n");
  for (const char* prefix : {"/vfs", "/api/vfs"}) {
    httplib::Result response = Client().Get(
        std::string(prefix) + "/data/jobs/triggered/J/202401021530450001/output_log.txt");
    ASSERT_TRUE(response) << prefix;
    EXPECT_EQ(response->status, 200) << prefix;
    EXPECT_EQ(response->body, "line 1\n");
    EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  }
}

TEST_F(ApiServerVfsTest, ServesOtherFilesAsOctetStream) {
  WriteFile(JobData("continuous", "C") / "page.html", "<script>alert(1)</script>");
  httplib::Result response = Client().Get("/vfs/data/jobs/continuous/C/page.html");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(response->get_header_value("X-Content-Type-Options"), "nosniff");
}

TEST_F(ApiServerVfsTest, ServesEmptyFile) {
  WriteFile(JobData("continuous", "C") / "job_log.txt", "");
  httplib::Result response = Client().Get("/vfs/data/jobs/continuous/C/job_log.txt");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
}

TEST_F(ApiServerVfsTest, MissingFileAndFolderAreNotFound) {
  std::filesystem::create_directories(JobData("continuous", "C") / "sub");
  for (const char* path : {"/vfs/data/jobs/continuous/C/job_log.txt",
                           "/vfs/data/jobs/continuous/C/sub", "/vfs/data/jobs/continuous/C"}) {
    httplib::Result response = Client().Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
  }
}

TEST_F(ApiServerVfsTest, RejectsTraversalAttempts) {
  WriteFile(temp_dir_ / "secret.txt", "top secret content");
  WriteFile(JobData("continuous", "C") / "job_log.txt", "log");
  for (const char* path : {"/vfs/data/jobs/continuous/C/../../../secret.txt",
                           "/vfs/data/jobs/continuous/C/%2e%2e/%2e%2e/%2e%2e/secret.txt",
                           "/vfs/data/jobs/continuous/C/..%2F..%2F..%2Fsecret.txt",
                           "/vfs/data/jobs/continuous/C/x%5C..%5C..%5Csecret.txt",
                           "/vfs/data/jobs/continuous/%2e%2e/%2e%2e/secret.txt",
                           "/vfs/data/jobs/continuous/C/%2Fetc%2Fpasswd"}) {
    httplib::Result response = Client().Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 400) << path;
    EXPECT_THAT(response->body, ::testing::Not(HasSubstr("top secret content"))) << path;
  }
}

TEST_F(ApiServerVfsTest, RefusesSymlinkLeavingRoot) {
  WriteFile(temp_dir_ / "secret.txt", "secret");
  std::filesystem::create_directories(JobData("continuous", "C"));
  std::filesystem::create_symlink(temp_dir_ / "secret.txt",
                                  JobData("continuous", "C") / "link.txt");
  std::filesystem::create_directory_symlink(temp_dir_, JobData("continuous", "C") / "up");

  for (const char* path :
       {"/vfs/data/jobs/continuous/C/link.txt", "/vfs/data/jobs/continuous/C/up/secret.txt"}) {
    httplib::Result response = Client().Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
    EXPECT_THAT(response->body, HasSubstr("outside data/jobs")) << path;
  }
}

TEST_F(ApiServerVfsTest, FollowsSymlinkInsideRoot) {
  WriteFile(JobData("continuous", "C") / "job_log.txt", "log");
  std::filesystem::create_symlink(JobData("continuous", "C") / "job_log.txt",
                                  JobData("continuous", "C") / "latest.txt");
  httplib::Result response = Client().Get("/vfs/data/jobs/continuous/C/latest.txt");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "log");
}

TEST_F(ApiServerVfsTest, AnswersRangeInsideFile) {
  WriteFile(JobData("continuous", "C") / "job_log.txt", "0123456789");
  httplib::Result response =
      Client().Get("/vfs/data/jobs/continuous/C/job_log.txt", {{"Range", "bytes=4-"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 206);
  EXPECT_EQ(response->body, "456789");
  EXPECT_EQ(response->get_header_value("Content-Range"), "bytes 4-9/10");
}

TEST_F(ApiServerVfsTest, IgnoresRangePastEnd) {
  WriteFile(JobData("continuous", "C") / "job_log.txt", "0123456789");
  httplib::Result response =
      Client().Get("/vfs/data/jobs/continuous/C/job_log.txt", {{"Range", "bytes=2-100"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "0123456789");
}

TEST_F(ApiServerVfsTest, RangeAfterEndIsUnsatisfiable) {
  WriteFile(JobData("continuous", "C") / "job_log.txt", "0123456789");
  httplib::Result response =
      Client().Get("/vfs/data/jobs/continuous/C/job_log.txt", {{"Range", "bytes=10-"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 416);
  EXPECT_EQ(response->get_header_value("Content-Range"), "bytes */10");
}

TEST_F(ApiServerVfsTest, IsReadOnly) {
  httplib::Result response =
      Client().Put("/vfs/data/jobs/continuous/C/job_log.txt", "x", "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_FALSE(std::filesystem::exists(JobData("continuous", "C") / "job_log.txt"));
}

}  // namespace
}  // namespace webjobs::testing
