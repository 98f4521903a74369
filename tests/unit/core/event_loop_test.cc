#include "core/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/loop_driver.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::LoopDriver;

constexpr milliseconds kHangGuard{10000};

std::unique_ptr<EventLoop> MakeLoop() {
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
  EXPECT_TRUE(loop.ok()) << (loop.ok() ? "" : loop.error().message);
  return loop.ok() ? std::move(loop).value() : nullptr;
}

// A non-blocking pipe closed at the end of the test.
class Pipe {
 public:
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
    read_fd_ = fds[0];
    write_fd_ = fds[1];
  }
  ~Pipe() {
    for (int fd : {read_fd_, write_fd_}) {
      if (fd >= 0) close(fd);
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_fd() const { return read_fd_; }
  void Write(const std::string& bytes) {
    EXPECT_EQ(write(write_fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  std::string ReadAvailable() {
    std::string bytes;
    char buffer[256];
    ssize_t count;
    while ((count = read(read_fd_, buffer, sizeof buffer)) > 0) {
      bytes.append(buffer, static_cast<size_t>(count));
    }
    return bytes;
  }

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

TEST(EventLoopTest, FdCallbackGetsReadableData) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  Pipe pipe;
  std::string received;
  uint32_t events_seen = 0;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        Status watched = loop->WatchFd(pipe.read_fd(), EPOLLIN, [&](uint32_t events) {
          events_seen |= events;
          received += pipe.ReadAvailable();
        });
        ASSERT_TRUE(watched.ok()) << watched.error().message;
        pipe.Write("hello");
      })
      .WaitUntil("the pipe's data", [&] { return received == "hello"; })
      .Do([&] { pipe.Write(" again"); })
      .WaitUntil("the second write", [&] { return received == "hello again"; })
      .Do([&] { loop->UnwatchFd(pipe.read_fd()); });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_TRUE(events_seen & EPOLLIN);
}

TEST(EventLoopTest, WatchFdAgainReplacesCallback) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  Pipe pipe;
  int first_calls = 0;
  int second_calls = 0;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        ASSERT_TRUE(loop->WatchFd(pipe.read_fd(), EPOLLIN,
                                  [&](uint32_t) {
                                    ++first_calls;
                                    pipe.ReadAvailable();
                                  })
                        .ok());
        ASSERT_TRUE(loop->WatchFd(pipe.read_fd(), EPOLLIN,
                                  [&](uint32_t) {
                                    ++second_calls;
                                    pipe.ReadAvailable();
                                  })
                        .ok());
        pipe.Write("x");
      })
      .WaitUntil("the replacing callback", [&] { return second_calls > 0; })
      .Do([&] { loop->UnwatchFd(pipe.read_fd()); });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(first_calls, 0);
}

TEST(EventLoopTest, WatchFdRejectsClosedDescriptor) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  close(fds[1]);

  Status watched = loop->WatchFd(fds[0], EPOLLIN, [](uint32_t) {});

  ASSERT_FALSE(watched.ok());
  EXPECT_EQ(watched.error().code, ErrorCode::kIo);
  EXPECT_NE(watched.error().message.find("fd " + std::to_string(fds[0])), std::string::npos)
      << watched.error().message;
}

TEST(EventLoopTest, UnwatchInsideOwnCallbackStopsCalls) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  Pipe pipe;
  int calls = 0;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        // The callback leaves the data unread, so a level-triggered watch
        // would fire again at once if the unwatch did not take effect.
        ASSERT_TRUE(loop->WatchFd(pipe.read_fd(), EPOLLIN,
                                  [&](uint32_t) {
                                    ++calls;
                                    loop->UnwatchFd(pipe.read_fd());
                                  })
                        .ok());
        pipe.Write("unread");
      })
      .WaitUntil("the first call", [&] { return calls > 0; })
      .Idle(milliseconds(100));
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(calls, 1);
}

TEST(EventLoopTest, UnwatchSkipsOtherReadyFd) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  Pipe first;
  Pipe second;
  int first_calls = 0;
  int second_calls = 0;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        // Both pipes are readable before the loop waits, so both events
        // arrive in one batch. Whichever callback runs first unwatches the
        // other, so the other must not run.
        ASSERT_TRUE(loop->WatchFd(first.read_fd(), EPOLLIN,
                                  [&](uint32_t) {
                                    ++first_calls;
                                    loop->UnwatchFd(first.read_fd());
                                    loop->UnwatchFd(second.read_fd());
                                  })
                        .ok());
        ASSERT_TRUE(loop->WatchFd(second.read_fd(), EPOLLIN,
                                  [&](uint32_t) {
                                    ++second_calls;
                                    loop->UnwatchFd(first.read_fd());
                                    loop->UnwatchFd(second.read_fd());
                                  })
                        .ok());
        first.Write("a");
        second.Write("b");
      })
      .WaitUntil("one callback", [&] { return first_calls + second_calls > 0; })
      .Idle(milliseconds(100));
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(first_calls + second_calls, 1);
}

