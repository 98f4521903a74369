#include "process/log_follower.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "process/test_support.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::TempDir;

constexpr std::chrono::system_clock::time_point kStart{std::chrono::seconds(1796412615)};
constexpr milliseconds kNoWait{0};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The generations on disk, oldest first, joined.
std::string AllGenerations(const std::filesystem::path& path, const LogRotation& rotation) {
  std::string text;
  for (int generation = rotation.max_files - 1; generation >= 0; --generation) {
    text += ReadFile(RotatedLogPath(path, rotation, generation));
  }
  return text;
}

// Collects what `follower` returns until it has nothing more right now.
std::string Drain(LogFollower& follower) {
  std::string text;
  while (true) {
    LogFollower::Chunk chunk = follower.Next(kNoWait);
    if (chunk.status != LogFollower::Status::kData) break;
    text += chunk.bytes;
  }
  return text;
}

// The offset of the record that contains `text`.
size_t RecordStart(const std::string& log, const std::string& text) {
  size_t hit = log.find(text);
  size_t line_end = log.rfind('\n', hit);
  return line_end == std::string::npos ? 0 : line_end + 1;
}

uint64_t KeyOf(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_RDONLY);
  uint64_t key = LogFileKey(fd);
  close(fd);
  return key;
}

struct WriterFixture {
  TempDir dir;
  FakeClock clock{kStart};
  std::shared_ptr<LogFeed> feed;
  std::filesystem::path path;
  LogRotation rotation;
  std::optional<JobLogWriter> writer;

  explicit WriterFixture(LogRotation chosen = {}, size_t buffer_bytes = LogFeed::kDefaultMaxBufferBytes)
      : feed(std::make_shared<LogFeed>(buffer_bytes)), path(dir.path() / "job_log.txt") {
    rotation = chosen;
    if (rotation.max_bytes > 0) rotation.previous_path = dir.path() / "job_prev_log.txt";
    JobLogWriterOptions options;
    options.rotation = rotation;
    options.feed = feed;
    Result<JobLogWriter> opened = JobLogWriter::Open(path, "i", clock, options);
    EXPECT_TRUE(opened.ok());
    writer.emplace(std::move(opened).value());
  }

  void Write(int first, int count) {
    for (int i = first; i < first + count; ++i) {
      writer->WriteOutput(OutputStream::kStdout, "line " + std::to_string(i));
      ASSERT_TRUE(writer->Flush().ok());
    }
  }
};

TEST(LogFollowerTest, ReadsWriterOutputInOrder) {
  WriterFixture fixture;
  LogFollower follower(fixture.feed, fixture.path, {}, LogPosition{});
  fixture.Write(0, 50);
  EXPECT_EQ(Drain(follower), ReadFile(fixture.path));
  EXPECT_EQ(follower.position().offset, ReadFile(fixture.path).size());
}

TEST(LogFollowerTest, LateFollowerReadsFileThenFeed) {
  WriterFixture fixture;
  fixture.Write(0, 10);
  LogFollower follower(fixture.feed, fixture.path, {}, LogPosition{});
  std::string before = ReadFile(fixture.path);
  EXPECT_EQ(Drain(follower), before);
  fixture.Write(10, 10);
  EXPECT_EQ(Drain(follower), ReadFile(fixture.path).substr(before.size()));
  EXPECT_EQ(follower.position().offset, ReadFile(fixture.path).size());
}

TEST(LogFollowerTest, ResumesFromPosition) {
  WriterFixture fixture;
  fixture.Write(0, 10);
  std::string whole = ReadFile(fixture.path);
  size_t middle = RecordStart(whole, "line 5");
  LogFollower follower(fixture.feed, fixture.path, {}, LogPosition{0, middle});
  EXPECT_EQ(Drain(follower), whole.substr(middle));
}

TEST(LogFollowerTest, StartPastEndCountsAsEnd) {
  WriterFixture fixture;
  fixture.Write(0, 3);
  LogFollower follower(fixture.feed, fixture.path, {}, LogPosition{0, 1000000});
  fixture.Write(3, 1);
  std::string whole = ReadFile(fixture.path);
  EXPECT_EQ(Drain(follower), whole.substr(RecordStart(whole, "line 3")));
}

TEST(LogFollowerTest, WaitsForEndOfPartialLine) {
  TempDir dir;
  auto feed = std::make_shared<LogFeed>();
  std::filesystem::path path = dir.path() / "output_log.txt";
  std::ofstream(path) << "whole\npart";
  LogFollower follower(feed, path, {}, LogPosition{});
  EXPECT_EQ(Drain(follower), "whole\n");
  EXPECT_EQ(follower.Next(kNoWait).status, LogFollower::Status::kIdle);

  follower.Finish();
  LogFollower::Chunk last = follower.Next(kNoWait);
  EXPECT_EQ(last.status, LogFollower::Status::kData);
  EXPECT_EQ(last.bytes, "part");
  EXPECT_EQ(follower.Next(kNoWait).status, LogFollower::Status::kEnd);
}

