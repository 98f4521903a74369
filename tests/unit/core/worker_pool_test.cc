#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace webjobs {
namespace {

using std::chrono::seconds;

constexpr seconds kHangGuard{10};

TEST(WorkerPoolTest, SingleThreadRunsTasksInSubmitOrder) {
  std::vector<int> order;  // written by the one worker only
  std::promise<void> done;
  {
    WorkerPool pool(1);
    for (int i = 0; i < 100; ++i) pool.Submit([&order, i] { order.push_back(i); });
    pool.Submit([&done] { done.set_value(); });
    ASSERT_EQ(done.get_future().wait_for(kHangGuard), std::future_status::ready);
  }

  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(WorkerPoolTest, TasksRunOffTheSubmittingThread) {
  std::promise<std::thread::id> ran_on;
  WorkerPool pool(1);

  pool.Submit([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });

  std::future<std::thread::id> result = ran_on.get_future();
  ASSERT_EQ(result.wait_for(kHangGuard), std::future_status::ready);
  EXPECT_NE(result.get(), std::this_thread::get_id());
}

TEST(WorkerPoolTest, DestructorRunsQueuedTasks) {
  std::atomic<int> ran{0};
  std::mutex gate_mutex;
  std::condition_variable gate_open;
  bool open = false;
  std::thread opener;
  {
    WorkerPool pool(1);
    // The first task occupies the only worker, so the others are still queued
    // when the destructor starts.
    pool.Submit([&] {
      std::unique_lock<std::mutex> lock(gate_mutex);
      gate_open.wait_for(lock, kHangGuard, [&] { return open; });
      ++ran;
    });
    for (int i = 0; i < 10; ++i) pool.Submit([&ran] { ++ran; });
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::lock_guard<std::mutex> lock(gate_mutex);
      open = true;
      gate_open.notify_all();
    });
  }
  opener.join();

  EXPECT_EQ(ran.load(), 11);
}

TEST(WorkerPoolTest, ThreadsRunTasksConcurrently) {
  // Each task waits for the other to start; with two threads both finish,
  // with one they would wait until the guard runs out.
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  std::set<std::thread::id> threads;
  std::atomic<int> met{0};
  auto task = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    ++started;
    threads.insert(std::this_thread::get_id());
    changed.notify_all();
    if (changed.wait_for(lock, kHangGuard, [&] { return started == 2; })) ++met;
  };
  {
    WorkerPool pool(2);
    pool.Submit(task);
    pool.Submit(task);
  }

  EXPECT_EQ(met.load(), 2);
  EXPECT_EQ(threads.size(), 2u);
}

TEST(WorkerPoolTest, TaskCanSubmitAnotherTask) {
  std::promise<void> inner_ran;
  WorkerPool pool(1);

  pool.Submit([&] { pool.Submit([&inner_ran] { inner_ran.set_value(); }); });

  EXPECT_EQ(inner_ran.get_future().wait_for(kHangGuard), std::future_status::ready);
}

TEST(WorkerPoolTest, SubmitFromManyThreadsRunsEveryTask) {
  constexpr int kThreads = 4;
  constexpr int kTasksPerThread = 250;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2);
    std::vector<std::thread> submitters;
    for (int t = 0; t < kThreads; ++t) {
      submitters.emplace_back([&] {
        for (int i = 0; i < kTasksPerThread; ++i) pool.Submit([&ran] { ++ran; });
      });
    }
    for (std::thread& submitter : submitters) submitter.join();
  }

  EXPECT_EQ(ran.load(), kThreads * kTasksPerThread);
}

}  // namespace
}  // namespace webjobs
