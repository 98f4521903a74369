#include "process/job_log_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "process/test_support.h"

namespace webjobs {
namespace {

using std::chrono::seconds;
using testing::FakeClock;
using testing::TempDir;

// 2026-12-04 19:30:15 UTC.
constexpr std::chrono::system_clock::time_point kStart{seconds(1796412615)};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

JobLogWriter OpenWriter(const std::filesystem::path& path, const Clock& clock,
                        JobLogWriterOptions options = {}) {
  Result<JobLogWriter> writer = JobLogWriter::Open(path, "i", clock, options);
  EXPECT_TRUE(writer.ok()) << (writer.ok() ? "" : writer.error().message);
  return std::move(writer).value();
}

TEST(JobLogWriterTest, WritesKuduLineFormats) {
  TempDir dir;
  FakeClock clock(kStart);
  Result<JobLogWriter> opened = JobLogWriter::Open(dir.path() / "output_log.txt", "a1b2c3", clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  JobLogWriter writer = std::move(opened).value();

  writer.WriteOutput(OutputStream::kStdout, "ok");
  writer.WriteOutput(OutputStream::kStderr, "warn");
  writer.WriteSystem(SystemLevel::kInfo, "Status changed to Running");
  writer.WriteSystem(SystemLevel::kWarn, "slow");
  writer.WriteSystem(SystemLevel::kError, "Process went down with exit code 3");
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "output_log.txt"),
            "[12/04/2026 19:30:15 > a1b2c3: INFO] ok\n"
            "[12/04/2026 19:30:15 > a1b2c3: ERR ] warn\n"
            "[12/04/2026 19:30:15 > a1b2c3: SYS INFO] Status changed to Running\n"
            "[12/04/2026 19:30:15 > a1b2c3: SYS WARN] slow\n"
            "[12/04/2026 19:30:15 > a1b2c3: SYS ERR ] Process went down with exit code 3\n");
}

TEST(JobLogWriterTest, TimestampFollowsClockInUtc) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "log.txt", clock);

  writer.WriteOutput(OutputStream::kStdout, "one");
  clock.Advance(std::chrono::milliseconds(999));  // same second: cached prefix
  writer.WriteOutput(OutputStream::kStdout, "two");
  clock.Advance(std::chrono::milliseconds(1));
  writer.WriteOutput(OutputStream::kStdout, "three");
  clock.Advance(std::chrono::hours(24 * 28));
  writer.WriteOutput(OutputStream::kStdout, "four");
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "log.txt"),
            "[12/04/2026 19:30:15 > i: INFO] one\n"
            "[12/04/2026 19:30:15 > i: INFO] two\n"
            "[12/04/2026 19:30:16 > i: INFO] three\n"
            "[01/01/2027 19:30:16 > i: INFO] four\n");
}

TEST(JobLogWriterTest, LineBreaksInsideTextBecomeSpaces) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "log.txt", clock);

  writer.WriteSystem(SystemLevel::kError, "first\nsecond\r\nthird");
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "log.txt"),
            "[12/04/2026 19:30:15 > i: SYS ERR ] first second  third\n");
}

TEST(JobLogWriterTest, BuffersUntilFlush) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "log.txt", clock);

  writer.WriteOutput(OutputStream::kStdout, "buffered");
  EXPECT_EQ(ReadFile(dir.path() / "log.txt"), "");
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(ReadFile(dir.path() / "log.txt"), "[12/04/2026 19:30:15 > i: INFO] buffered\n");
}

TEST(JobLogWriterTest, WritesWhenBufferIsFull) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriterOptions options;
  options.buffer_bytes = 100;
  JobLogWriter writer = OpenWriter(dir.path() / "log.txt", clock, options);

  writer.WriteOutput(OutputStream::kStdout, std::string(40, 'a'));  // 73 bytes
  EXPECT_EQ(ReadFile(dir.path() / "log.txt").size(), 0u);
  writer.WriteOutput(OutputStream::kStdout, std::string(40, 'b'));  // 146 bytes
  EXPECT_EQ(ReadFile(dir.path() / "log.txt").size(), 146u);
}

