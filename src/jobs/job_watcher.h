// Watches the jobs tree with inotify and reports which jobs changed.
//
// Kudu picks up a job folder copied in by hand and restarts a job when any
// file in its folder changes; this class gives the job manager the same
// events without polling. It watches jobs/continuous and jobs/triggered
// and every folder below them, and calls the change callback once per job
// after a quiet period (debounce), because one copy or unzip produces many
// events.
//
// Owned by the event loop thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/event_loop.h"
#include "core/job_type.h"
#include "core/result.h"

namespace webjobs {

class JobWatcher {
 public:
  using ChangeCallback = std::function<void(JobType type, const std::string& name)>;

  JobWatcher(EventLoop& loop, std::filesystem::path jobs_root, std::chrono::milliseconds debounce,
             ChangeCallback on_change);
  ~JobWatcher();
  JobWatcher(const JobWatcher&) = delete;
  JobWatcher& operator=(const JobWatcher&) = delete;

  // Creates the inotify descriptor and watches the tree. Fails with kIo
  // when inotify is unavailable (for example when the user's watch limit
  // is reached); the message names the limit to raise.
  Status Start();

 private:
  void OnReadable();
  void WatchTree(const std::filesystem::path& dir);
  void WatchDir(const std::filesystem::path& dir);
  void MarkChanged(const std::filesystem::path& path);
  void FlushChanges();

  EventLoop& loop_;
  std::filesystem::path jobs_root_;
  std::chrono::milliseconds debounce_;
  ChangeCallback on_change_;
  int inotify_fd_ = -1;
  std::unordered_map<int, std::filesystem::path> dirs_by_watch_;
  std::set<std::pair<JobType, std::string>> pending_;
  EventLoop::TimerId debounce_timer_ = 0;
  std::chrono::steady_clock::time_point first_pending_at_{};
  static constexpr int kMaxDebounceFactor = 10;
};

}  // namespace webjobs
