#include "jobs/job_watcher.h"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/log.h"

namespace webjobs {

namespace {

constexpr uint32_t kWatchMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR;

}  // namespace

JobWatcher::JobWatcher(EventLoop& loop, std::filesystem::path jobs_root,
                       std::chrono::milliseconds debounce, ChangeCallback on_change)
    : loop_(loop),
      jobs_root_(std::move(jobs_root)),
      debounce_(debounce),
      on_change_(std::move(on_change)) {}

JobWatcher::~JobWatcher() {
  if (inotify_fd_ < 0) return;
  loop_.UnwatchFd(inotify_fd_);
  if (debounce_timer_ != 0) loop_.CancelTimer(debounce_timer_);
  close(inotify_fd_);
}

Status JobWatcher::Start() {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    return ErrnoError(
        "job watcher: inotify_init1 failed; raise the open-file limit (ulimit -n) or the "
        "sysctl fs.inotify.max_user_instances, whichever is reached",
        errno);
  }
  WatchDir(jobs_root_);
  for (JobType type : {JobType::kContinuous, JobType::kTriggered}) {
    WatchTree(jobs_root_ / std::string(JobTypeName(type)));
  }
  return loop_.WatchFd(inotify_fd_, EPOLLIN, [this](uint32_t) { OnReadable(); });
}

void JobWatcher::WatchTree(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return;
  WatchDir(dir);
  auto options = std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, options, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_directory(error) && !it->is_symlink(error)) WatchDir(it->path());
  }
}

void JobWatcher::WatchDir(const std::filesystem::path& dir) {
  int watch = inotify_add_watch(inotify_fd_, dir.c_str(), kWatchMask);
  if (watch < 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      spdlog::warn("event=watch_failed path={} error={} hint=\"raise fs.inotify.max_user_watches\"",
                   Quote(dir.string()), Quote(std::strerror(errno)));
    }
    return;
  }
  dirs_by_watch_[watch] = dir;
}

void JobWatcher::OnReadable() {
  alignas(inotify_event) char buffer[64 * 1024];
  for (;;) {
    ssize_t length = read(inotify_fd_, buffer, sizeof buffer);
    if (length <= 0) break;
    for (char* cursor = buffer; cursor < buffer + length;) {
      auto* event = reinterpret_cast<inotify_event*>(cursor);
      cursor += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        // Events were lost: rescan everything.
        WatchTree(jobs_root_ / "continuous");
        WatchTree(jobs_root_ / "triggered");
        for (JobType type : {JobType::kContinuous, JobType::kTriggered}) {
          std::error_code error;
          for (const auto& entry : std::filesystem::directory_iterator(
                   jobs_root_ / std::string(JobTypeName(type)), error)) {
            MarkChanged(entry.path());
          }
        }
        continue;
      }
      auto dir = dirs_by_watch_.find(event->wd);
      if (dir == dirs_by_watch_.end()) continue;
      if (event->mask & IN_IGNORED) {
        dirs_by_watch_.erase(dir);
        continue;
      }
      std::filesystem::path path = dir->second;
      if (event->len > 0) path /= event->name;
      std::filesystem::path relative = path.lexically_relative(jobs_root_);
      bool in_type_dir = !relative.empty() && ParseJobType(relative.begin()->string()).has_value();
      if (in_type_dir && (event->mask & IN_ISDIR) && (event->mask & (IN_CREATE | IN_MOVED_TO))) {
        WatchTree(path);
      }
      MarkChanged(path);
    }
  }
  if (pending_.empty()) return;
  // Report once the tree has been quiet for the debounce period, so a long
  // copy is loaded whole. Report no later than kMaxDebounceFactor periods
  // after the first event, because a job that keeps writing into its own
  // folder must not hold off reloads forever.
  auto now = std::chrono::steady_clock::now();
  if (debounce_timer_ == 0) first_pending_at_ = now;
  auto deadline = std::min(now + debounce_, first_pending_at_ + debounce_ * kMaxDebounceFactor);
  if (debounce_timer_ != 0) loop_.CancelTimer(debounce_timer_);
  debounce_timer_ = loop_.AddTimer(deadline, [this] {
    debounce_timer_ = 0;
    FlushChanges();
  });
}

// Maps a path inside the tree to the job it belongs to: the first two
// components below the jobs root are the type and the job name.
void JobWatcher::MarkChanged(const std::filesystem::path& path) {
  std::filesystem::path relative = path.lexically_relative(jobs_root_);
  auto part = relative.begin();
  if (part == relative.end()) return;
  std::optional<JobType> type = ParseJobType(part->string());
  if (!type) {
    // jobs/continuous or jobs/triggered itself was created: watch it.
    return;
  }
  if (++part == relative.end()) return;
  std::string name = part->string();
  if (name.empty() || name[0] == '.') return;
  pending_.emplace(*type, name);
}

void JobWatcher::FlushChanges() {
  auto changed = std::move(pending_);
  pending_.clear();
  for (const auto& [type, name] : changed) on_change_(type, name);
}

}  // namespace webjobs
