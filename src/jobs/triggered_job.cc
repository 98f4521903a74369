#include "jobs/triggered_job.h"

#include <date/date.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "process/process_tree.h"

namespace webjobs {

namespace {

std::string CancelHint(const std::string& job_name) {
  return "POST /api/triggeredwebjobs/" + job_name + "/cancel";
}

}  // namespace

TriggeredJob::TriggeredJob(JobContext& context, JobDefinition definition,
                           std::optional<TimePoint> last_slot, std::optional<RunRecord> latest_run)
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
  if (slot_start_timer_ != 0) context_.loop.CancelTimer(slot_start_timer_);
  FlushSchedulerLog();
}

std::optional<RunRecord> TriggeredJob::ActiveRun() const {
  if (active_.empty()) return std::nullopt;
  return active_.rbegin()->second->record;
}

std::vector<RunRecord> TriggeredJob::ActiveRuns() const {
  std::vector<RunRecord> runs;
  for (const auto& [run_id, run] : active_) runs.push_back(run->record);
  return runs;
}

std::optional<RunRecord> TriggeredJob::WaitingRun() const {
  if (!waiting_) return std::nullopt;
  return waiting_->record;
}

std::optional<RunRecord> TriggeredJob::LatestRun() const {
  // Run ids are fixed-width digits, so the largest id is the newest run.
  std::optional<RunRecord> latest = latest_run_;
  auto consider = [&latest](const RunRecord& run) {
    if (!latest || run.run_id > latest->run_id) latest = run;
  };
  if (!active_.empty()) consider(active_.rbegin()->second->record);
  if (waiting_) consider(waiting_->record);
  return latest;
}

bool TriggeredJob::has_scheduler_log() const {
  std::error_code error;
  return scheduler_log_.has_value() ||
         std::filesystem::exists(context_.paths.SchedulerLogFile(definition_.name), error);
}

OverlapPolicy TriggeredJob::Overlap() const {
  return definition_.settings.overlap.value_or(OverlapPolicy::kSkip);
}

Status TriggeredJob::CheckCanRun() const {
  if (shutting_down_) {
    return Unavailable("job \"" + definition_.name + "\" starts no more runs: " + shutdown_reason_);
  }
  if (context_.config.webjobs_stopped) {
    return Conflict(
        "WebJobs are stopped on this host (WEBJOBS_STOPPED is set); unset it and "
        "restart the host to run jobs");
  }
  return Status::Ok();
}

std::string TriggeredJob::DescribeActiveRuns() const {
  if (active_.size() == 1) return "run " + active_.begin()->first;
  std::string ids;
  for (const auto& [run_id, run] : active_) ids += (ids.empty() ? "" : ", ") + run_id;
  return "runs " + ids;
}

TriggeredJob::AdmissionDecision TriggeredJob::Admit() const {
  const std::string& name = definition_.name;
  OverlapPolicy policy = Overlap();
  AdmissionDecision decision;
  if (policy == OverlapPolicy::kAllow) {
    if (active_.size() < context_.config.max_active_runs) return decision;
    std::string limit = std::to_string(context_.config.max_active_runs) +
                        " runs are active, the most that overlap policy \"allow\" permits";
    decision.action = Admission::kReject;
    decision.conflict = "job \"" + name + "\" cannot start: " + limit +
                        "; wait for one to end or cancel them with " + CancelHint(name);
    decision.slot_reason = limit;
    return decision;
  }
  // A waiting run is started as soon as the last active run ends, so a
  // waiting run without an active one exists only inside that step.
  if (active_.empty() && !waiting_) return decision;

  std::string active = active_.empty() ? "no run" : DescribeActiveRuns();
  switch (policy) {
    case OverlapPolicy::kSkip:
      decision.action = Admission::kReject;
      decision.conflict = "job \"" + name + "\" cannot start: " + active +
                          " is already running; wait for it to end or cancel it with " +
                          CancelHint(name);
      decision.slot_reason = active + " is still active (overlap policy \"skip\")";
      return decision;
    case OverlapPolicy::kQueueOne:
      if (!waiting_) {
        decision.action = Admission::kWait;
        return decision;
      }
      decision.action = Admission::kReject;
      decision.conflict = "job \"" + name + "\" cannot start: run " + waiting_->record.run_id +
                          " already waits for " + active +
                          " to end, and overlap policy \"queue_one\" lets only one run wait; "
                          "try again after run " +
                          waiting_->record.run_id + " has started, or cancel the runs with " +
                          CancelHint(name);
      decision.slot_reason = "run " + waiting_->record.run_id + " already waits for " + active +
                             " to end (overlap policy \"queue_one\")";
      return decision;
    case OverlapPolicy::kReplace:
      decision.action = Admission::kReplace;
      return decision;
    case OverlapPolicy::kAllow:
      break;  // handled above
  }
  return decision;
}