TEST(EventLoopTest, TimersFireInDeadlineOrder) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> fired;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        auto now = std::chrono::steady_clock::now();
        loop->AddTimer(now + milliseconds(60), [&] { fired.push_back("60"); });
        loop->AddTimer(now + milliseconds(20), [&] { fired.push_back("20"); });
        loop->AddTimer(now + milliseconds(40), [&] { fired.push_back("40"); });
        // Equal deadlines fire in the order they were added.
        loop->AddTimer(now + milliseconds(30), [&] { fired.push_back("30a"); });
        loop->AddTimer(now + milliseconds(30), [&] { fired.push_back("30b"); });
        loop->AddTimer(now - milliseconds(5), [&] { fired.push_back("past"); });
      })
      .WaitUntil("all six timers", [&] { return fired.size() == 6; });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(fired, (std::vector<std::string>{"past", "20", "30a", "30b", "40", "60"}));
}

TEST(EventLoopTest, CancelledTimerNeverFires) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool cancelled_fired = false;
  bool kept_fired = false;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        // The cancelled timer is the earliest, so the loop's timerfd was
        // armed for it.
        EventLoop::TimerId doomed =
            loop->AddTimerAfter(milliseconds(10), [&] { cancelled_fired = true; });
        loop->AddTimerAfter(milliseconds(50), [&] { kept_fired = true; });
        loop->CancelTimer(doomed);
        loop->CancelTimer(doomed);     // a second cancel is ignored
        loop->CancelTimer(987654321);  // so is an unknown id
      })
      .WaitUntil("the kept timer", [&] { return kept_fired; })
      .Idle(milliseconds(50));
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_FALSE(cancelled_fired);
}

TEST(EventLoopTest, TimerCallbackCanCancelAnotherDueTimer) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool second_fired = false;
  bool first_fired = false;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        auto deadline = std::chrono::steady_clock::now() + milliseconds(20);
        auto second = std::make_shared<EventLoop::TimerId>(0);
        loop->AddTimer(deadline, [&, second] {
          first_fired = true;
          loop->CancelTimer(*second);
        });
        *second = loop->AddTimer(deadline, [&] { second_fired = true; });
      })
      .WaitUntil("the first timer", [&] { return first_fired; })
      .Idle(milliseconds(50));
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_FALSE(second_fired);
}

TEST(EventLoopTest, TimerAddedInsideTimerCallbackFires) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  std::vector<int> fired;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        loop->AddTimerAfter(milliseconds(5), [&] {
          fired.push_back(1);
          loop->AddTimerAfter(milliseconds(0), [&] { fired.push_back(2); });
          loop->AddTimerAfter(milliseconds(20), [&] { fired.push_back(3); });
        });
      })
      .WaitUntil("the nested timers", [&] { return fired.size() == 3; });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoopTest, PostFromOtherThreadKeepsOrder) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  constexpr int kPosts = 1000;
  std::vector<int> order;
  bool all_on_loop_thread = true;
  std::thread::id loop_thread;
  std::thread poster;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        loop_thread = std::this_thread::get_id();
        poster = std::thread([&] {
          for (int i = 0; i < kPosts; ++i) {
            loop->Post([&, i] {
              order.push_back(i);
              if (std::this_thread::get_id() != loop_thread) all_on_loop_thread = false;
            });
          }
        });
      })
      .WaitUntil("every posted closure", [&] { return order.size() == kPosts; });
  ::testing::AssertionResult ran = driver.Run(kHangGuard);
  poster.join();
  ASSERT_TRUE(ran);

  EXPECT_TRUE(all_on_loop_thread);
  for (int i = 0; i < kPosts; ++i) ASSERT_EQ(order[i], i);
}

TEST(EventLoopTest, ClosurePostedFromClosureRunsLater) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> order;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        loop->Post([&] {
          order.push_back("outer");
          loop->Post([&] { order.push_back("inner"); });
        });
        loop->Post([&] { order.push_back("second"); });
      })
      .WaitUntil("three closures", [&] { return order.size() == 3; });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(order, (std::vector<std::string>{"outer", "second", "inner"}));
}

TEST(EventLoopTest, DeferredClosureRunsBeforeTheNextPostedOne) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> order;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        loop->Post([&] {
          loop->Defer([&] {
            order.push_back("deferred");
            loop->Defer([&] { order.push_back("deferred by deferred"); });
          });
          order.push_back("first");
        });
        loop->Post([&] { order.push_back("second"); });
      })
      .WaitUntil("four closures", [&] { return order.size() == 4; });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(order,
            (std::vector<std::string>{"first", "deferred", "deferred by deferred", "second"}));
}

TEST(EventLoopTest, DeferredFromTimerRunsBeforeReadyFd) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  Pipe pipe;
  std::vector<std::string> order;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        ASSERT_TRUE(loop->WatchFd(pipe.read_fd(), EPOLLIN,
                                  [&](uint32_t) {
                                    pipe.ReadAvailable();
                                    order.push_back("fd");
                                  })
                        .ok());
        loop->AddTimerAfter(milliseconds(0), [&] {
          // The fd becomes ready inside this event; the deferred closure
          // still runs first.
          pipe.Write("x");
          loop->Defer([&] { order.push_back("deferred"); });
          order.push_back("timer");
        });
      })
      .WaitUntil("three callbacks", [&] { return order.size() == 3; });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(order, (std::vector<std::string>{"timer", "deferred", "fd"}));
}

