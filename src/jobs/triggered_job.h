// One triggered job: its runs (one at a time) and its schedule.
//
// A run goes Initializing -> Running -> Success | Failed | Stopped |
// Aborted, each step saved to the store. Output goes to the run's own
// output_log.txt. The schedule is armed as a wall-clock timer on the event
// loop for the next occurrence strictly after the last scheduled instant,
// so an early or late wake-up can neither repeat nor drop a slot. Slots
// missed while the host was down follow the job's catch_up policy; a slot
// that comes while a run is active follows its overlap policy.
//
// Owned by the event loop thread.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "jobs/job_context.h"
#include "jobs/job_process.h"

namespace webjobs {

class TriggeredJob {
 public:
  using RunReply = std::function<void(Result<std::string>)>;

  // `last_slot` is the last scheduled instant handled before (from the
  // store), and `latest_run` the newest run; both may be empty. They decide
  // what was missed while the host was down.
  TriggeredJob(JobContext& context, JobDefinition definition, std::optional<TimePoint> last_slot,
               std::optional<RunRecord> latest_run);
  ~TriggeredJob();
  TriggeredJob(const TriggeredJob&) = delete;
  TriggeredJob& operator=(const TriggeredJob&) = delete;

  // Arms the schedule (if any). Call once after construction.
  void Activate();
  // Starts a run. `reply` gets the run id once its record is saved, or the
  // error: kConflict while a run is active or WEBJOBS_STOPPED is set,
  // kInvalidArgument for arguments that do not split into words.
  void StartRun(const std::string& arguments, const std::string& trigger, RunReply reply);
  // Stops the active run with the stop protocol. kConflict if none.
  Status CancelRun();
  // Takes a new definition; the schedule is re-armed, an active run goes on.
  void Reload(JobDefinition definition);
  // Stops the active run (if any) and the schedule, then calls `done`.
  void Shutdown(const std::string& reason, std::function<void()> done);

  const JobDefinition& definition() const { return definition_; }
  // The active run's record, if a run is active.
  std::optional<RunRecord> ActiveRun() const;
  // The active run, else the newest finished one (kept in memory, so the
  // API's job views need no store read on the loop).
  std::optional<RunRecord> LatestRun() const;
  std::optional<TimePoint> next_slot() const { return next_slot_; }
  bool has_scheduler_log() const;

 private:
  struct ActiveRunState {
    RunRecord record;
    std::optional<JobLogWriter> log;
    std::unique_ptr<JobProcess> process;
    bool cancelled = false;
    bool host_shutdown = false;
  };

  std::string Marker() const;
  Status CheckCanRun() const;
  void LaunchRun(ActiveRunState& run);
  void OnRunExit(const ProcessOutcome& outcome);
  void FinishRun(const std::string& status, const std::string& error);
  void TrimHistory();

  void ArmSchedule(TimePoint after, bool at_start);
  void OnSlot(TimePoint slot);
  void FireSlot(TimePoint slot);
  void SaveLastSlot(TimePoint slot);
  void SchedulerLog(SystemLevel level, const std::string& text);
  std::string ScheduleTrigger() const;

  JobContext& context_;
  JobDefinition definition_;
  std::optional<TimePoint> last_slot_;
  std::optional<TimePoint> latest_run_start_;
  std::optional<RunRecord> latest_run_;
  std::unique_ptr<ActiveRunState> active_;
  std::optional<JobLogWriter> scheduler_log_;
  EventLoop::TimerId schedule_timer_ = 0;
  std::optional<TimePoint> next_slot_;
  std::deque<TimePoint> queued_slots_;  // overlap=queue and catch_up=all
  std::string last_run_id_;
  bool shutting_down_ = false;
  std::string shutdown_reason_;
  std::vector<std::function<void()>> on_shutdown_;  // every Shutdown() caller waits
  // Callbacks that outlive a loop turn hold a weak_ptr to this and do
  // nothing once the job is gone (deleted while a store write was queued).
  std::shared_ptr<int> lifetime_ = std::make_shared<int>(0);
};

}  // namespace webjobs