std::string TriggeredJob::NextRunId(TimePoint time) const {
  std::string run_id = FormatRunId(time);
  if (run_id <= last_run_id_) run_id = std::to_string(std::stoull(last_run_id_) + 1);
  return run_id;
}

std::unique_ptr<TriggeredJob::RunState> TriggeredJob::NewRun(const std::string& arguments,
                                                             const std::string& trigger,
                                                             std::optional<TimePoint> slot,
                                                             bool catch_up, std::string run_id) {
  TimePoint now = context_.clock.Now();
  if (run_id.empty()) run_id = NextRunId(now);
  last_run_id_ = run_id;

  auto run = std::make_unique<RunState>();
  run->slot = slot;
  run->catch_up = catch_up;
  RunRecord& record = run->record;
  record.job_name = definition_.name;
  record.run_id = run_id;
  record.status = run_status::kInitializing;
  record.trigger = trigger;
  record.arguments = arguments;
  record.instance_id = context_.config.instance_id;
  record.start_time = now;
  latest_run_start_ = now;
  if (!active_.empty()) trim_after_runs_end_ = true;
  TrimHistory();

  // Creating the run's folder and file costs more than spawning its
  // process on some file systems, so it waits until the spawns of this
  // loop event are done (see AfterSpawn()).
  JobLogWriterOptions log_options;
  if (context_.log_feeds != nullptr) {
    run->feed = context_.log_feeds->Open(RunOutputFeedKey(definition_.name, run_id));
    log_options.feed = run->feed;
  }
  run->log.emplace(JobLogWriter::CreateLater(context_.paths.RunOutputFile(definition_.name, run_id),
                                             context_.config.instance_id, context_.clock,
                                             std::move(log_options)));
  return run;
}

void TriggeredJob::StartRun(const std::string& arguments, const std::string& trigger,
                            RunReply reply) {
  if (Status allowed = CheckCanRun(); !allowed.ok()) return reply(allowed.error());
  // Check the arguments before a run exists, so bad input creates nothing.
  if (Result<SpawnOptions> check = BuildSpawnOptions(definition_, definition_.job_dir, arguments);
      !check.ok()) {
    return reply(check.error());
  }
  AdmissionDecision decision = Admit();
  if (decision.action == Admission::kReject) return reply(Conflict(decision.conflict));

  std::unique_ptr<RunState> run = NewRun(arguments, trigger, std::nullopt, false);
  std::string run_id = run->record.run_id;
  if (decision.action != Admission::kStartNow) {
    MakeWaiting(std::move(run), decision.action == Admission::kReplace);
  } else if (!StartNow(std::move(run))) {
    // Kudu records a run that failed to start as Failed; the caller still
    // gets its id and can read why in its output. FinishRun requested the
    // save, and the reply waits for it.
    context_.RunOnWorker([] {}, [reply, run_id] { reply(run_id); });
    return;
  }
  RunRecord saved = active_.count(run_id) ? active_.at(run_id)->record : waiting_->record;
  context_.SaveRun(saved, [reply, run_id](Status status) {
    if (status.ok()) {
      reply(run_id);
    } else {
      reply(status.error());
    }
  });
}

bool TriggeredJob::StartNow(std::unique_ptr<RunState> run, std::optional<LaunchPlan> plan) {
  // A run that waited starts now; its id keeps the time it was queued.
  run->record.start_time = context_.clock.Now();
  std::string run_id = run->record.run_id;
  RunState& started = *active_.emplace(run_id, std::move(run)).first->second;
  if (started.catch_up) catch_up_run_id_ = run_id;
  LaunchRun(started, std::move(plan));
  if (started.process) return true;
  FinishRun(run_id, run_status::kFailed, started.record.error);
  return false;
}

