#include "process/log_feed_registry.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(LogFeedRegistryTest, WriterAndFollowerShareFeed) {
  LogFeedRegistry registry;
  std::shared_ptr<LogFeed> follower = registry.Follow("triggered/j/1");
  EXPECT_FALSE(follower->opened());
  std::shared_ptr<LogFeed> writer = registry.Open("triggered/j/1");
  EXPECT_EQ(writer, follower);
  EXPECT_TRUE(follower->opened());
}

TEST(LogFeedRegistryTest, FollowKeepsClosedFeed) {
  LogFeedRegistry registry;
  std::shared_ptr<LogFeed> writer = registry.Open("triggered/j/1");
  writer->Close();
  EXPECT_EQ(registry.Follow("triggered/j/1"), writer);
}

TEST(LogFeedRegistryTest, OpenReplacesClosedFeed) {
  LogFeedRegistry registry;
  std::shared_ptr<LogFeed> old_writer = registry.Open("continuous/c");
  old_writer->Close();
  std::shared_ptr<LogFeed> new_writer = registry.Open("continuous/c");
  EXPECT_NE(new_writer, old_writer);
  EXPECT_FALSE(new_writer->closed());
  EXPECT_EQ(registry.Follow("continuous/c"), new_writer);
}

TEST(LogFeedRegistryTest, ForgetsFeedsNobodyHolds) {
  LogFeedRegistry registry;
  {
    std::shared_ptr<LogFeed> feed = registry.Open("continuous/c");
    EXPECT_EQ(registry.size(), 1u);
  }
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_FALSE(registry.Follow("continuous/c")->opened());
}

}  // namespace
}  // namespace webjobs
