#include "http/job_list_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace webjobs {
namespace {

const JobListBatcher::Key kKey{std::nullopt, "http://127.0.0.1:8420"};

SerializedJobList ListTagged(const std::string& tag) {
  SerializedJobList list;
  list.entity_tag = tag;
  return list;
}

// A gate that blocks builds until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void WaitForWaiters(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return waiting_ >= count; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST(JobListBatcherTest, LoneRequestBuildsItself) {
  JobListBatcher batcher;
  ListEncodings seen{};
  Result<SerializedJobList> list =
      batcher.Run(kKey, ListEncodings{.identity = true, .gzip = false}, [&](ListEncodings forms) {
        seen = forms;
        return Result<SerializedJobList>(ListTagged("\"1\""));
      });
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->entity_tag, "\"1\"");
  EXPECT_TRUE(seen.identity);
  EXPECT_FALSE(seen.gzip);
  EXPECT_EQ(batcher.builds(), 1u);
}

TEST(JobListBatcherTest, RequestsDuringBuildShareTheNextBuild) {
  JobListBatcher batcher;
  Gate first_build;
  std::atomic<int> builds{0};
  ListEncodings second_forms{};
  auto build = [&](ListEncodings forms) {
    int number = ++builds;
    if (number == 1) first_build.Wait();
    if (number == 2) second_forms = forms;
    return Result<SerializedJobList>(ListTagged(std::to_string(number)));
  };

  std::thread leader([&] {
    Result<SerializedJobList> list = batcher.Run(kKey, ListEncodings{}, build);
    EXPECT_EQ(list->entity_tag, "1");
  });
  first_build.WaitForWaiters(1);

  // These arrive while the first build runs, so none may get its result:
  // it may predate their request.
  constexpr int kFollowers = 8;
  std::vector<std::thread> followers;
  std::atomic<int> second_results{0};
  for (int index = 0; index < kFollowers; ++index) {
    bool gzip = index % 2 == 0;
    followers.emplace_back([&, gzip] {
      Result<SerializedJobList> list =
          batcher.Run(kKey, ListEncodings{.identity = !gzip, .gzip = gzip}, build);
      if (list.ok() && list->entity_tag == "2") ++second_results;
    });
  }
  // A follower that calls Run() only after the gate opens shares a later
  // build, so the checks below hold whatever the timing. The pause makes
  // the shared second build the usual case.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  first_build.Open();
  leader.join();
  for (std::thread& follower : followers) follower.join();

  EXPECT_GE(builds.load(), 2);
  EXPECT_LE(builds.load(), 1 + kFollowers);
  EXPECT_EQ(static_cast<uint64_t>(builds.load()), batcher.builds());
  EXPECT_GE(second_results.load(), 1);
  if (second_results.load() == kFollowers) {
    EXPECT_TRUE(second_forms.identity);
    EXPECT_TRUE(second_forms.gzip);
  }
}

TEST(JobListBatcherTest, ListsOfOtherKeysDoNotWait) {
  JobListBatcher batcher;
  Gate gate;
  std::thread held([&] {
    Result<SerializedJobList> list = batcher.Run(kKey, ListEncodings{}, [&](ListEncodings) {
      gate.Wait();
      return Result<SerializedJobList>(ListTagged("held"));
    });
    EXPECT_EQ(list->entity_tag, "held");
  });
  gate.WaitForWaiters(1);
  Result<SerializedJobList> other =
      batcher.Run({JobType::kTriggered, "http://127.0.0.1:8420"}, ListEncodings{},
                  [](ListEncodings) { return Result<SerializedJobList>(ListTagged("other")); });
  EXPECT_EQ(other->entity_tag, "other");
  gate.Open();
  held.join();
}

TEST(JobListBatcherTest, ErrorsAndExceptionsReachTheRequest) {
  JobListBatcher batcher;
  Result<SerializedJobList> failed = batcher.Run(kKey, ListEncodings{}, [](ListEncodings) {
    return Result<SerializedJobList>(Unavailable("the event loop stopped"));
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);

  EXPECT_THROW((void)batcher.Run(kKey, ListEncodings{},
                                 [](ListEncodings) -> Result<SerializedJobList> {
                                   throw std::runtime_error("out of memory");
                                 }),
               std::runtime_error);

  // The batcher still works afterwards.
  Result<SerializedJobList> later = batcher.Run(kKey, ListEncodings{}, [](ListEncodings) {
    return Result<SerializedJobList>(ListTagged("ok"));
  });
  EXPECT_EQ(later->entity_tag, "ok");
}

TEST(JobListBatcherTest, ManyThreadsAllGetResults) {
  JobListBatcher batcher;
  std::atomic<int> builds{0};
  std::vector<std::thread> threads;
  std::atomic<int> results{0};
  for (int index = 0; index < 16; ++index) {
    threads.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        Result<SerializedJobList> list = batcher.Run(kKey, ListEncodings{}, [&](ListEncodings) {
          ++builds;
          return Result<SerializedJobList>(ListTagged("x"));
        });
        if (list.ok()) ++results;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(results.load(), 16 * 200);
  EXPECT_LE(builds.load(), 16 * 200);
  EXPECT_EQ(static_cast<uint64_t>(builds.load()), batcher.builds());
}

}  // namespace
}  // namespace webjobs