void TriggeredJob::MakeWaiting(std::unique_ptr<RunState> run, bool replace) {
  std::string active = DescribeActiveRuns();
  std::string describe = run->slot ? "scheduled run " + run->record.run_id + " (slot due at " +
                                         SlotText(*run->slot) + ")"
                                   : "run " + run->record.run_id + " (started on request)";
  if (replace) {
    if (waiting_) {
      EndWaitingRun(run_status::kStopped, "replaced by " + describe + " before it started");
    }
    for (auto& [run_id, active_run] : active_) {
      if (active_run->stop_cause == StopCause::kCancel) continue;
      active_run->replaced_by = describe;
      StopRun(*active_run, StopCause::kReplace, "replaced by " + describe);
    }
  }
  std::string text = replace ? "Run " + run->record.run_id + " waits for " + active +
                                   " to stop: overlap policy \"replace\" stops it first"
                             : "Run " + run->record.run_id + " waits for " + active +
                                   " to end (overlap policy \"queue_one\")";
  if (run->log) {
    run->log->WriteSystem(SystemLevel::kInfo, text);
    (void)run->log->Flush();
  }
  spdlog::info("event=run_waiting job={} run={} waits_for={} overlap={}", definition_.name,
               run->record.run_id, Quote(active), OverlapPolicyName(Overlap()));
  waiting_ = std::move(run);
}

void TriggeredJob::StopRun(RunState& run, StopCause cause, const std::string& reason) {
  if (run.stop_cause == StopCause::kNone || cause == StopCause::kHostShutdown) {
    run.stop_cause = cause;
  }
  if (run.process) run.process->RequestStop(reason);
}

Result<TriggeredJob::LaunchPlan> TriggeredJob::PrepareLaunch(const std::string& run_id,
                                                             const std::string& arguments,
                                                             std::optional<TimePoint> slot) {
  // The output file is created after the spawn, so a folder where it
  // cannot be created stops the run here, before anything starts.
  std::filesystem::path runs_dir = context_.paths.RunDir(definition_.name, run_id).parent_path();
  std::error_code error;
  std::filesystem::create_directories(runs_dir, error);
  if (error || access(runs_dir.c_str(), W_OK) != 0) {
    std::string why = error ? error.message() : std::strerror(errno);
    return IoError("cannot create the output file " +
                   context_.paths.RunOutputFile(definition_.name, run_id).string() + ": " +
                   runs_dir.string() + " is not a writable folder (" + why + ")");
  }
  Result<std::filesystem::path> working_dir = PrepareWorkingDir(context_, definition_);
  if (!working_dir.ok()) return working_dir.error();
  Result<SpawnOptions> spawn = BuildSpawnOptions(definition_, working_dir.value(), arguments);
  if (!spawn.ok()) return spawn.error();

  LaunchPlan plan;
  plan.run_id = run_id;
  JobProcessOptions& options = plan.options;
  options.job_name = definition_.name;
  options.run_id = run_id;
  // The run marker, not the job's, so stopping, killing or the idle check
  // of this run never reaches the processes of another run.
  options.marker_entry = MakeRunMarker(context_.config.MarkerScope(), definition_.name, run_id);
  // Files that earlier runs left in the shutdown folder are removed after
  // the spawn (AfterSpawn()).
  options.shutdown_file = NewShutdownFile(context_, definition_, false);
  options.stop_signal = definition_.settings.stop_signal.value_or(0);
  options.stop_wait = definition_.StopWait();
  options.idle_timeout = definition_.settings.idle_timeout.value_or(context_.config.idle_timeout);
  JobEnvironment environment;
  environment.run_id = run_id;
  environment.arguments = arguments;
  environment.working_root = working_dir.value();
  environment.shutdown_file = options.shutdown_file;
  environment.marker_entry =
      MakeJobMarker(context_.config.MarkerScope(), JobType::kTriggered, definition_.name);
  environment.run_marker_entry = options.marker_entry;
  if (slot) environment.scheduled_time = FormatUtcSeconds(*slot);
  spawn->env = BuildEnvironment(context_, definition_, environment);
  Result<PreparedSpawn> prepared = context_.spawner.Prepare(std::move(spawn).value());
  if (!prepared.ok()) return prepared.error();
  plan.spawn = std::move(prepared).value();
  return plan;
}