TEST(JobLogWriterTest, DestructorFlushes) {
  TempDir dir;
  FakeClock clock(kStart);
  {
    JobLogWriter writer = OpenWriter(dir.path() / "log.txt", clock);
    writer.WriteOutput(OutputStream::kStderr, "last words");
  }
  EXPECT_EQ(ReadFile(dir.path() / "log.txt"), "[12/04/2026 19:30:15 > i: ERR ] last words\n");
}

TEST(JobLogWriterTest, AppendsToExistingFileWithMode0644) {
  TempDir dir;
  FakeClock clock(kStart);
  std::filesystem::path path = dir.path() / "log.txt";
  std::ofstream(path) << "earlier\n";
  {
    JobLogWriter writer = OpenWriter(path, clock);
    EXPECT_EQ(writer.size(), 8u);
    writer.WriteOutput(OutputStream::kStdout, "later");
  }
  EXPECT_EQ(ReadFile(path), "earlier\n[12/04/2026 19:30:15 > i: INFO] later\n");

  std::filesystem::path fresh = dir.path() / "fresh.txt";
  { JobLogWriter writer = OpenWriter(fresh, clock); }
  struct stat info {};
  ASSERT_EQ(stat(fresh.c_str(), &info), 0);
  mode_t old_umask = umask(0);
  umask(old_umask);
  EXPECT_EQ(info.st_mode & 0777, 0644u & ~old_umask);
}

TEST(JobLogWriterTest, OpenFailureNamesPath) {
  FakeClock clock(kStart);
  TempDir dir;
  std::filesystem::path path = dir.path() / "missing-dir" / "job_log.txt";
  Result<JobLogWriter> writer = JobLogWriter::Open(path, "i", clock);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, ErrorCode::kIo);
  EXPECT_NE(writer.error().message.find(path.string()), std::string::npos)
      << writer.error().message;
}

TEST(JobLogWriterTest, CreateLaterWritesAtFirstFlush) {
  TempDir dir;
  FakeClock clock(kStart);
  std::filesystem::path path = dir.path() / "runs" / "20261204193015" / "output_log.txt";
  JobLogWriter writer = JobLogWriter::CreateLater(path, "i", clock);

  writer.WriteSystem(SystemLevel::kInfo, "starting");
  writer.WriteOutput(OutputStream::kStdout, "early output");
  EXPECT_FALSE(std::filesystem::exists(path.parent_path()));
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(ReadFile(path),
            "[12/04/2026 19:30:15 > i: SYS INFO] starting\n"
            "[12/04/2026 19:30:15 > i: INFO] early output\n");
  EXPECT_EQ(writer.size(), ReadFile(path).size());
}

TEST(JobLogWriterTest, CreateLaterAppendsToAnExistingFile) {
  TempDir dir;
  FakeClock clock(kStart);
  std::filesystem::path path = dir.path() / "log.txt";
  std::ofstream(path) << "earlier\n";
  {
    JobLogWriter writer = JobLogWriter::CreateLater(path, "i", clock);
    writer.WriteOutput(OutputStream::kStdout, "later");
    ASSERT_TRUE(writer.Flush().ok());
    EXPECT_EQ(writer.size(), ReadFile(path).size());
  }
  EXPECT_EQ(ReadFile(path), "earlier\n[12/04/2026 19:30:15 > i: INFO] later\n");
}

TEST(JobLogWriterTest, CreateLaterWithoutFlushWritesOnDestruction) {
  TempDir dir;
  FakeClock clock(kStart);
  std::filesystem::path path = dir.path() / "run" / "log.txt";
  { JobLogWriter::CreateLater(path, "i", clock).WriteSystem(SystemLevel::kWarn, "bye"); }
  EXPECT_EQ(ReadFile(path), "[12/04/2026 19:30:15 > i: SYS WARN] bye\n");
}

