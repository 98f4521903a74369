// One triggered job: its runs and its schedule.
//
// A run goes Initializing -> Running -> Success | Failed | Stopped |
// Aborted, each step saved to the store. Output goes to the run's own
// output_log.txt. The job's `overlap` policy decides what a new run (a
// schedule slot or a manual request) does while another run is active:
// skip (Kudu's behavior), queue_one, replace or allow (see OverlapPolicy).
// Each run has its own process group, shutdown file, idle timer and
// WEBJOBS_RUN_MARKER, so stopping one run never touches another.
//
// The schedule is armed as a wall-clock timer on the event loop for the
// next occurrence strictly after the last slot handled, so an early or late
// wake-up can neither repeat nor drop a slot. A slot is written to the
// store (job state "last_slot") before its run starts, so neither a host
// restart nor a clock step runs it twice. Slots missed while the host was
// down, or jumped over when the wall clock moved forward, follow the job's
// catch_up policy, and every slot that does not run is logged with its
// reason.
//
// Owned by the event loop thread.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobs/job_context.h"
#include "jobs/job_process.h"
#include "process/parked_process.h"

namespace webjobs {

class TriggeredJob {
 public:
  using RunReply = std::function<void(Result<std::string>)>;

  // A slot handled at most this long after its instant is on time and
  // follows the overlap policy. Handled later (the wall clock jumped
  // forward, the machine was suspended, or the host stalled), it counts as
  // missed and follows the catch_up policy.
  static constexpr std::chrono::seconds kOnTimeTolerance{60};

  // `last_slot` is the last scheduled instant handled before (from the
  // store), and `latest_run` the newest run; both may be empty. They decide
  // what was missed while the host was down.
  TriggeredJob(JobContext& context, JobDefinition definition, std::optional<TimePoint> last_slot,
               std::optional<RunRecord> latest_run);
  ~TriggeredJob();
  TriggeredJob(const TriggeredJob&) = delete;
  TriggeredJob& operator=(const TriggeredJob&) = delete;

  // Arms the schedule (if any) and handles the slots missed since
  // `last_slot`. Call once after construction.
  void Activate();
  // Starts a run on request, as the overlap policy allows. `reply` gets the
  // run id once its record is saved, also for a run that waits (queue_one,
  // replace). kConflict when WEBJOBS_STOPPED is set or the policy rejects
  // the run: under skip a run is active, under queue_one a run already
  // waits, under allow the config's max_active_runs are active.
  // kInvalidArgument for arguments that do not split into words,
  // kUnavailable while the job shuts down.
  void StartRun(const std::string& arguments, const std::string& trigger, RunReply reply);
  // Stops every active run with the stop protocol, ends the waiting run as
  // Stopped, and drops catch-up slots that have not started. kConflict when
  // there is nothing to stop.
  Status CancelRun();
  // Stops the run `run_id`: an active run with the stop protocol, a waiting
  // run at once. kNotFound when no active or waiting run has that id.
  Status CancelRun(const std::string& run_id);
  // Takes a new definition and re-arms the schedule. Active runs go on.
  void Reload(JobDefinition definition);
  // Handles every slot due at the clock's current reading and re-arms the
  // timer. The timer does this by itself; call it after the clock may have
  // been set.
  void CheckSchedule();
  // Stops the active runs (if any), ends a waiting run as Aborted and stops
  // the schedule, then calls `done`.
  void Shutdown(const std::string& reason, std::function<void()> done);

  const JobDefinition& definition() const { return definition_; }
  // The newest active run, if a run is active.
  std::optional<RunRecord> ActiveRun() const;
  // Every active run, oldest first.
  std::vector<RunRecord> ActiveRuns() const;
  // The run that waits for the active ones to end (queue_one, replace).
  std::optional<RunRecord> WaitingRun() const;
  // The newest run: waiting, active or finished (kept in memory, so the
  // API's job views need no store read on the loop).
  std::optional<RunRecord> LatestRun() const;
  // The next slot: one recorded and waiting for its instant, else the one
  // the timer is armed for.
  std::optional<TimePoint> next_slot() const { return waiting_slot_ ? waiting_slot_ : next_slot_; }
  bool has_scheduler_log() const;

