// Helpers for tests that start real child processes.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/job_type.h"
#include "process/child_process.h"
#include "process/orphan_reaper.h"
#include "process/process_spawner.h"
#include "process/process_tree.h"

namespace webjobs::testing {

// A fresh directory per test, removed with its contents at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "webjobs-process-XXXXXX").string();
    char* created = mkdtemp(pattern.data());
    if (created == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
      return;
    }
    path_ = std::filesystem::canonical(created);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override { return now_; }
  void Advance(std::chrono::milliseconds step) { now_ += step; }

 private:
  std::chrono::system_clock::time_point now_;
};

// Returns true when `fd` became readable within `timeout`.
inline bool WaitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd entry{fd, POLLIN, 0};
  int ready;
  do {
    ready = poll(&entry, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  return ready == 1;
}

// A marker unique to this test process and call, so tests running in
// parallel never find each other's processes.
inline std::string UniqueMarker(std::string_view job_name) {
  static int counter = 0;
  return MakeJobMarker("test", JobType::kTriggered, job_name,
                       std::to_string(getpid()) + "-" + std::to_string(++counter));
}

// Pids of the job processes that live guards still have to reap, so that
// one guard's orphan reaping never takes another guard's exit status.
inline std::set<pid_t>& TrackedPids() {
  static std::set<pid_t> pids;
  return pids;
}

// A started job process that is killed (with every marked process) and
// reaped when the guard goes out of scope, even when the test fails.
class JobGuard {
 public:
  JobGuard(ChildProcess child, std::string marker)
      : child_(std::move(child)), marker_(std::move(marker)) {
    TrackedPids().insert(child_.pid());
  }
  ~JobGuard() { Cleanup(); }
  JobGuard(const JobGuard&) = delete;
  JobGuard& operator=(const JobGuard&) = delete;

  ChildProcess& child() { return child_; }
  const std::string& marker() const { return marker_; }

  // Waits (up to 30 s) for the main process to exit and reaps it.
  ExitInfo WaitForExit() {
    EXPECT_TRUE(WaitReadable(child_.pidfd(), std::chrono::seconds(30)))
        << "pid " << child_.pid() << " did not exit";
    Result<ExitInfo> info = ReapChild(child_.pidfd(), child_.pid());
    EXPECT_TRUE(info.ok()) << (info.ok() ? "" : info.error().message);
    if (!info.ok()) return {};
    reaped_ = true;
    return *info;
  }

  // Reads stdout up to and including the next LF (byte by byte, so
  // nothing after it is consumed) and returns the line without the LF.
  std::string ReadStdoutLine() {
    std::string line;
    char c = 0;
    while (true) {
      if (!WaitReadable(child_.stdout_fd(), std::chrono::seconds(30))) {
        ADD_FAILURE() << "no line on stdout within 30 s";
        return line;
      }
      ssize_t length = read(child_.stdout_fd(), &c, 1);
      if (length < 0 && errno == EAGAIN) continue;
      if (length <= 0 || c == '\n') return line;
      line += c;
    }
  }

  // Reads both pipes until end of file.
  void ReadAll(std::string& out, std::string& err) {
    std::vector<pollfd> fds{{child_.stdout_fd(), POLLIN, 0}, {child_.stderr_fd(), POLLIN, 0}};
    int open_pipes = 2;
    char buffer[65536];
    while (open_pipes > 0) {
      int ready = poll(fds.data(), fds.size(), 30000);
      if (ready < 0 && errno == EINTR) continue;
      ASSERT_GT(ready, 0) << "no output within 30 s";
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        ssize_t length = read(fds[i].fd, buffer, sizeof buffer);
        if (length > 0) {
          (i == 0 ? out : err).append(buffer, static_cast<size_t>(length));
        } else if (length == 0 || errno != EAGAIN) {
          fds[i].fd = -1;
          --open_pipes;
        }
      }
    }
  }

 private:
  void Cleanup() {
    // Kill before reaping: the unreaped leader keeps the group id reserved.
    // Once the leader is reaped its group id may be reused, so only the
    // marker is used then.
    pid_t group = reaped_ ? 0 : child_.process_group();
    Result<size_t> killed = KillJobProcesses(group, marker_);
    EXPECT_TRUE(killed.ok()) << (killed.ok() ? "" : killed.error().message);
    if (!reaped_ && child_.pidfd() >= 0) {
      WaitReadable(child_.pidfd(), std::chrono::seconds(10));
      (void)ReapChild(child_.pidfd(), child_.pid());
    }
    TrackedPids().erase(child_.pid());
    ReapOrphans([](pid_t pid) { return TrackedPids().count(pid) > 0; });
  }

  ChildProcess child_;
  std::string marker_;
  bool reaped_ = false;
};

// The environment every test child gets: a PATH and the marker.
inline std::vector<std::string> TestEnv(const std::string& marker) {
  return {"PATH=/usr/bin:/bin", marker};
}

inline SpawnOptions ShellOptions(const std::string& script, const std::string& marker,
                                 const std::filesystem::path& working_dir) {
  return SpawnOptions{{"/bin/sh", "-c", script}, TestEnv(marker), working_dir};
}

// Spawns `options` as a job guarded by JobGuard; fails the test on error.
inline std::unique_ptr<JobGuard> StartJob(const SpawnOptions& options, const std::string& marker) {
  // Orphaned grandchildren come back to this process, so the guard can
  // reap them.
  EXPECT_TRUE(BecomeSubreaper().ok());
  PosixProcessSpawner spawner;
  Result<ChildProcess> child = spawner.Spawn(options);
  if (!child.ok()) {
    ADD_FAILURE() << "spawn failed: " << child.error().message;
    return nullptr;
  }
  return std::make_unique<JobGuard>(std::move(*child), marker);
}

}  // namespace webjobs::testing
