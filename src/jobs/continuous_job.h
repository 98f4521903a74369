// The supervisor of one continuous job: an explicit state machine.
//
//   kStopped --(wanted running)--> kRunning
//   kRunning --(process exits)---> kPendingRestart --(delay over)--> kRunning
//   kRunning --(stop, reload, shutdown)--> kStopping --(exit)--> kStopped
//                                                      or kRunning (reload)
//   kPendingRestart --(stop)--> kStopped at once
//
// The wanted state (running or stopped) is kept apart from the actual one.
// A process that lived less than restart_quick_exit waits restart_delay
// before it starts again (Kudu: 60 s after less than 2 minutes); a longer
// run restarts at once. Output goes to job_log.txt, whole and rotated by
// size.
//
// Owned by the event loop thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "jobs/job_context.h"
#include "jobs/job_process.h"

namespace webjobs {

class ContinuousJob {
 public:
  enum class State { kStopped, kRunning, kPendingRestart, kStopping };

  ContinuousJob(JobContext& context, JobDefinition definition, bool wanted_running);
  ~ContinuousJob();
  ContinuousJob(const ContinuousJob&) = delete;
  ContinuousJob& operator=(const ContinuousJob&) = delete;

  // Starts the job if it is wanted running and allowed to run.
  void Activate();
  // Sets the wanted state; stopping uses the stop protocol.
  void SetWantedRunning(bool running);
  // Takes a new definition (new files or settings). A running process is
  // stopped and started again from the new files.
  void Reload(JobDefinition definition);
  // Stops for good (host shutdown or delete) and calls `done` once no
  // process of the job is left.
  void Shutdown(const std::string& reason, std::function<void()> done);

  const JobDefinition& definition() const { return definition_; }
  bool wanted_running() const { return wanted_running_; }
  State state() const { return state_; }
  // Kudu's status name for the API.
  std::string StatusName() const;
  const std::optional<std::string>& last_error() const { return last_error_; }
  // WEBJOBS_PORT of the process while the job is Running, else nullopt.
  std::optional<int> port() const {
    return state_ == State::kRunning ? std::optional<int>(port_) : std::nullopt;
  }

 private:
  bool MayRun() const;
  void Launch();
  void OnExit(const ProcessOutcome& outcome);
  void ScheduleRestart(std::chrono::seconds delay);
  void BeginStop(const std::string& reason);
  void EnsureLog();
  void WriteLog(SystemLevel level, const std::string& text);
  std::string Marker() const;

  JobContext& context_;
  JobDefinition definition_;
  bool wanted_running_;
  State state_ = State::kStopped;
  bool shutting_down_ = false;
  std::optional<JobLogWriter> log_;
  std::shared_ptr<LogFeed> feed_;  // live followers of log_; closed when the job goes
  std::unique_ptr<JobProcess> process_;
  EventLoop::TimerId restart_timer_ = 0;
  std::vector<std::function<void()>> on_stopped_;  // every Shutdown() caller waits
  std::optional<std::string> last_error_;
  int port_ = 0;  // WEBJOBS_PORT of the latest process
};

}  // namespace webjobs
