// One running process of a job, supervised on the event loop.
//
// JobProcess starts the job's command, reads its stdout and stderr into
// the job's log (framed into lines per stream), watches its pidfd for the
// exit, enforces the idle timeout of triggered runs, and carries out the
// stop protocol: write the shutdown file, send `stop_signal` if the job
// asked for one, wait up to `stop_wait`, then SIGKILL every process of the
// job (its process group and every process carrying its marker, which
// finds grandchildren that called setsid or double-forked).
//
// The exit callback runs once, on the loop, after the output pipes are
// drained. The owner may destroy the JobProcess inside that callback.
//
// Owned by the event loop thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/event_loop.h"
#include "process/child_process.h"
#include "process/job_log_writer.h"
#include "process/line_framer.h"
#include "process/process_spawner.h"

namespace webjobs {

struct JobProcessOptions {
  SpawnOptions spawn;
  std::string marker_entry;  // "WEBJOBS_JOB_MARKER=..."; also inside spawn.env
  std::filesystem::path shutdown_file;
  int stop_signal = 0;  // sent with the shutdown file; 0 for none
  std::chrono::seconds stop_wait{5};
  // Triggered runs: kill after this long with neither output nor CPU time.
  // Zero disables it.
  std::chrono::seconds idle_timeout{0};
  std::string job_name;  // for log lines
  std::string run_id;    // for log lines; empty for continuous jobs
};

struct ProcessOutcome {
  ExitInfo exit;
  bool stop_requested = false;     // RequestStop() was called
  bool killed_on_timeout = false;  // the stop wait ran out and SIGKILL followed
  bool killed_idle = false;        // the idle timeout killed it
  std::chrono::steady_clock::duration lifetime{};
};

class JobProcess {
 public:
  using ExitCallback = std::function<void(const ProcessOutcome&)>;

  // Spawns the process and starts watching it. `log` must outlive this
  // object. Errors are those of ProcessSpawner::Spawn.
  static Result<std::unique_ptr<JobProcess>> Start(EventLoop& loop, ProcessSpawner& spawner,
                                                   JobLogWriter& log, JobProcessOptions options,
                                                   ExitCallback on_exit);
  // The same for a process that ProcessSpawner::Prepare() made ready;
  // `options.spawn` is ignored in favor of the prepared one. The caller
  // calls FinishStart() later, once a burst of starts is done.
  static Result<std::unique_ptr<JobProcess>> Start(EventLoop& loop, ProcessSpawner& spawner,
                                                   JobLogWriter& log, JobProcessOptions options,
                                                   PreparedSpawn prepared, ExitCallback on_exit);
  // Watches a child that is already running, such as a parked process
  // that was just released (ParkedProcess::Release()).
  static Result<std::unique_ptr<JobProcess>> Adopt(EventLoop& loop, JobLogWriter& log,
                                                   JobProcessOptions options, ChildProcess child,
                                                   ExitCallback on_exit);
  ~JobProcess();
  JobProcess(const JobProcess&) = delete;
  // ProcessSpawner::FinishStart() for this process.
  void FinishStart(ProcessSpawner& spawner) { spawner.FinishStart(child_); }
  JobProcess& operator=(const JobProcess&) = delete;

  // Starts the stop protocol; `reason` goes into the log. Calling it again
  // does nothing.
  void RequestStop(const std::string& reason);
  // Skips the wait: SIGKILL to every process of the job now.
  void KillNow(const std::string& reason);

  pid_t pid() const { return child_.pid(); }
  bool stopping() const { return stop_requested_; }

  // True while `pid` is the main process of a JobProcess and not yet
  // reaped, so the orphan reaper leaves its exit status to us.
  static bool IsTracked(pid_t pid);

 private:
  JobProcess(EventLoop& loop, JobLogWriter& log, JobProcessOptions options, ChildProcess child,
             ExitCallback on_exit);
  Status Watch();
  void OnOutput(OutputStream stream);
  bool DrainPipe(OutputStream stream);
  void ClosePipe(OutputStream stream);
  void OnExited();
  void ArmIdleTimer();
  void OnIdleTimer();
  void KillAll();

  EventLoop& loop_;
  JobLogWriter& log_;
  JobProcessOptions options_;
  ChildProcess child_;
  ExitCallback on_exit_;
  LineFramer stdout_framer_;
  LineFramer stderr_framer_;
  std::chrono::steady_clock::time_point started_at_;
  std::chrono::steady_clock::time_point last_output_at_;
  std::optional<uint64_t> last_cpu_ticks_;
  std::chrono::steady_clock::time_point last_cpu_change_at_;
  static constexpr int kIdleChecksPerTimeout = 8;
  bool stop_requested_ = false;
  bool killed_on_timeout_ = false;
  bool killed_idle_ = false;
  bool exited_ = false;
  EventLoop::TimerId stop_timer_ = 0;
  EventLoop::TimerId idle_timer_ = 0;
};

}  // namespace webjobs