TEST(LogFollowerTest, MissingFileIsEmpty) {
  TempDir dir;
  auto feed = std::make_shared<LogFeed>();
  LogFollower follower(feed, dir.path() / "output_log.txt", {}, LogPosition{});
  EXPECT_EQ(follower.Next(kNoWait).status, LogFollower::Status::kIdle);
  feed->Close();
  EXPECT_EQ(follower.Next(kNoWait).status, LogFollower::Status::kEnd);
}

TEST(LogFollowerTest, ClosedFeedEndsAfterLastBytes) {
  WriterFixture fixture;
  LogFollower follower(fixture.feed, fixture.path, {}, LogPosition{});
  fixture.Write(0, 5);
  fixture.feed->Close();
  EXPECT_EQ(Drain(follower), ReadFile(fixture.path));
  EXPECT_EQ(follower.Next(kNoWait).status, LogFollower::Status::kEnd);
}

TEST(LogFollowerTest, NextWaitsForAppend) {
  WriterFixture fixture;
  LogFollower follower(fixture.feed, fixture.path, {}, LogPosition{});
  std::thread writer([&fixture] { fixture.Write(0, 1); });
  LogFollower::Chunk chunk;
  while (chunk.status != LogFollower::Status::kData) chunk = follower.Next(milliseconds(50));
  writer.join();
  EXPECT_EQ(chunk.bytes, ReadFile(fixture.path));
}

TEST(LogFollowerTest, FollowsAcrossRotations) {
  LogRotation rotation;
  rotation.max_bytes = 200;
  rotation.max_files = 10;
  WriterFixture fixture(rotation);
  LogFollower follower(fixture.feed, fixture.path, fixture.rotation, LogPosition{});
  std::string received;
  for (int i = 0; i < 40; ++i) {
    fixture.Write(i, 1);
    received += Drain(follower);
  }
  EXPECT_TRUE(std::filesystem::exists(RotatedLogPath(fixture.path, fixture.rotation, 3)));
  EXPECT_EQ(received, AllGenerations(fixture.path, fixture.rotation));
}

TEST(LogFollowerTest, ResumesInRotatedFileFromDisk) {
  LogRotation rotation;
  rotation.max_bytes = 200;
  rotation.max_files = 10;
  WriterFixture fixture(rotation);
  fixture.Write(0, 4);
  uint64_t first_key = KeyOf(fixture.path);
  std::string first_file = ReadFile(fixture.path);
  size_t middle = RecordStart(first_file, "line 2");
  fixture.Write(4, 30);  // rotates several times
  ASSERT_NE(KeyOf(fixture.path), first_key);

  LogFollower follower(fixture.feed, fixture.path, fixture.rotation,
                       LogPosition{first_key, middle});
  std::string all = AllGenerations(fixture.path, fixture.rotation);
  EXPECT_EQ(Drain(follower), all.substr(RecordStart(all, "line 2")));
  fixture.Write(34, 2);
  std::string after = Drain(follower);
  EXPECT_NE(after.find("line 34"), std::string::npos);
  EXPECT_NE(after.find("line 35"), std::string::npos);
}

TEST(LogFollowerTest, DeletedFileContinuesWithOldestOnDisk) {
  LogRotation rotation;
  rotation.max_bytes = 200;
  rotation.max_files = 2;
  WriterFixture fixture(rotation);
  fixture.Write(0, 4);
  uint64_t first_key = KeyOf(fixture.path);
  fixture.Write(4, 30);  // the first file is rotated away and deleted

  LogFollower follower(fixture.feed, fixture.path, fixture.rotation, LogPosition{first_key, 10});
  EXPECT_EQ(Drain(follower), AllGenerations(fixture.path, fixture.rotation));
}

TEST(LogFollowerTest, SlowFollowerRecoversFromDisk) {
  WriterFixture fixture({}, 256);
  LogFollower slow(fixture.feed, fixture.path, {}, LogPosition{});
  LogFollower fast(fixture.feed, fixture.path, {}, LogPosition{});
  std::string fast_received;
  for (int i = 0; i < 100; ++i) {
    fixture.Write(i, 1);
    fast_received += Drain(fast);
  }
  EXPECT_LE(fixture.feed->buffered_bytes(), 256u);
  std::string whole = ReadFile(fixture.path);
  EXPECT_EQ(fast_received, whole);
  EXPECT_EQ(Drain(slow), whole);
}

TEST(LogFollowerTest, RegistersWithFeed) {
  auto feed = std::make_shared<LogFeed>();
  {
    LogFollower follower(feed, "/nonexistent/output_log.txt", {}, LogPosition{});
    EXPECT_EQ(feed->followers(), 1u);
  }
  EXPECT_EQ(feed->followers(), 0u);
}

}  // namespace
}  // namespace webjobs
