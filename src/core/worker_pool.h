// A fixed set of threads that run blocking work (database writes, fsync,
// directory copies) off the event loop. Each task may post its completion
// back to the loop itself. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace webjobs {

class WorkerPool {
 public:
  explicit WorkerPool(size_t thread_count);
  // Runs every task already queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. Tasks start in FIFO order; with one thread they also
  // finish in that order, which keeps writes to one store ordered.
  void Submit(std::function<void()> task);

 private:
  void Work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace webjobs
