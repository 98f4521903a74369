#include "jobs/triggered_job.h"

#include <date/date.h>
#include <spdlog/spdlog.h>

#include "core/log.h"
#include "process/process_tree.h"

namespace webjobs {

namespace {

}  // namespace

TriggeredJob::TriggeredJob(JobContext& context, JobDefinition definition,
                           std::optional<TimePoint> last_slot,
                           std::optional<RunRecord> latest_run)
    : context_(context),
      definition_(std::move(definition)),
      last_slot_(last_slot),
      latest_run_(std::move(latest_run)) {
  if (latest_run_) {
    latest_run_start_ = latest_run_->start_time;
    last_run_id_ = latest_run_->run_id;
  }
}

TriggeredJob::~TriggeredJob() {
  if (schedule_timer_ != 0) context_.loop.CancelTimer(schedule_timer_);
}

std::string TriggeredJob::Marker() const {
  return MakeJobMarker(context_.config.MarkerScope(), JobType::kTriggered, definition_.name);
}

std::optional<RunRecord> TriggeredJob::ActiveRun() const {
  if (!active_) return std::nullopt;
  return active_->record;
}

std::optional<RunRecord> TriggeredJob::LatestRun() const {
  if (active_) return active_->record;
  return latest_run_;
}

bool TriggeredJob::has_scheduler_log() const {
  std::error_code error;
  return std::filesystem::exists(context_.paths.SchedulerLogFile(definition_.name), error);
}

Status TriggeredJob::CheckCanRun() const {
  if (shutting_down_) return Unavailable("the host is shutting down");
  if (context_.config.webjobs_stopped) {
    return Conflict("WebJobs are stopped on this host (WEBJOBS_STOPPED is set); unset it and "
                    "restart the host to run jobs");
  }
  if (active_) {
    return Conflict("job \"" + definition_.name + "\" cannot start: run " +
                    active_->record.run_id +
                    " is already running; wait for it to end or cancel it with POST "
                    "/api/triggeredwebjobs/" +
                    definition_.name + "/cancel");
  }
  return Status::Ok();
}

void TriggeredJob::StartRun(const std::string& arguments, const std::string& trigger,
                            RunReply reply) {
  if (Status allowed = CheckCanRun(); !allowed.ok()) return reply(allowed.error());
  // Check the arguments before a run exists, so bad input creates nothing.
  if (Result<SpawnOptions> check =
          BuildSpawnOptions(context_, definition_, definition_.job_dir, arguments);
      !check.ok()) {
    return reply(check.error());
  }

  TimePoint now = context_.clock.Now();
  std::string run_id = FormatRunId(now);
  if (run_id <= last_run_id_) run_id = std::to_string(std::stoull(last_run_id_) + 1);
  last_run_id_ = run_id;

  active_ = std::make_unique<ActiveRunState>();
  RunRecord& record = active_->record;
  record.job_name = definition_.name;
  record.run_id = run_id;
  record.status = run_status::kInitializing;
  record.trigger = trigger;
  record.arguments = arguments;
  record.instance_id = context_.config.instance_id;
  record.start_time = now;
  latest_run_start_ = now;
  TrimHistory();

  Result<JobLogWriter> log = OpenLog(context_, context_.paths.RunOutputFile(definition_.name, run_id));
  if (log.ok()) active_->log.emplace(std::move(log).value());
  LaunchRun(*active_);
  if (!active_->process) {
    // Kudu records a run that failed to start as Failed; the caller still
    // gets its id and can read why in its output.
    std::string error = record.error;
    FinishRun(run_status::kFailed, error);
    // FinishRun saved the record; the reply waits for that save.
    EventLoop* loop = &context_.loop;
    context_.store_worker.Submit([loop, reply, run_id] {
      loop->Post([reply, run_id] { reply(run_id); });
    });
    return;
  }
  context_.SaveRun(record, [reply, run_id](Status saved) {
    if (saved.ok()) {
      reply(run_id);
    } else {
      reply(saved.error());
    }
  });
}

void TriggeredJob::LaunchRun(ActiveRunState& run) {
  RunRecord& record = run.record;
  auto fail = [&](const std::string& message) {
    record.error = message;
    if (run.log) {
      run.log->WriteSystem(SystemLevel::kError, "Run could not start: " + message);
      (void)run.log->Flush();
    }
    spdlog::error("event=run_start_failed job={} run={} error={}", record.job_name,
                  record.run_id, Quote(message));
  };
  if (!run.log) {
    return fail("cannot open the output file " +
                context_.paths.RunOutputFile(record.job_name, record.run_id).string());
  }
  Result<std::filesystem::path> working_dir = PrepareWorkingDir(context_, definition_);
  if (!working_dir.ok()) return fail(working_dir.error().message);
  Result<SpawnOptions> spawn =
      BuildSpawnOptions(context_, definition_, working_dir.value(), record.arguments);
  if (!spawn.ok()) return fail(spawn.error().message);

  JobProcessOptions options;
  options.job_name = definition_.name;
  options.run_id = record.run_id;
  options.marker_entry = Marker();
  options.shutdown_file = NewShutdownFile(context_, definition_);
  options.stop_signal = definition_.settings.stop_signal.value_or(0);
  options.stop_wait = definition_.StopWait();
  options.idle_timeout = definition_.settings.idle_timeout.value_or(context_.config.idle_timeout);
  options.spawn = std::move(spawn).value();
  options.spawn.env = BuildEnvironment(
      context_, definition_,
      JobEnvironment{record.run_id, record.arguments, working_dir.value(), options.shutdown_file,
                     options.marker_entry});

  run.log->WriteSystem(SystemLevel::kInfo, "Run " + record.run_id + " starting: " +
                                               definition_.entry.run_command +
                                               (record.arguments.empty() ? "" : " " + record.arguments) +
                                               " (" + record.trigger + ")");
  Result<std::unique_ptr<JobProcess>> started =
      JobProcess::Start(context_.loop, context_.spawner, *run.log, std::move(options),
                        [this](const ProcessOutcome& outcome) { OnRunExit(outcome); });
  if (!started.ok()) return fail(started.error().message);
  run.process = std::move(started).value();
  record.status = run_status::kRunning;
  record.pid = run.process->pid();
  (void)run.log->Flush();
  spdlog::info("event=run_started job={} run={} pid={} trigger={}", record.job_name,
               record.run_id, run.process->pid(), Quote(record.trigger));
}

void TriggeredJob::OnRunExit(const ProcessOutcome& outcome) {
  if (!active_) return;
  ActiveRunState& run = *active_;
  std::string how = DescribeExit(outcome.exit);
  run.record.exit_code = outcome.exit.exit_code;

  std::string status;
  std::string error;
  if (run.host_shutdown) {
    status = run_status::kAborted;
    error = shutdown_reason_ + " while the run was active (" + how + ")";
  } else if (run.cancelled) {
    status = run_status::kStopped;
    error = "cancelled (" + how + ")";
  } else if (outcome.killed_idle) {
    status = run_status::kFailed;
    error = "no output and no CPU time for the idle timeout (" + how + ")";
  } else if (outcome.exit.signaled) {
    status = run_status::kFailed;
    error = "process " + how;
  } else if (outcome.exit.exit_code != 0) {
    status = run_status::kFailed;
    error = "process failed with " + how;
  } else {
    status = run_status::kSuccess;
  }
  FinishRun(status, error);
}

void TriggeredJob::FinishRun(const std::string& status, const std::string& error) {
  std::unique_ptr<ActiveRunState> run = std::move(active_);
  RunRecord& record = run->record;
  record.status = status;
  if (!error.empty()) record.error = error;
  record.end_time = context_.clock.Now();
  record.pid.reset();
  if (run->log) {
    if (status == run_status::kSuccess) {
      run->log->WriteSystem(SystemLevel::kInfo, "Run ended with exit code 0; status Success");
    } else {
      run->log->WriteSystem(SystemLevel::kError, "Run ended: " + record.error + "; status " + status);
    }
    (void)run->log->Flush();
  }
  spdlog::info("event=run_ended job={} run={} status={} exit_code={} error={}", record.job_name,
               record.run_id, status, record.exit_code ? std::to_string(*record.exit_code) : "none",
               Quote(record.error));
  context_.SaveRun(record);
  latest_run_ = record;
  // The process object may be the caller; let it unwind first.
  context_.loop.Post([process = std::shared_ptr<JobProcess>(std::move(run->process))] {});

  if (shutting_down_) {
    for (auto& callback : std::exchange(on_shutdown_, {})) callback();
    return;
  }
  if (!queued_slots_.empty()) {
    TimePoint slot = queued_slots_.front();
    queued_slots_.pop_front();
    std::weak_ptr<int> alive = lifetime_;
    context_.loop.Post([this, alive, slot] {
      if (!alive.expired()) FireSlot(slot);
    });
  }
}

void TriggeredJob::TrimHistory() {
  size_t keep = definition_.settings.history_size
                    ? static_cast<size_t>(*definition_.settings.history_size)
                    : context_.config.history_size;
  // Kudu trims before a run starts, keeping room for the new one.
  keep = keep > 0 ? keep - 1 : 0;
  std::string name = definition_.name;
  JobContext* context = &context_;
  context_.RunOnWorker([context, name, keep] {
    Result<std::vector<std::string>> removed = context->store.TrimRuns(name, keep);
    if (!removed.ok()) {
      spdlog::error("event=history_trim_failed job={} error={}", name,
                    Quote(removed.error().message));
      return;
    }
    for (const std::string& run_id : removed.value()) {
      RemoveTree(context->paths.RunDir(name, run_id));
    }
  });
}

Status TriggeredJob::CancelRun() {
  if (!active_ || !active_->process) {
    return Conflict("job \"" + definition_.name + "\" has no active run to cancel");
  }
  active_->cancelled = true;
  active_->process->RequestStop("cancel requested");
  return Status::Ok();
}

void TriggeredJob::Reload(JobDefinition definition) {
  definition_ = std::move(definition);
  if (definition_.settings_error) {
    SchedulerLog(SystemLevel::kError, "settings.job was not applied: " + *definition_.settings_error);
  }
  Activate();
}

void TriggeredJob::Shutdown(const std::string& reason, std::function<void()> done) {
  shutting_down_ = true;
  shutdown_reason_ = reason;
  queued_slots_.clear();
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  next_slot_.reset();
  if (active_ && active_->process) {
    active_->host_shutdown = true;
    on_shutdown_.push_back(std::move(done));
    active_->process->RequestStop(reason);
    return;
  }
  done();
}

}  // namespace webjobs