void TriggeredJob::LaunchRun(RunState& run, std::optional<LaunchPlan> plan) {
  RunRecord& record = run.record;
  auto fail = [&](const std::string& message) {
    record.error = message;
    if (run.log) {
      run.log->WriteSystem(SystemLevel::kError, "Run could not start: " + message);
      (void)run.log->Flush();
    }
    spdlog::error("event=run_start_failed job={} run={} error={}", record.job_name, record.run_id,
                  Quote(message));
  };
  if (!plan) {
    Result<LaunchPlan> made = PrepareLaunch(record.run_id, record.arguments, run.slot);
    if (!made.ok()) return fail(made.error().message);
    plan = std::move(made).value();
  }
  run.shutdown_file = plan->options.shutdown_file;
  run.log->WriteSystem(SystemLevel::kInfo,
                       "Run " + record.run_id + " starting: " + definition_.entry.run_command +
                           (record.arguments.empty() ? "" : " " + record.arguments) + " (" +
                           record.trigger + ")");
  std::weak_ptr<int> alive = lifetime_;
  JobProcess::ExitCallback on_exit = [this, alive,
                                      run_id = record.run_id](const ProcessOutcome& outcome) {
    if (!alive.expired()) OnRunExit(run_id, outcome);
  };
  Result<std::unique_ptr<JobProcess>> started = StartProcess(run, *plan, std::move(on_exit));
  if (!started.ok()) return fail(started.error().message);
  run.process = std::move(started).value();
  record.status = run_status::kRunning;
  record.pid = run.process->pid();
  context_.loop.Defer([this, alive, run_id = record.run_id] {
    if (!alive.expired()) AfterSpawn(run_id);
  });
}

// Lets the process parked for the run execute its program, or spawns it
// when there is none or the parked one is gone.
Result<std::unique_ptr<JobProcess>> TriggeredJob::StartProcess(RunState& run, LaunchPlan& plan,
                                                               JobProcess::ExitCallback on_exit) {
  if (plan.parked) {
    Result<ChildProcess> released = plan.parked->Release();
    if (released.ok()) {
      run.launcher = std::move(plan.parked);
      return JobProcess::Adopt(context_.loop, *run.log, std::move(plan.options),
                               std::move(released).value(), std::move(on_exit));
    }
    // The spawn prepared with it still serves.
    spdlog::warn("event=parked_start_lost job={} run={} error={}", definition_.name, plan.run_id,
                 Quote(released.error().message));
    plan.parked.reset();
  }
  return JobProcess::Start(context_.loop, context_.spawner, *run.log, std::move(plan.options),
                           std::move(plan.spawn), std::move(on_exit));
}

// The rest of a run start, done once every process of the loop event is
// spawned: larger output pipes, the output file, the host log line, stale
// shutdown files.
// The run may have ended already; its end wrote and closed the file.
void TriggeredJob::AfterSpawn(const std::string& run_id) {
  auto found = active_.find(run_id);
  if (found == active_.end()) return;
  RunState& run = *found->second;
  // A parked process got its larger pipes when it was parked.
  if (run.process && !run.launcher) run.process->FinishStart(context_.spawner);
  if (Status written = run.log->Flush(); !written.ok()) {
    spdlog::error("event=log_write_failed job={} run={} error={}", definition_.name, run_id,
                  Quote(written.error().message));
  }
  spdlog::info("event=run_started job={} run={} pid={} trigger={}", definition_.name, run_id,
               run.record.pid.value_or(0), Quote(run.record.trigger));
  if (active_.size() == 1) RemoveStaleShutdownFiles();
}

// Removes what earlier processes left in the job's shutdown folder, except
// the files of active runs (a stop may already have created one).
void TriggeredJob::RemoveStaleShutdownFiles() {
  std::filesystem::path dir = context_.paths.ShutdownDir(JobType::kTriggered, definition_.name);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    bool active = false;
    for (const auto& [run_id, run] : active_) active = active || entry.path() == run->shutdown_file;
    std::error_code ignored;
    if (!active) std::filesystem::remove_all(entry.path(), ignored);
  }
}