 private:
  // The reason the host stopped a run, which decides its final status.
  enum class StopCause { kNone, kCancel, kReplace, kHostShutdown };

  struct RunState {
    RunRecord record;
    std::optional<JobLogWriter> log;
    // Live followers of `log`; closed once the final record is saved.
    std::shared_ptr<LogFeed> feed;
    std::unique_ptr<JobProcess> process;
    std::optional<TimePoint> slot;  // the scheduled instant; empty for manual runs
    bool catch_up = false;
    std::filesystem::path shutdown_file;
    StopCause stop_cause = StopCause::kNone;
    std::string replaced_by;  // with kReplace: the run that replaces this one
    // The launcher that held the run's process until its slot; it reports a
    // failed exec once the process exits.
    std::unique_ptr<ParkedProcess> launcher;
  };

  // Everything a run's start needs besides its record, made before the
  // spawn; for a scheduled run, ahead of its slot (see WaitForSlot()).
  struct LaunchPlan {
    std::string run_id;
    JobProcessOptions options;  // its spawn is in `spawn`
    PreparedSpawn spawn;
    // For a slot: the process, already started and held before the exec
    // of its program. Dropping it kills it.
    std::unique_ptr<ParkedProcess> parked;
  };
  struct PreparedSlot {
    TimePoint slot;
    LaunchPlan plan;
  };

  // The overlap policy's decision about a new run while others are active.
  enum class Admission { kStartNow, kWait, kReplace, kReject };
  struct AdmissionDecision {
    Admission action = Admission::kStartNow;
    std::string conflict;     // with kReject: the error for a manual run
    std::string slot_reason;  // with kReject: why a slot is skipped
  };

  // The reason for a pass over the schedule, which decides how missed slots
  // are described.
  enum class ScheduleCause { kHostStart, kTimer, kCheck };
  struct DueSlots;

  // Runs (triggered_job.cc).
  OverlapPolicy Overlap() const;
  Status CheckCanRun() const;
  AdmissionDecision Admit() const;
  // A run id after every earlier one, from `time`.
  std::string NextRunId(TimePoint time) const;
  // A new run; `run_id` empty means a new id from the clock.
  std::unique_ptr<RunState> NewRun(const std::string& arguments, const std::string& trigger,
                                   std::optional<TimePoint> slot, bool catch_up,
                                   std::string run_id = "");
  // Starts `run` now, from `plan` when one was made for it. Returns false
  // when its process did not start, and the run is then recorded as Failed.
  bool StartNow(std::unique_ptr<RunState> run, std::optional<LaunchPlan> plan = std::nullopt);
  void MakeWaiting(std::unique_ptr<RunState> run, bool replace);
  Result<LaunchPlan> PrepareLaunch(const std::string& run_id, const std::string& arguments,
                                   std::optional<TimePoint> slot);
  void LaunchRun(RunState& run, std::optional<LaunchPlan> plan);
  Result<std::unique_ptr<JobProcess>> StartProcess(RunState& run, LaunchPlan& plan,
                                                   JobProcess::ExitCallback on_exit);
  void OnRunExit(const std::string& run_id, const ProcessOutcome& outcome);
  void FinishRun(const std::string& run_id, const std::string& status, const std::string& error);
  void EndWaitingRun(const std::string& status, const std::string& error);
  void RecordFinished(RunState& run, const std::string& status, const std::string& error);
  void AfterRunEnded();
  void StopRun(RunState& run, StopCause cause, const std::string& reason);
  void AfterSpawn(const std::string& run_id);
  void RemoveStaleShutdownFiles();
  void TrimHistory();
  std::string DescribeActiveRuns() const;

