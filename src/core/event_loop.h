// The single-threaded event loop that owns the daemon's state.
//
// Everything that changes job state runs on the loop thread: readiness of
// file descriptors (child pidfds, output pipes, inotify), timers on the
// monotonic clock, timers on the wall clock (for schedules), and closures
// posted from other threads. The loop sleeps in epoll_wait until one of
// those happens; nothing polls.
//
// Thread safety: Post(), Stop() and InLoopThread() may be called from any
// thread. Every other member must be called on the loop thread (or before
// Run() starts).
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace webjobs {

class EventLoop {
 public:
  using Callback = std::function<void()>;
  using FdCallback = std::function<void(uint32_t epoll_events)>;
  using TimerId = uint64_t;
  using SteadyTime = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  // Creates the epoll, eventfd and timerfd descriptors. Fails with kIo when
  // the kernel refuses one of them.
  static Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs callbacks until Stop() is called. The calling thread becomes the
  // loop thread. A loop runs once: after Stop(), a later Run() only runs
  // the closures already posted and returns.
  void Run();
  // Makes Run() return after the callback in progress. Thread-safe.
  void Stop();
  // Queues `callback` to run on the loop thread. Thread-safe; callbacks run
  // in the order they were posted.
  void Post(Callback callback);
  // True when called on the thread inside Run(), or before Run() started.
  bool InLoopThread() const;
  // Runs `callback` on the loop thread right after the event callback in
  // progress returns, before the loop handles anything else. Work that
  // must follow a burst (files to create once a batch of processes is
  // spawned) goes here, so the burst itself is not slowed. Outside an
  // event callback it is posted. Loop thread only.
  void Defer(Callback callback);
  // Runs `callback` now as one event: what it defers runs before this
  // returns. For work on loop state outside Run(), such as start-up code
  // and tests. Loop thread only.
  void RunAsEvent(const Callback& callback);

  // Calls `callback` with the epoll event mask whenever `fd` is ready for
  // `events` (EPOLLIN and friends; level-triggered). The loop does not own
  // `fd`: unwatch it before closing it.
  Status WatchFd(int fd, uint32_t events, FdCallback callback);
  void UnwatchFd(int fd);

  // Runs `callback` once at `deadline` on the monotonic clock.
  TimerId AddTimer(SteadyTime deadline, Callback callback);
  TimerId AddTimerAfter(std::chrono::milliseconds delay, Callback callback);
  // Runs `callback` once when the system clock reaches `deadline`. The loop
  // re-arms on settimeofday and similar clock changes, so a step of the
  // clock neither loses nor delays the timer.
  TimerId AddWallTimer(WallTime deadline, Callback callback);
  // Cancels a pending timer of either kind; unknown or fired ids are ignored.
  void CancelTimer(TimerId id);

 private:
  struct TimerEntry {
    TimerId id;
    Callback callback;
  };
  template <typename Time>
  struct TimerQueue {
    std::multimap<Time, TimerEntry> by_deadline;
    std::unordered_map<TimerId, typename std::multimap<Time, TimerEntry>::iterator> by_id;
  };

  EventLoop(int epoll_fd, int wake_fd, int steady_timer_fd, int wall_timer_fd);
  void DrainPosted();
  // Calls `handler` as one event: callbacks it defers run after it.
  template <typename Handler>
  void Dispatch(Handler&& handler);
  void FireSteadyTimers();
  void FireWallTimers();
  void ArmSteadyTimer();
  void ArmWallTimer();

  int epoll_fd_;
  int wake_fd_;
  int steady_timer_fd_;
  int wall_timer_fd_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::thread::id> loop_thread_{};

  std::mutex posted_mutex_;
  std::vector<Callback> posted_;  // guarded by posted_mutex_

  bool dispatching_ = false;
  std::vector<Callback> deferred_;

  std::unordered_map<int, std::shared_ptr<FdCallback>> fd_callbacks_;
  TimerQueue<SteadyTime> steady_timers_;
  TimerQueue<WallTime> wall_timers_;
  TimerId next_timer_id_ = 1;
};

}  // namespace webjobs