void TriggeredJob::OnRunExit(const std::string& run_id, const ProcessOutcome& outcome) {
  auto found = active_.find(run_id);
  if (found == active_.end()) return;
  RunState& run = *found->second;
  if (run.launcher) {
    // The launcher could not execute the program: the run never started,
    // as when a direct spawn fails.
    if (std::optional<Error> failure = run.launcher->ExecFailure()) {
      run.record.error = failure->message;
      run.log->WriteSystem(SystemLevel::kError, "Run could not start: " + failure->message);
      spdlog::error("event=run_start_failed job={} run={} error={}", definition_.name, run_id,
                    Quote(failure->message));
      return FinishRun(run_id, run_status::kFailed, failure->message);
    }
  }
  std::string how = DescribeExit(outcome.exit);
  run.record.exit_code = outcome.exit.exit_code;
  if (run.stop_cause != StopCause::kNone && !outcome.stop_requested) {
    // The stop came after the main process exited but before this
    // callback, so the process object did not kill what it left behind.
    (void)KillJobProcesses(
        0, MakeRunMarker(context_.config.MarkerScope(), definition_.name, run.record.run_id));
  }

  std::string status;
  std::string error;
  if (run.stop_cause == StopCause::kHostShutdown) {
    status = run_status::kAborted;
    error = shutdown_reason_ + " while the run was active (" + how + ")";
  } else if (run.stop_cause == StopCause::kReplace) {
    status = run_status::kStopped;
    error = "replaced by " + run.replaced_by + " (" + how + ")";
  } else if (run.stop_cause == StopCause::kCancel) {
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
  FinishRun(run_id, status, error);
}

void TriggeredJob::RecordFinished(RunState& run, const std::string& status,
                                  const std::string& error) {
  RunRecord& record = run.record;
  record.status = status;
  if (!error.empty()) record.error = error;
  record.end_time = context_.clock.Now();
  record.pid.reset();
  if (run.log) {
    if (status == run_status::kSuccess) {
      run.log->WriteSystem(SystemLevel::kInfo, "Run ended with exit code 0; status Success");
    } else {
      run.log->WriteSystem(SystemLevel::kError,
                           "Run ended: " + record.error + "; status " + status);
    }
    (void)run.log->Flush();
  }
  spdlog::info("event=run_ended job={} run={} status={} exit_code={} error={}", record.job_name,
               record.run_id, status, record.exit_code ? std::to_string(*record.exit_code) : "none",
               Quote(record.error));
  // Followers send the saved record as the run's final status, so the feed
  // ends only once the store has it.
  context_.SaveRun(record, [feed = run.feed](Status) {
    if (feed) feed->Close();
  });
  if (!latest_run_ || record.run_id >= latest_run_->run_id) latest_run_ = record;
  if (!run.shutdown_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(run.shutdown_file, ignored);
  }
}

void TriggeredJob::FinishRun(const std::string& run_id, const std::string& status,
                             const std::string& error) {
  auto found = active_.find(run_id);
  if (found == active_.end()) return;
  std::unique_ptr<RunState> run = std::move(found->second);
  active_.erase(found);
  if (run_id == catch_up_run_id_) catch_up_run_id_.clear();
  RecordFinished(*run, status, error);
  if (trim_after_runs_end_ && active_.empty()) {
    trim_after_runs_end_ = false;
    TrimHistory();
  }
  // The process object may be the caller; let it unwind first.
  context_.loop.Post([process = std::shared_ptr<JobProcess>(std::move(run->process))] {});
  AfterRunEnded();
}

void TriggeredJob::EndWaitingRun(const std::string& status, const std::string& error) {
  if (!waiting_) return;
  std::unique_ptr<RunState> run = std::move(waiting_);
  RecordFinished(*run, status, error);
}

// Starts what waited for the run that just ended: the waiting run once no
// run is active, then the next catch-up slot.
void TriggeredJob::AfterRunEnded() {
  if (shutting_down_) {
    if (active_.empty()) {
      for (auto& callback : std::exchange(on_shutdown_, {})) callback();
    }
    return;
  }
  if (waiting_ && active_.empty()) {
    std::unique_ptr<RunState> next = std::move(waiting_);
    std::string run_id = next->record.run_id;
    std::optional<TimePoint> slot = next->slot;
    // A failed start ends the run, which comes back here by itself.
    if (!StartNow(std::move(next))) {
      if (slot) {
        SchedulerLog(SystemLevel::kError, "Run " + run_id + " for the slot due at " +
                                              SlotText(*slot) + " could not start");
      }
      return;
    }
    context_.SaveRun(active_.at(run_id)->record);
    if (slot) {
      SchedulerLog(SystemLevel::kInfo, "Run " + run_id + " started for the slot due at " +
                                           SlotText(*slot) + " after waiting");
    }
    return;
  }
  PumpCatchUp();
}

void TriggeredJob::TrimHistory() {
  size_t keep = definition_.settings.history_size
                    ? static_cast<size_t>(*definition_.settings.history_size)
                    : context_.config.history_size;
  // Kudu trims before a run starts, keeping room for the new one. Here the
  // trim waits until the loop event ends, after the save of the new run
  // (requested in the same event), so the new run counts and is kept.
  keep = std::max<size_t>(keep, 1);
  std::string name = definition_.name;
  JobContext* context = &context_;
  context_.loop.Defer([context, name, keep] {
    context->RunOnWorker([context, name, keep] {
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
  });
}

Status TriggeredJob::CancelRun() {
  bool stoppable = waiting_ != nullptr || !catch_up_slots_.empty();
  for (const auto& [run_id, run] : active_) stoppable = stoppable || run->process != nullptr;
  if (!stoppable) {
    return Conflict("job \"" + definition_.name + "\" has no active run to cancel");
  }
  DropCatchUpSlots("cancel requested");
  EndWaitingRun(run_status::kStopped, "cancelled before it started");
  for (auto& [run_id, run] : active_) StopRun(*run, StopCause::kCancel, "cancel requested");
  return Status::Ok();
}

Status TriggeredJob::CancelRun(const std::string& run_id) {
  if (waiting_ && waiting_->record.run_id == run_id) {
    EndWaitingRun(run_status::kStopped, "cancelled before it started");
    return Status::Ok();
  }
  auto found = active_.find(run_id);
  if (found == active_.end() || !found->second->process) {
    return NotFound("job \"" + definition_.name + "\" has no active or waiting run " + run_id +
                    "; a run that has ended cannot be cancelled");
  }
  StopRun(*found->second, StopCause::kCancel, "cancel requested");
  return Status::Ok();
}

void TriggeredJob::Reload(JobDefinition definition) {
  bool schedule_changed = (definition.schedule ? definition.schedule->Expanded() : "") !=
                              (definition_.schedule ? definition_.schedule->Expanded() : "") ||
                          definition.time_zone != definition_.time_zone;
  bool had_schedule = definition_.schedule.has_value();
  definition_ = std::move(definition);
  // A launch prepared from the old definition is stale; a slot waiting for
  // its instant still starts then, from the new one.
  prepared_slot_.reset();
  if (definition_.settings_error) {
    SchedulerLog(SystemLevel::kError,
                 "settings.job was not applied: " + *definition_.settings_error);
  } else if (had_schedule && !definition_.settings.schedule) {
    SchedulerLog(SystemLevel::kInfo,
                 "Schedule removed from settings.job; runs start only on request");
  }
  if (schedule_changed && definition_.schedule) {
    // A new schedule starts now: slots it would have had before this
    // moment were never due, so they are neither missed nor caught up.
    // After a backward clock step the last slot stays the floor.
    // The instant is stored too, so a restart does not count those slots
    // as missed either.
    TimePoint now = context_.clock.Now();
    last_slot_ = last_slot_ ? std::max(*last_slot_, now) : now;
    CommitSlot(*last_slot_, nullptr);
  }
  Activate();
}

void TriggeredJob::Shutdown(const std::string& reason, std::function<void()> done) {
  shutting_down_ = true;
  shutdown_reason_ = reason;
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  next_slot_.reset();
  CancelSlotWait(reason);
  if (context_.config.disable_schedule && definition_.schedule && activated_) {
    // Slots that fell due while schedules were disabled are handled: a
    // later start without the setting does not catch them up.
    TimePoint now = context_.clock.Now();
    last_slot_ = last_slot_ ? std::max(*last_slot_, now) : now;
    CommitSlot(*last_slot_, nullptr);
  }
  DropCatchUpSlots(reason);
  EndWaitingRun(run_status::kAborted, reason + " before the run started");
  if (active_.empty()) return done();
  on_shutdown_.push_back(std::move(done));
  for (auto& [run_id, run] : active_) StopRun(*run, StopCause::kHostShutdown, reason);
}

}  // namespace webjobs