TEST(JobLogWriterTest, CreateLaterFailureNamesFolderAndRetries) {
  TempDir dir;
  FakeClock clock(kStart);
  std::filesystem::path blocker = dir.path() / "not-a-folder";
  std::ofstream(blocker) << "a file where the run folder should be\n";
  std::filesystem::path path = blocker / "output_log.txt";
  JobLogWriter writer = JobLogWriter::CreateLater(path, "i", clock);

  writer.WriteSystem(SystemLevel::kInfo, "lost");
  Status flushed = writer.Flush();
  ASSERT_FALSE(flushed.ok());
  EXPECT_EQ(flushed.error().code, ErrorCode::kIo);
  EXPECT_NE(flushed.error().message.find(blocker.string()), std::string::npos)
      << flushed.error().message;

  // Once the obstacle is gone, the next flush creates the file.
  std::filesystem::remove(blocker);
  writer.WriteSystem(SystemLevel::kInfo, "kept");
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(ReadFile(path), "[12/04/2026 19:30:15 > i: SYS INFO] kept\n");
}

TEST(JobLogWriterTest, RotationWithoutPreviousPathIsRejected) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriterOptions options;
  options.rotation.max_bytes = 1000;
  Result<JobLogWriter> writer = JobLogWriter::Open(dir.path() / "job_log.txt", "i", clock, options);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, ErrorCode::kInvalidArgument);
}

TEST(JobLogWriterTest, RotatedPathNamesGenerations) {
  LogRotation rotation{1000, 4, "/jobs/j/job_prev_log.txt"};
  EXPECT_EQ(RotatedLogPath("/jobs/j/job_log.txt", rotation, 0), "/jobs/j/job_log.txt");
  EXPECT_EQ(RotatedLogPath("/jobs/j/job_log.txt", rotation, 1), "/jobs/j/job_prev_log.txt");
  EXPECT_EQ(RotatedLogPath("/jobs/j/job_log.txt", rotation, 2), "/jobs/j/job_prev_log.2.txt");
  EXPECT_EQ(RotatedLogPath("/jobs/j/job_log.txt", rotation, 3), "/jobs/j/job_prev_log.3.txt");
}

// Each record below is "[12/04/2026 19:30:15 > i: INFO] " (32 bytes) plus
// the text and LF: 39 bytes for a six-character text.
constexpr size_t kRecordBytes = 39;

JobLogWriterOptions RotatingOptions(const TempDir& dir, int max_files) {
  JobLogWriterOptions options;
  options.rotation.max_bytes = 3 * kRecordBytes;
  options.rotation.max_files = max_files;
  options.rotation.previous_path = dir.path() / "job_prev_log.txt";
  return options;
}

TEST(JobLogWriterTest, RotatesLikeKuduWithTwoFiles) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "job_log.txt", clock, RotatingOptions(dir, 2));

  for (int i = 1; i <= 7; ++i)
    writer.WriteOutput(OutputStream::kStdout, "line-" + std::to_string(i));
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "job_log.txt"), "[12/04/2026 19:30:15 > i: INFO] line-7\n");
  EXPECT_EQ(ReadFile(dir.path() / "job_prev_log.txt"),
            "[12/04/2026 19:30:15 > i: INFO] line-4\n"
            "[12/04/2026 19:30:15 > i: INFO] line-5\n"
            "[12/04/2026 19:30:15 > i: INFO] line-6\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "job_prev_log.2.txt"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            2);
}