TEST(EventLoopTest, DeferOutsideAnEventIsPosted) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool ran = false;
  loop->Defer([&] { ran = true; });  // before Run(): no event in progress
  EXPECT_FALSE(ran);

  LoopDriver driver(*loop);
  driver.WaitUntil("deferred closure", [&] { return ran; });
  ASSERT_TRUE(driver.Run(kHangGuard));
}

TEST(EventLoopTest, RunAsEventRunsDeferredBeforeReturning) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> order;
  loop->RunAsEvent([&] {
    loop->Defer([&] { order.push_back("deferred"); });
    order.push_back("event");
  });
  order.push_back("returned");
  EXPECT_EQ(order, (std::vector<std::string>{"event", "deferred", "returned"}));
}

TEST(EventLoopTest, InLoopThreadFalseElsewhere) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  EXPECT_TRUE(loop->InLoopThread());  // before Run(), every thread may set up
  std::atomic<int> other_thread_answer{-1};
  bool loop_thread_answer = false;
  std::thread checker;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        loop_thread_answer = loop->InLoopThread();
        checker = std::thread([&] { other_thread_answer = loop->InLoopThread() ? 1 : 0; });
      })
      .WaitUntil("the other thread's answer", [&] { return other_thread_answer.load() >= 0; });
  ::testing::AssertionResult ran = driver.Run(kHangGuard);
  checker.join();
  ASSERT_TRUE(ran);

  EXPECT_TRUE(loop_thread_answer);
  EXPECT_EQ(other_thread_answer.load(), 0);
}

TEST(EventLoopTest, StopFromOtherThreadEndsRun) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool guard_fired = false;
  loop->AddTimerAfter(kHangGuard, [&] {
    guard_fired = true;
    loop->Stop();
  });
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    loop->Stop();
  });

  loop->Run();
  stopper.join();

  EXPECT_FALSE(guard_fired);
}

TEST(EventLoopTest, StopBeforeRunReturnsAfterRunningPostedClosures) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool posted_ran = false;
  loop->Post([&] { posted_ran = true; });

  // The host may stop the loop from another thread before Run() starts;
  // Run() must then return instead of waiting forever.
  std::thread stopper([&] { loop->Stop(); });
  stopper.join();
  loop->Run();

  EXPECT_TRUE(posted_ran);
}

TEST(EventLoopTest, WallTimerFires) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> fired;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        auto now = std::chrono::system_clock::now();
        loop->AddWallTimer(now + milliseconds(80), [&] { fired.push_back("later"); });
        loop->AddWallTimer(now + milliseconds(30), [&] { fired.push_back("soon"); });
      })
      .WaitUntil("both wall timers", [&] { return fired.size() == 2; });
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_EQ(fired, (std::vector<std::string>{"soon", "later"}));
}

TEST(EventLoopTest, WallTimerInPastFiresAtOnce) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool fired = false;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        // A deadline years in the past, as a schedule computed from a
        // stale clock would give.
        loop->AddWallTimer(std::chrono::system_clock::now() - std::chrono::hours(24 * 365 * 5),
                           [&] { fired = true; });
      })
      .WaitUntil("the past wall timer", [&] { return fired; });
  ASSERT_TRUE(driver.Run(kHangGuard));
}

TEST(EventLoopTest, CancelledWallTimerNeverFires) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool cancelled_fired = false;
  bool kept_fired = false;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        auto now = std::chrono::system_clock::now();
        EventLoop::TimerId doomed =
            loop->AddWallTimer(now + milliseconds(10), [&] { cancelled_fired = true; });
        loop->AddWallTimer(now + milliseconds(40), [&] { kept_fired = true; });
        loop->CancelTimer(doomed);
      })
      .WaitUntil("the kept wall timer", [&] { return kept_fired; })
      .Idle(milliseconds(30));
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_FALSE(cancelled_fired);
}

TEST(EventLoopTest, SteadyAndWallTimerIdsAreDistinct) {
  std::unique_ptr<EventLoop> loop = MakeLoop();
  ASSERT_NE(loop, nullptr);
  bool steady_fired = false;
  bool wall_fired = false;

  LoopDriver driver(*loop);
  driver
      .Do([&] {
        EventLoop::TimerId steady =
            loop->AddTimerAfter(milliseconds(20), [&] { steady_fired = true; });
        EventLoop::TimerId wall = loop->AddWallTimer(
            std::chrono::system_clock::now() + milliseconds(20), [&] { wall_fired = true; });
        EXPECT_NE(steady, wall);
        // Cancelling the wall timer leaves the steady one alone.
        loop->CancelTimer(wall);
      })
      .WaitUntil("the steady timer", [&] { return steady_fired; })
      .Idle(milliseconds(40));
  ASSERT_TRUE(driver.Run(kHangGuard));

  EXPECT_FALSE(wall_fired);
}

}  // namespace
}  // namespace webjobs
