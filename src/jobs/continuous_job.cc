#include "jobs/continuous_job.h"

#include <spdlog/spdlog.h>

#include "core/log.h"
#include "jobs/loopback_port.h"
#include "process/process_tree.h"

namespace webjobs {

ContinuousJob::ContinuousJob(JobContext& context, JobDefinition definition, bool wanted_running)
    : context_(context), definition_(std::move(definition)), wanted_running_(wanted_running) {}

ContinuousJob::~ContinuousJob() {
  if (restart_timer_ != 0) context_.loop.CancelTimer(restart_timer_);
  // Followers of the log get its end: the job is deleted, or the host stops.
  if (log_) (void)log_->Flush();
  if (feed_) feed_->Close();
}

std::string ContinuousJob::StatusName() const {
  switch (state_) {
    case State::kStopped:
      return "Stopped";
    case State::kRunning:
      return "Running";
    case State::kPendingRestart:
      return "PendingRestart";
    case State::kStopping:
      return "Stopping";
  }
  return "Stopped";
}

bool ContinuousJob::MayRun() const {
  return wanted_running_ && !shutting_down_ && !context_.config.webjobs_stopped &&
         !definition_.disabled_by_file;
}

std::string ContinuousJob::Marker() const {
  return MakeJobMarker(context_.config.MarkerScope(), JobType::kContinuous, definition_.name);
}

void ContinuousJob::EnsureLog() {
  if (log_) return;
  std::filesystem::path path = context_.paths.ContinuousLogFile(definition_.name);
  LogRotation rotation = ContinuousLogRotation(context_.config, path);
  if (context_.log_feeds != nullptr && !feed_) {
    feed_ = context_.log_feeds->Open(ContinuousLogFeedKey(definition_.name));
  }
  Result<JobLogWriter> writer = OpenLog(context_, path, rotation, feed_);
  if (!writer.ok()) {
    spdlog::error("event=log_open_failed job={} error={}", definition_.name,
                  Quote(writer.error().message));
    return;
  }
  log_.emplace(std::move(writer).value());
}

void ContinuousJob::WriteLog(SystemLevel level, const std::string& text) {
  EnsureLog();
  if (!log_) return;
  log_->WriteSystem(level, text);
  (void)log_->Flush();
}

void ContinuousJob::Activate() {
  if (state_ == State::kStopped && MayRun()) Launch();
}

void ContinuousJob::Launch() {
  EnsureLog();
  // Orphans of an earlier process (a child that outlived its parent) are
  // killed before a new process starts, so copies cannot pile up.
  (void)KillJobProcesses(0, Marker());

  Status failure;
  std::unique_ptr<JobProcess> process;
  Result<std::filesystem::path> working_dir = PrepareWorkingDir(context_, definition_);
  Result<SpawnOptions> spawn = working_dir.ok()
                                   ? BuildSpawnOptions(definition_, working_dir.value(), "")
                                   : Result<SpawnOptions>(working_dir.error());
  Result<int> port = PickFreeLoopbackPort();
  if (!log_) {
    failure = IoError("job \"" + definition_.name + "\": cannot open its log file " +
                      context_.paths.ContinuousLogFile(definition_.name).string());
  } else if (!port.ok()) {
    failure = port.error();
  } else if (spawn.ok()) {
    JobProcessOptions options;
    options.job_name = definition_.name;
    options.marker_entry = Marker();
    options.shutdown_file = NewShutdownFile(context_, definition_);
    options.stop_signal = definition_.settings.stop_signal.value_or(0);
    options.stop_wait = definition_.StopWait();
    options.spawn = std::move(spawn).value();
    JobEnvironment environment;
    environment.working_root = working_dir.value();
    environment.shutdown_file = options.shutdown_file;
    environment.marker_entry = options.marker_entry;
    environment.port = *port;
    options.spawn.env = BuildEnvironment(context_, definition_, environment);
    Result<std::unique_ptr<JobProcess>> started =
        JobProcess::Start(context_.loop, context_.spawner, *log_, std::move(options),
                          [this](const ProcessOutcome& outcome) { OnExit(outcome); });
    if (started.ok()) {
      process = std::move(started).value();
    } else {
      failure = started.error();
    }
  } else {
    failure = spawn.error();
  }

  if (!failure.ok()) {
    last_error_ = failure.error().message;
    WriteLog(SystemLevel::kError, "Could not start the job: " + failure.error().message);
    spdlog::error("event=start_failed job={} error={}", definition_.name,
                  Quote(failure.error().message));
    ScheduleRestart(definition_.settings.restart_delay.value_or(context_.config.restart_delay));
    return;
  }
  process_ = std::move(process);
  port_ = *port;
  state_ = State::kRunning;
  last_error_.reset();
  WriteLog(SystemLevel::kInfo, "Status changed to Running, pid " + std::to_string(process_->pid()) +
                                   ", command " + definition_.entry.run_command);
  spdlog::info("event=job_started job={} type=continuous pid={} port={}", definition_.name,
               process_->pid(), port_);
}

void ContinuousJob::OnExit(const ProcessOutcome& outcome) {
  std::unique_ptr<JobProcess> finished = std::move(process_);
  std::string how = DescribeExit(outcome.exit);
  spdlog::info("event=job_exited job={} type=continuous result={} stop_requested={}",
               definition_.name, Quote(how), outcome.stop_requested);

  if (state_ == State::kStopping || !MayRun()) {
    if (!outcome.stop_requested) {
      // The stop came after the process exited but before this callback,
      // so the process object did not kill what it left behind.
      (void)KillJobProcesses(0, Marker());
    }
    state_ = State::kStopped;
    WriteLog(SystemLevel::kInfo, "Process ended (" + how + "); status changed to Stopped");
    for (auto& callback : std::exchange(on_stopped_, {})) callback();
    // A reload stops the old process and starts the new files.
    if (MayRun()) Launch();
    return;
  }

  bool failed = outcome.exit.signaled || outcome.exit.exit_code != 0;
  WriteLog(failed ? SystemLevel::kError : SystemLevel::kInfo,
           failed ? "Process failed: " + how : "Process ended: " + how);
  std::chrono::seconds delay =
      outcome.lifetime < context_.config.restart_quick_exit
          ? definition_.settings.restart_delay.value_or(context_.config.restart_delay)
          : std::chrono::seconds(0);
  ScheduleRestart(delay);
}

void ContinuousJob::ScheduleRestart(std::chrono::seconds delay) {
  state_ = State::kPendingRestart;
  WriteLog(SystemLevel::kInfo, "Status changed to PendingRestart; restarting in " +
                                   std::to_string(delay.count()) + " s");
  restart_timer_ = context_.loop.AddTimerAfter(delay, [this] {
    restart_timer_ = 0;
    if (state_ != State::kPendingRestart) return;
    state_ = State::kStopped;
    if (MayRun()) Launch();
  });
}

void ContinuousJob::BeginStop(const std::string& reason) {
  switch (state_) {
    case State::kRunning:
      state_ = State::kStopping;
      process_->RequestStop(reason);
      break;
    case State::kPendingRestart:
      context_.loop.CancelTimer(std::exchange(restart_timer_, 0));
      state_ = State::kStopped;
      // The main process is gone, but children it left behind are still
      // part of the job.
      (void)KillJobProcesses(0, Marker());
      WriteLog(SystemLevel::kInfo, "Status changed to Stopped (" + reason + ")");
      break;
    case State::kStopping:
    case State::kStopped:
      break;
  }
}

void ContinuousJob::SetWantedRunning(bool running) {
  wanted_running_ = running;
  if (running) {
    Activate();
  } else {
    BeginStop("stop requested");
  }
}

void ContinuousJob::Reload(JobDefinition definition) {
  definition_ = std::move(definition);
  WriteLog(SystemLevel::kInfo, "Job files or settings changed; restarting");
  if (state_ == State::kRunning) {
    BeginStop("job files changed");  // OnExit launches the new version
  } else if (state_ == State::kPendingRestart) {
    BeginStop("job files changed");
    Activate();
  } else if (state_ == State::kStopped) {
    Activate();
  }
}

void ContinuousJob::Shutdown(const std::string& reason, std::function<void()> done) {
  shutting_down_ = true;
  BeginStop(reason);
  if (state_ == State::kStopping) {
    on_stopped_.push_back(std::move(done));
    return;
  }
  (void)KillJobProcesses(0, Marker());
  done();
}

}  // namespace webjobs