TEST(JobLogWriterTest, RotationKeepsMaxFilesGenerations) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "job_log.txt", clock, RotatingOptions(dir, 3));

  // Three records per file: lines 1-3, 4-6, 7-9, 10.
  for (int i = 1; i <= 10; ++i) {
    writer.WriteOutput(OutputStream::kStdout, "line-" + std::to_string(i % 10));
  }
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "job_log.txt"), "[12/04/2026 19:30:15 > i: INFO] line-0\n");
  EXPECT_EQ(ReadFile(dir.path() / "job_prev_log.txt").substr(0, kRecordBytes),
            "[12/04/2026 19:30:15 > i: INFO] line-7\n");
  EXPECT_EQ(ReadFile(dir.path() / "job_prev_log.2.txt").substr(0, kRecordBytes),
            "[12/04/2026 19:30:15 > i: INFO] line-4\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "job_prev_log.3.txt"));
}

TEST(JobLogWriterTest, RotationCountsExistingFileSize) {
  TempDir dir;
  FakeClock clock(kStart);
  std::ofstream(dir.path() / "job_log.txt") << std::string(3 * kRecordBytes - 1, 'o');
  JobLogWriter writer = OpenWriter(dir.path() / "job_log.txt", clock, RotatingOptions(dir, 2));

  writer.WriteOutput(OutputStream::kStdout, "line-1");
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "job_prev_log.txt"), std::string(3 * kRecordBytes - 1, 'o'));
  EXPECT_EQ(ReadFile(dir.path() / "job_log.txt"), "[12/04/2026 19:30:15 > i: INFO] line-1\n");
}

TEST(JobLogWriterTest, OversizedRecordGetsOwnFile) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "job_log.txt", clock, RotatingOptions(dir, 2));

  writer.WriteOutput(OutputStream::kStdout, "small1");
  writer.WriteOutput(OutputStream::kStdout, std::string(500, 'L'));
  writer.WriteOutput(OutputStream::kStdout, "small2");
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "job_prev_log.txt").size(), 32u + 500 + 1);
  EXPECT_EQ(ReadFile(dir.path() / "job_log.txt"), "[12/04/2026 19:30:15 > i: INFO] small2\n");
}

TEST(JobLogWriterTest, SingleGenerationStartsFileOver) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriterOptions options = RotatingOptions(dir, 1);
  options.rotation.previous_path.clear();
  JobLogWriter writer = OpenWriter(dir.path() / "job_log.txt", clock, options);

  for (int i = 1; i <= 4; ++i)
    writer.WriteOutput(OutputStream::kStdout, "line-" + std::to_string(i));
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "job_log.txt"), "[12/04/2026 19:30:15 > i: INFO] line-4\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(JobLogWriterTest, WriteErrorIsReportedByFlush) {
  FakeClock clock(kStart);
  Result<JobLogWriter> writer = JobLogWriter::Open("/dev/full", "i", clock);
  ASSERT_TRUE(writer.ok()) << writer.error().message;

  writer->WriteOutput(OutputStream::kStdout, "lost");
  Status status = writer->Flush();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("/dev/full"), std::string::npos) << status.error().message;
  EXPECT_TRUE(writer->Flush().ok());  // reported once, and nothing is left to write
}

TEST(JobLogWriterTest, FramedOutputUsesTimeOfLastRefresh) {
  TempDir dir;
  FakeClock clock(kStart);
  JobLogWriter writer = OpenWriter(dir.path() / "log.txt", clock);

  writer.RefreshTime();
  writer.WriteFramedOutput(OutputStream::kStdout, "one");
  clock.Advance(std::chrono::seconds(5));
  writer.WriteFramedOutput(OutputStream::kStderr, "two");
  writer.RefreshTime();
  writer.WriteFramedOutput(OutputStream::kStdout, "three");
  ASSERT_TRUE(writer.Flush().ok());

  EXPECT_EQ(ReadFile(dir.path() / "log.txt"),
            "[12/04/2026 19:30:15 > i: INFO] one\n"
            "[12/04/2026 19:30:15 > i: ERR ] two\n"
            "[12/04/2026 19:30:20 > i: INFO] three\n");
}

}  // namespace
}  // namespace webjobs
