#include "process/log_feed.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace webjobs {
namespace {

using Status = LogFeed::ReadStatus;

// Reads everything the feed holds after `from`, following file changes.
std::string ReadAll(const LogFeed& feed, LogPosition& from) {
  std::string text;
  while (true) {
    LogFeed::ReadResult read = feed.Read(from, 1 << 20);
    if (read.status != Status::kData) break;
    text += read.bytes;
    from = read.next;
  }
  return text;
}

TEST(LogFeedTest, UnnamedFileSendsFollowerToDisk) {
  LogFeed feed;
  feed.AddFollower();
  EXPECT_EQ(feed.Read(LogPosition{0, 0}, 100).status, Status::kBehind);
}

TEST(LogFeedTest, DeliversAppendsInOrder) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(0, 0);
  feed.Append(0, "a\n");
  feed.Append(2, "bb\n");
  feed.Append(5, "ccc\n");

  LogPosition position{0, 0};
  EXPECT_EQ(ReadAll(feed, position), "a\nbb\nccc\n");
  EXPECT_EQ(position, (LogPosition{0, 9}));
  EXPECT_EQ(feed.Read(position, 100).status, Status::kNothing);
}

TEST(LogFeedTest, ResumesFromAnyBufferedOffset) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(0, 0);
  feed.Append(0, "one\ntwo\nthree\n");

  LogFeed::ReadResult read = feed.Read(LogPosition{0, 4}, 100);
  ASSERT_EQ(read.status, Status::kData);
  EXPECT_EQ(read.bytes, "two\nthree\n");
  EXPECT_EQ(read.next, (LogPosition{0, 14}));
}

TEST(LogFeedTest, RespectsMaxBytes) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(0, 0);
  feed.Append(0, "0123456789");
  LogFeed::ReadResult read = feed.Read(LogPosition{0, 2}, 3);
  EXPECT_EQ(read.bytes, "234");
  EXPECT_EQ(read.next, (LogPosition{0, 5}));
}

TEST(LogFeedTest, PositionBeforeBufferIsBehind) {
  LogFeed feed;
  feed.StartFile(0, 100);  // the file held 100 bytes before anyone followed
  feed.AddFollower();
  feed.Append(100, "new\n");
  EXPECT_EQ(feed.Read(LogPosition{0, 0}, 100).status, Status::kBehind);
  EXPECT_EQ(feed.Read(LogPosition{0, 99}, 100).status, Status::kBehind);
  EXPECT_EQ(feed.Read(LogPosition{0, 100}, 100).bytes, "new\n");
}

TEST(LogFeedTest, KeepsNothingWithoutFollowers) {
  LogFeed feed;
  feed.StartFile(0, 0);
  feed.Append(0, "unseen\n");
  EXPECT_EQ(feed.buffered_bytes(), 0u);
  // The end is known, so a follower at the end waits instead of reading.
  feed.AddFollower();
  EXPECT_EQ(feed.Read(LogPosition{0, 7}, 100).status, Status::kNothing);
  EXPECT_EQ(feed.Read(LogPosition{0, 0}, 100).status, Status::kBehind);
}

TEST(LogFeedTest, DropsBufferWhenLastFollowerLeaves) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(0, 0);
  feed.Append(0, "x\n");
  EXPECT_EQ(feed.buffered_bytes(), 2u);
  feed.RemoveFollower();
  EXPECT_EQ(feed.buffered_bytes(), 0u);
  EXPECT_EQ(feed.followers(), 0u);
}

TEST(LogFeedTest, SlowFollowerFallsBehindBoundedBuffer) {
  LogFeed feed(100);
  feed.AddFollower();
  feed.StartFile(0, 0);
  std::string line(19, 'x');
  line += '\n';
  for (int i = 0; i < 20; ++i) feed.Append(static_cast<uint64_t>(i) * 20, line);

  EXPECT_LE(feed.buffered_bytes(), 100u);
  EXPECT_EQ(feed.Read(LogPosition{0, 0}, 1000).status, Status::kBehind);
  LogFeed::ReadResult recent = feed.Read(LogPosition{0, 380}, 1000);
  ASSERT_EQ(recent.status, Status::kData);
  EXPECT_EQ(recent.bytes, line);
}

TEST(LogFeedTest, CrossesRotationToNextFile) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(11, 0);
  feed.Append(0, "first\n");
  feed.StartFile(22, 0);
  feed.Append(0, "second\n");

  LogPosition position{11, 0};
  EXPECT_EQ(ReadAll(feed, position), "first\nsecond\n");
  EXPECT_EQ(position, (LogPosition{22, 7}));
}

TEST(LogFeedTest, EndOfRotatedFileMovesToNextFile) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(11, 0);
  feed.Append(0, "first\n");
  feed.StartFile(22, 0);

  LogFeed::ReadResult read = feed.Read(LogPosition{11, 6}, 100);
  EXPECT_EQ(read.status, Status::kData);
  EXPECT_TRUE(read.bytes.empty());
  EXPECT_EQ(read.next, (LogPosition{22, 0}));
}

TEST(LogFeedTest, UnknownFileIsBehind) {
  LogFeed feed;
  feed.AddFollower();
  feed.StartFile(11, 0);
  feed.Append(0, "x\n");
  EXPECT_EQ(feed.Read(LogPosition{99, 0}, 100).status, Status::kBehind);
}

TEST(LogFeedTest, ManyFollowersReadIdenticalBytes) {
  LogFeed feed;
  constexpr int kFollowers = 8;
  constexpr int kLines = 500;
  std::vector<std::string> received(kFollowers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kFollowers; ++i) feed.AddFollower();
  feed.StartFile(0, 0);
  for (int i = 0; i < kFollowers; ++i) {
    threads.emplace_back([&feed, &text = received[i]] {
      LogPosition position{0, 0};
      while (true) {
        uint64_t seen = feed.version();
        LogFeed::ReadResult read = feed.Read(position, 4096);
        if (read.status == Status::kData) {
          text += read.bytes;
          position = read.next;
          continue;
        }
        if (feed.closed()) break;
        feed.WaitForChange(seen, std::chrono::milliseconds(100));
      }
    });
  }
  std::string expected;
  for (int i = 0; i < kLines; ++i) {
    std::string line = "line " + std::to_string(i) + "\n";
    feed.Append(expected.size(), line);
    expected += line;
  }
  feed.Close();
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kFollowers; ++i) EXPECT_EQ(received[i], expected) << "follower " << i;
}

TEST(LogFeedTest, CloseWakesWaiters) {
  LogFeed feed;
  uint64_t seen = feed.version();
  std::thread closer([&feed] { feed.Close(); });
  feed.WaitForChange(seen, std::chrono::seconds(30));
  closer.join();
  EXPECT_TRUE(feed.closed());
  EXPECT_TRUE(feed.opened());
}

}  // namespace
}  // namespace webjobs
