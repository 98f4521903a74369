// Implementation notes: three internal descriptors sit in the epoll set
// beside the callers' ones. An eventfd wakes the loop for posted closures.
// One CLOCK_MONOTONIC timerfd is armed for the earliest steady timer, and
// one CLOCK_REALTIME timerfd (absolute, TFD_TIMER_CANCEL_ON_SET) for the
// earliest wall timer; a clock step cancels the latter with ECANCELED, and
// the loop then re-arms it from the new time.
#include "core/event_loop.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace webjobs {

namespace {

timespec ToTimespec(std::chrono::nanoseconds since_epoch) {
  if (since_epoch.count() <= 0) since_epoch = std::chrono::nanoseconds(1);
  timespec spec{};
  spec.tv_sec = static_cast<time_t>(since_epoch.count() / 1'000'000'000);
  spec.tv_nsec = static_cast<long>(since_epoch.count() % 1'000'000'000);
  return spec;
}

void DrainCounterFd(int fd) {
  uint64_t value = 0;
  while (read(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value)) {
  }
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return ErrnoError("event loop: epoll_create1 failed", errno);
  int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  int steady_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  int wall_fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
  if (wake_fd < 0 || steady_fd < 0 || wall_fd < 0) {
    int saved = errno;
    for (int fd : {epoll_fd, wake_fd, steady_fd, wall_fd}) {
      if (fd >= 0) close(fd);
    }
    return ErrnoError("event loop: eventfd or timerfd_create failed", saved);
  }
  for (int fd : {wake_fd, steady_fd, wall_fd}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
      int saved = errno;
      for (int owned : {epoll_fd, wake_fd, steady_fd, wall_fd}) close(owned);
      return ErrnoError("event loop: epoll_ctl failed", saved);
    }
  }
  return std::unique_ptr<EventLoop>(new EventLoop(epoll_fd, wake_fd, steady_fd, wall_fd));
}

EventLoop::EventLoop(int epoll_fd, int wake_fd, int steady_timer_fd, int wall_timer_fd)
    : epoll_fd_(epoll_fd),
      wake_fd_(wake_fd),
      steady_timer_fd_(steady_timer_fd),
      wall_timer_fd_(wall_timer_fd) {}

EventLoop::~EventLoop() {
  // Closures still queued may own objects whose destructors cancel timers
  // or unwatch descriptors, so they go while the maps are intact.
  {
    std::vector<Callback> discarded;
    {
      std::lock_guard<std::mutex> lock(posted_mutex_);
      discarded.swap(posted_);
    }
  }
  for (int fd : {epoll_fd_, wake_fd_, steady_timer_fd_, wall_timer_fd_}) close(fd);
}

bool EventLoop::InLoopThread() const {
  std::thread::id owner = loop_thread_.load();
  return owner == std::thread::id() || owner == std::this_thread::get_id();
}

template <typename Handler>
void EventLoop::Dispatch(Handler&& handler) {
  // The loop never nests events; a handler called from inside another
  // (by a test, say) joins the outer event.
  if (dispatching_) {
    handler();
    return;
  }
  dispatching_ = true;
  handler();
  // Deferred callbacks may defer more; those run in the same pass.
  while (!deferred_.empty()) {
    std::vector<Callback> batch;
    batch.swap(deferred_);
    for (Callback& callback : batch) callback();
  }
  dispatching_ = false;
}

void EventLoop::Run() {
  loop_thread_.store(std::this_thread::get_id());
  std::vector<epoll_event> events(64);
  while (!stop_requested_.load()) {
    int count = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      spdlog::critical("event=loop_failed error=\"{}\"", std::strerror(errno));
      break;
    }
    for (int i = 0; i < count && !stop_requested_.load(); ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        DrainCounterFd(wake_fd_);
        DrainPosted();
      } else if (fd == steady_timer_fd_) {
        DrainCounterFd(steady_timer_fd_);
        Dispatch([this] { FireSteadyTimers(); });
      } else if (fd == wall_timer_fd_) {
        DrainCounterFd(wall_timer_fd_);
        Dispatch([this] { FireWallTimers(); });
      } else {
        auto found = fd_callbacks_.find(fd);
        if (found == fd_callbacks_.end()) continue;
        // Keep the callback alive even if it unwatches its own descriptor.
        std::shared_ptr<FdCallback> callback = found->second;
        uint32_t ready = events[i].events;
        Dispatch([&] { (*callback)(ready); });
      }
    }
  }
  // Run what was posted before Stop(), so no reply a waiter needs is lost.
  DrainPosted();
}