  // Schedule (triggered_job_schedule.cc).
  struct CatchUpPlan;
  void HandleDueSlots(ScheduleCause cause, std::optional<TimePoint> fired);
  DueSlots CollectDueSlots(TimePoint after, TimePoint now, TimePoint until,
                           std::chrono::seconds window) const;
  std::string MissedCause(ScheduleCause cause, TimePoint now) const;
  CatchUpPlan CatchUpRules(ScheduleCause cause, TimePoint now) const;
  void ChooseRuns(ScheduleCause cause, DueSlots& due, TimePoint now, CatchUpPlan& plan) const;
  std::string MissedDetail(const CatchUpPlan& plan, TimePoint slot, TimePoint now) const;
  void LogMissedSlots(ScheduleCause cause, const DueSlots& due, const CatchUpPlan& plan,
                      TimePoint now);
  void LogBackwardStep(TimePoint now);
  void ArmTimer(std::optional<TimePoint> next);
  void CommitSlot(TimePoint slot, std::function<void(Status)> done);
  void WaitForSlot(TimePoint slot);
  void CancelSlotWait(const std::string& reason);
  void StartSlotRun(TimePoint slot);
  void PumpCatchUp();
  void DropCatchUpSlots(const std::string& reason);
  void LogSkippedSlot(TimePoint slot, const std::string& reason);
  void LogMissedSlot(TimePoint slot, const std::string& reason);
  void SchedulerLog(SystemLevel level, const std::string& text);
  void FlushSchedulerLog();
  std::string ScheduleTrigger() const;
  std::string SlotText(TimePoint slot) const;

  JobContext& context_;
  JobDefinition definition_;
  // The newest slot handled: run, skipped or missed. Slots up to it never
  // run again. Before the first slot, the instant the schedule started at.
  std::optional<TimePoint> last_slot_;
  std::optional<TimePoint> latest_run_start_;
  std::optional<RunRecord> latest_run_;                      // the finished run with the highest id
  std::map<std::string, std::unique_ptr<RunState>> active_;  // by run id, oldest first
  std::unique_ptr<RunState> waiting_;
  EventLoop::TimerId schedule_timer_ = 0;
  std::optional<TimePoint> next_slot_;
  // A slot recorded ahead of its instant, and the timer that starts it
  // then; with the launch prepared while the job was idle.
  std::optional<TimePoint> waiting_slot_;
  EventLoop::TimerId slot_start_timer_ = 0;
  std::optional<PreparedSlot> prepared_slot_;
  // The wall and steady clocks when the timer was armed; how far they
  // drifted apart by the time it fires distinguishes a clock step from a late
  // wake-up.
  TimePoint armed_wall_{};
  std::chrono::steady_clock::time_point armed_steady_{};
  // Slot whose backward clock step was logged, so it is logged once.
  std::optional<TimePoint> logged_backward_step_;
  // Catch-up slots run one after another, whatever the overlap policy.
  std::deque<TimePoint> catch_up_slots_;
  std::string catch_up_run_id_;  // the active catch-up run, if any
  bool pumping_catch_up_ = false;
  bool activated_ = false;  // Activate() ran once, so later passes are not the host's start
  std::string last_run_id_;
  bool shutting_down_ = false;
  // A trim ran while other runs were active; the store keeps active runs,
  // so the history may hold more than history_size until those runs end.
  bool trim_after_runs_end_ = false;
  std::string shutdown_reason_;
  std::vector<std::function<void()>> on_shutdown_;  // every Shutdown() caller waits
  // Scheduler log records of the current loop event, written when it ends
  // (see SchedulerLog()).
  std::optional<JobLogWriter> scheduler_log_;
  // Callbacks that outlive a loop turn hold a weak_ptr to this and do
  // nothing once the job is gone (deleted while a store write was queued).
  std::shared_ptr<int> lifetime_ = std::make_shared<int>(0);
};

}  // namespace webjobs