void EventLoop::Stop() {
  stop_requested_.store(true);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof one);
}

void EventLoop::Post(Callback callback) {
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(std::move(callback));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof one);
}

void EventLoop::DrainPosted() {
  std::vector<Callback> batch;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    batch.swap(posted_);
  }
  for (Callback& callback : batch) Dispatch(callback);
}

void EventLoop::RunAsEvent(const Callback& callback) {
  assert(InLoopThread());
  Dispatch(callback);
}

void EventLoop::Defer(Callback callback) {
  assert(InLoopThread());
  if (!dispatching_) {
    Post(std::move(callback));
    return;
  }
  deferred_.push_back(std::move(callback));
}

Status EventLoop::WatchFd(int fd, uint32_t events, FdCallback callback) {
  assert(InLoopThread());
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  int op = fd_callbacks_.count(fd) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epoll_fd_, op, fd, &event) != 0) {
    return ErrnoError("event loop: cannot watch fd " + std::to_string(fd), errno);
  }
  fd_callbacks_[fd] = std::make_shared<FdCallback>(std::move(callback));
  return Status::Ok();
}

void EventLoop::UnwatchFd(int fd) {
  assert(InLoopThread());
  if (fd_callbacks_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::AddTimer(SteadyTime deadline, Callback callback) {
  assert(InLoopThread());
  TimerId id = next_timer_id_++;
  auto entry = steady_timers_.by_deadline.emplace(deadline, TimerEntry{id, std::move(callback)});
  steady_timers_.by_id[id] = entry;
  if (entry == steady_timers_.by_deadline.begin()) ArmSteadyTimer();
  return id;
}

EventLoop::TimerId EventLoop::AddTimerAfter(std::chrono::milliseconds delay, Callback callback) {
  return AddTimer(std::chrono::steady_clock::now() + delay, std::move(callback));
}

EventLoop::TimerId EventLoop::AddWallTimer(WallTime deadline, Callback callback) {
  assert(InLoopThread());
  TimerId id = next_timer_id_++;
  auto entry = wall_timers_.by_deadline.emplace(deadline, TimerEntry{id, std::move(callback)});
  wall_timers_.by_id[id] = entry;
  if (entry == wall_timers_.by_deadline.begin()) ArmWallTimer();
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  assert(InLoopThread());
  if (auto found = steady_timers_.by_id.find(id); found != steady_timers_.by_id.end()) {
    steady_timers_.by_deadline.erase(found->second);
    steady_timers_.by_id.erase(found);
    return;
  }
  if (auto found = wall_timers_.by_id.find(id); found != wall_timers_.by_id.end()) {
    wall_timers_.by_deadline.erase(found->second);
    wall_timers_.by_id.erase(found);
  }
}

void EventLoop::ArmSteadyTimer() {
  itimerspec spec{};
  if (!steady_timers_.by_deadline.empty()) {
    spec.it_value = ToTimespec(steady_timers_.by_deadline.begin()->first.time_since_epoch());
  }
  timerfd_settime(steady_timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::ArmWallTimer() {
  itimerspec spec{};
  if (!wall_timers_.by_deadline.empty()) {
    spec.it_value = ToTimespec(wall_timers_.by_deadline.begin()->first.time_since_epoch());
  }
  timerfd_settime(wall_timer_fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr);
}

void EventLoop::FireSteadyTimers() {
  SteadyTime now = std::chrono::steady_clock::now();
  while (!steady_timers_.by_deadline.empty() && steady_timers_.by_deadline.begin()->first <= now) {
    auto first = steady_timers_.by_deadline.begin();
    Callback callback = std::move(first->second.callback);
    steady_timers_.by_id.erase(first->second.id);
    steady_timers_.by_deadline.erase(first);
    callback();
  }
  ArmSteadyTimer();
}

void EventLoop::FireWallTimers() {
  WallTime now = std::chrono::system_clock::now();
  while (!wall_timers_.by_deadline.empty() && wall_timers_.by_deadline.begin()->first <= now) {
    auto first = wall_timers_.by_deadline.begin();
    Callback callback = std::move(first->second.callback);
    wall_timers_.by_id.erase(first->second.id);
    wall_timers_.by_deadline.erase(first);
    callback();
  }
  ArmWallTimer();
}

}  // namespace webjobs
