// The scheduling half of TriggeredJob: arming the next slot, recording a
// slot before its run starts, missed slots (downtime, clock steps) and the
// catch-up runs they get, and what a slot does while a run is active.
#include <date/date.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log.h"
#include "jobs/triggered_job.h"

namespace webjobs {

namespace {

// Maximum time a scheduled run is prepared ahead of its slot (see ArmTimer()).
constexpr std::chrono::milliseconds kMaxScheduleLead{500};

// One pass looks at no more than this many slots before it skips ahead to
// the slots that its catch_up policy may still run, so a per-second
// schedule after months of downtime costs a bounded amount of work.
constexpr size_t kMaxScannedSlots = 100000;
// Missed slots logged one line each; the rest are counted in a summary.
constexpr size_t kMaxListedSlots = 100;
constexpr std::chrono::hours kDefaultCatchUpWindow{24};
// A backward clock step smaller than this is an early wake-up, not news.
constexpr std::chrono::seconds kMinLoggedClockStep{1};

std::string FormatSlot(TimePoint time, const date::time_zone* zone) {
  auto seconds = date::floor<std::chrono::seconds>(time);
  std::string utc = date::format("%FT%TZ", seconds);
  if (zone == nullptr || zone->name() == "UTC" || zone->name() == "Etc/UTC") return utc;
  return utc + " (" + date::format("%F %T %Z", date::make_zoned(zone, seconds)) + ")";
}

int64_t ToMicros(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

int64_t WholeSeconds(std::chrono::system_clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

}  // namespace

// The slots due in one pass, split by the policy's window: the older ones
// can only be missed, the recent ones may still run.
struct TriggeredJob::DueSlots {
  // The oldest slots outside the window, at most kMaxListedSlots of them.
  std::vector<TimePoint> old_listed;
  size_t old_count = 0;  // slots outside the window that were counted
  std::optional<TimePoint> old_newest;
  std::vector<TimePoint> recent;  // slots inside the window, oldest first
  // The scan skipped slots without counting them (more than
  // kMaxScannedSlots were due), so counts are lower bounds.
  bool truncated = false;
  // The scan stopped before `until`, so the newest due slot is unknown.
  bool incomplete = false;

  bool empty() const { return old_count == 0 && recent.empty() && !truncated; }
  std::optional<TimePoint> newest() const {
    if (incomplete) return std::nullopt;
    if (!recent.empty()) return recent.back();
    return old_newest;
  }
};

std::string TriggeredJob::ScheduleTrigger() const {
  return "Schedule - " + (definition_.schedule ? definition_.schedule->Expanded() : "");
}

std::string TriggeredJob::SlotText(TimePoint slot) const {
  return FormatSlot(slot, definition_.time_zone);
}

// Records wait in memory until the loop event ends, so a burst of slots
// spawns its processes first and then writes the log once. The file is
// opened for each write and closed again, so a host with thousands of
// scheduled jobs does not hold a descriptor per job.
void TriggeredJob::SchedulerLog(SystemLevel level, const std::string& text) {
  if (!scheduler_log_) {
    scheduler_log_.emplace(
        JobLogWriter::CreateLater(context_.paths.SchedulerLogFile(definition_.name),
                                  context_.config.instance_id, context_.clock));
    std::weak_ptr<int> alive = lifetime_;
    context_.loop.Defer([this, alive] {
      if (!alive.expired()) FlushSchedulerLog();
    });
  }
  scheduler_log_->WriteSystem(level, text);
}

void TriggeredJob::FlushSchedulerLog() {
  if (!scheduler_log_) return;
  if (Status flushed = scheduler_log_->Flush(); !flushed.ok()) {
    spdlog::error("event=log_write_failed job={} file=job_scheduler.log error={}", definition_.name,
                  Quote(flushed.error().message));
  }
  scheduler_log_.reset();
}

void TriggeredJob::LogSkippedSlot(TimePoint slot, const std::string& reason) {
  SchedulerLog(SystemLevel::kWarn, "Run due at " + SlotText(slot) + " skipped: " + reason);
  spdlog::warn("event=schedule_skipped job={} slot={} reason={}", definition_.name,
               FormatUtcSeconds(slot), Quote(reason));
}

void TriggeredJob::LogMissedSlot(TimePoint slot, const std::string& reason) {
  SchedulerLog(SystemLevel::kWarn, "Run due at " + SlotText(slot) + " missed: " + reason);
  spdlog::warn("event=schedule_missed job={} slot={} reason={}", definition_.name,
               FormatUtcSeconds(slot), Quote(reason));
}

void TriggeredJob::Activate() {
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  next_slot_.reset();
  bool first = !activated_;
  activated_ = true;
  if (first && definition_.settings_error) {
    // Reload() logs a bad settings.job that replaces a good one; at start
    // there was no good one, so the job has no schedule at all.
    SchedulerLog(SystemLevel::kError,
                 "settings.job was not applied, so the job has no schedule until it is fixed: " +
                     *definition_.settings_error);
    spdlog::warn("event=settings_not_applied job={} error={}", definition_.name,
                 Quote(*definition_.settings_error));
  }
  if (!definition_.settings.schedule) return;
  if (!definition_.schedule) {
    SchedulerLog(SystemLevel::kError,
                 "No schedule is active: " +
                     definition_.settings_error.value_or(
                         "the schedule \"" + *definition_.settings.schedule + "\" is not valid"));
    return;
  }
  TimePoint now = context_.clock.Now();
  if (context_.config.disable_schedule) {
    // Slots due while schedules are disabled are not missed: they never
    // run, and are not caught up once the setting is gone.
    last_slot_ = last_slot_ ? std::max(*last_slot_, now) : now;
    CommitSlot(*last_slot_, nullptr);
    SchedulerLog(SystemLevel::kWarn,
                 "Schedule not armed: WEBJOBS_DISABLE_SCHEDULE is set; runs start only on "
                 "request, and slots due meanwhile are not run later");
    return;
  }
  // Without a recorded slot, the newest run marks where the schedule was
  // last in force. A job that never ran starts its schedule now, so it
  // does not catch up on slots from before it existed. That instant is
  // recorded, so slots missed from then on are caught up after a restart.
  if (!last_slot_) {
    last_slot_ = latest_run_start_.value_or(now);
    CommitSlot(*last_slot_, nullptr);
  }
  HandleDueSlots(first ? ScheduleCause::kHostStart : ScheduleCause::kCheck, std::nullopt);
  if (next_slot_) {
    SchedulerLog(SystemLevel::kInfo, "Schedule \"" + definition_.schedule->expression() +
                                         "\" in time zone " + definition_.time_zone->name() +
                                         " is active; next run at " + SlotText(*next_slot_));
  }
}

void TriggeredJob::CheckSchedule() {
  if (!activated_ || shutting_down_ || !definition_.schedule || context_.config.disable_schedule) {
    return;
  }
  HandleDueSlots(ScheduleCause::kCheck, std::nullopt);
}

TriggeredJob::DueSlots TriggeredJob::CollectDueSlots(TimePoint after, TimePoint now,
                                                     TimePoint until,
                                                     std::chrono::seconds window) const {
  const CronSchedule& schedule = *definition_.schedule;
  const date::time_zone* zone = definition_.time_zone;
  DueSlots due;
  size_t scanned = 0;
  bool skipped_ahead = false;
  std::optional<TimePoint> next = schedule.NextAfter(after, zone);
  while (next && *next <= until) {
    if (scanned == kMaxScannedSlots) {
      // NOTE: only a window holding more than kMaxScannedSlots slots (a
      // per-second schedule with catch_up_window over about 27 hours) gets
      // here twice. The newest slot is then unknown, so kudu and latest run
      // nothing and all runs only the oldest slots of the window.
      if (skipped_ahead) {
        due.truncated = true;
        due.incomplete = true;
        return due;
      }
      skipped_ahead = true;
      scanned = 0;
      TimePoint window_start = now - window;
      if (*next < window_start) {
        due.truncated = true;
        next = schedule.NextAfter(window_start - std::chrono::seconds(1), zone);
        continue;
      }
    }
    ++scanned;
    if (now - *next > window) {
      ++due.old_count;
      due.old_newest = *next;
      if (due.old_listed.size() < kMaxListedSlots) due.old_listed.push_back(*next);
    } else {
      due.recent.push_back(*next);
    }
    next = schedule.NextAfter(*next, zone);
  }
  return due;
}

std::string TriggeredJob::MissedCause(ScheduleCause cause, TimePoint now) const {
  if (cause == ScheduleCause::kHostStart) return "the host was down";
  // The steady clock does not move when the wall clock is set, so a gap
  // between the two since the timer was armed is a clock step (or a
  // suspended machine, which the steady clock does not count either).
  auto steady_elapsed = std::chrono::steady_clock::now() - armed_steady_;
  auto wall_elapsed = now - armed_wall_;
  auto jump = wall_elapsed - std::chrono::duration_cast<TimePoint::duration>(steady_elapsed);
  if (armed_wall_ != TimePoint{} && jump >= std::chrono::seconds(1)) {
    return "the wall clock jumped forward by about " + std::to_string(WholeSeconds(jump)) +
           " s (it was set, or the machine was suspended)";
  }
  return "the scheduler reached it late (the host was busy)";
}

// The catch_up policy's decision for the slots of one pass.
struct TriggeredJob::CatchUpPlan {
  CatchUpPolicy policy = CatchUpPolicy::kKudu;
  std::chrono::seconds limit{0};     // how late a missed slot may be and still run
  std::chrono::seconds window{0};    // how far back slots may still run or be on time
  std::string cause;                 // why the pass found missed slots
  std::optional<TimePoint> regular;  // the on-time slot, which follows the overlap policy
  std::optional<TimePoint> newest_missed;
  std::vector<TimePoint> to_run;  // missed slots that still run, oldest first
};

TriggeredJob::CatchUpPlan TriggeredJob::CatchUpRules(ScheduleCause cause, TimePoint now) const {
  CatchUpPlan plan;
  plan.policy = definition_.settings.catch_up.value_or(CatchUpPolicy::kKudu);
  std::chrono::seconds catch_up_window = definition_.settings.catch_up_window.value_or(
      std::chrono::duration_cast<std::chrono::seconds>(kDefaultCatchUpWindow));
  plan.limit =
      plan.policy == CatchUpPolicy::kKudu ? context_.config.catch_up_limit : catch_up_window;
  plan.window = kOnTimeTolerance;
  if (plan.policy != CatchUpPolicy::kNone) plan.window = std::max(plan.window, plan.limit);
  plan.cause = MissedCause(cause, now);
  return plan;
}

// Takes the on-time slot out of `due` and picks the missed slots that run.
void TriggeredJob::ChooseRuns(ScheduleCause cause, DueSlots& due, TimePoint now,
                              CatchUpPlan& plan) const {
  std::optional<TimePoint> newest_due = due.newest();
  // The newest slot is on time when the pass comes within the tolerance.
  // At host start nothing is on time, because the host was down. Every
  // other due slot is missed.
  if (cause != ScheduleCause::kHostStart && newest_due && !due.recent.empty() &&
      now - due.recent.back() <= kOnTimeTolerance) {
    plan.regular = due.recent.back();
    due.recent.pop_back();
  }
  if (newest_due) {
    plan.newest_missed = due.recent.empty() ? due.old_newest : std::optional(due.recent.back());
  }

  switch (plan.policy) {
    case CatchUpPolicy::kKudu:
    case CatchUpPolicy::kLatest:
      if (!plan.regular && newest_due && !due.recent.empty() &&
          now - due.recent.back() <= plan.limit) {
        plan.to_run.push_back(due.recent.back());
      }
      break;
    case CatchUpPolicy::kNone:
      break;
    case CatchUpPolicy::kAll:
      for (TimePoint slot : due.recent) {
        if (now - slot <= plan.limit) plan.to_run.push_back(slot);
      }
      break;
  }
}

std::string TriggeredJob::MissedDetail(const CatchUpPlan& plan, TimePoint slot,
                                       TimePoint now) const {
  if (plan.policy == CatchUpPolicy::kNone) return "catch_up \"none\" runs no missed slot";
  if (plan.regular && plan.policy != CatchUpPolicy::kAll) {
    return "the slot due at " + SlotText(*plan.regular) + " runs on time instead";
  }
  std::string late = std::to_string(WholeSeconds(now - slot)) + " s late";
  if (plan.policy == CatchUpPolicy::kAll || slot == plan.newest_missed) {
    if (plan.policy == CatchUpPolicy::kKudu) {
      return "catch_up \"kudu\" runs the newest missed slot only when it is at most " +
             std::to_string(plan.limit.count()) + " s late, and this one is " + late;
    }
    return "it is " + late + ", more than catch_up_window (" + std::to_string(plan.limit.count()) +
           " s)";
  }
  return "catch_up \"" + std::string(CatchUpPolicyName(plan.policy)) +
         "\" runs only the newest missed slot";
}

// Logs each missed slot that does not run, oldest first and up to
// kMaxListedSlots, then a summary, then the slots that catch up.
void TriggeredJob::LogMissedSlots(ScheduleCause cause, const DueSlots& due, const CatchUpPlan& plan,
                                  TimePoint now) {
  std::vector<TimePoint> not_run(due.old_listed.begin(), due.old_listed.end());
  for (TimePoint slot : due.recent) {
    if (std::find(plan.to_run.begin(), plan.to_run.end(), slot) == plan.to_run.end()) {
      not_run.push_back(slot);
    }
  }
  for (size_t i = 0; i < not_run.size() && i < kMaxListedSlots; ++i) {
    LogMissedSlot(not_run[i], plan.cause + "; " + MissedDetail(plan, not_run[i], now));
  }

  size_t missed_count = due.old_count + due.recent.size();
  size_t skipped_count = missed_count - plan.to_run.size();
  if (skipped_count > 0) {
    std::optional<TimePoint> oldest;
    if (!due.old_listed.empty()) {
      oldest = due.old_listed.front();
    } else if (!due.recent.empty()) {
      oldest = due.recent.front();
    }
    std::string lower_bound = due.truncated ? "more than " : "";
    std::string text =
        lower_bound + std::to_string(missed_count) + " scheduled run(s) missed " +
        (cause == ScheduleCause::kHostStart ? "while the host was down" : "because " + plan.cause);
    if (plan.newest_missed) text += ", the newest due at " + SlotText(*plan.newest_missed);
    if (oldest && oldest != plan.newest_missed) text += " and the oldest at " + SlotText(*oldest);
    text += "; " + std::to_string(plan.to_run.size()) + " run now and " + lower_bound +
            std::to_string(skipped_count) + " skipped (catch_up policy \"" +
            std::string(CatchUpPolicyName(plan.policy)) + "\")";
    if (skipped_count > kMaxListedSlots) {
      text += "; the first " + std::to_string(kMaxListedSlots) + " skipped slots are listed above";
    }
    SchedulerLog(SystemLevel::kWarn, text);
    spdlog::warn(
        "event=schedule_missed job={} count={} count_is_lower_bound={} oldest={} newest={} "
        "reason={}",
        definition_.name, missed_count, due.truncated,
        oldest ? FormatUtcSeconds(*oldest) : std::string("unknown"),
        plan.newest_missed ? FormatUtcSeconds(*plan.newest_missed) : std::string("unknown"),
        Quote(plan.cause));
  }

  for (TimePoint slot : plan.to_run) {
    SchedulerLog(SystemLevel::kInfo, "Catching up the run due at " + SlotText(slot) + " (" +
                                         std::to_string(WholeSeconds(now - slot)) +
                                         " s late: " + plan.cause + ")");
  }
}

void TriggeredJob::LogBackwardStep(TimePoint now) {
  if (*last_slot_ - now < kMinLoggedClockStep || logged_backward_step_ == last_slot_) return;
  logged_backward_step_ = last_slot_;
  std::optional<TimePoint> next =
      definition_.schedule->NextAfter(*last_slot_, definition_.time_zone);
  SchedulerLog(SystemLevel::kWarn,
               "The wall clock reads " + SlotText(now) + ", before the last handled slot at " +
                   SlotText(*last_slot_) +
                   " (the clock was set back); no scheduled run starts before " +
                   (next ? SlotText(*next) : std::string("the schedule ends")));
  spdlog::warn("event=clock_stepped_back job={} now={} last_slot={}", definition_.name,
               FormatUtcSeconds(now), FormatUtcSeconds(*last_slot_));
}

void TriggeredJob::HandleDueSlots(ScheduleCause cause, std::optional<TimePoint> fired) {
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  next_slot_.reset();
  if (shutting_down_ || !definition_.schedule || !last_slot_) return;
  const CronSchedule& schedule = *definition_.schedule;
  const date::time_zone* zone = definition_.time_zone;
  TimePoint now = context_.clock.Now();
  // A timer fires when the loop's clock reaches its slot, so that slot is
  // due even when this clock reads a little earlier.
  TimePoint until = fired ? std::max(now, *fired) : now;
  LogBackwardStep(now);

  CatchUpPlan plan = CatchUpRules(cause, now);
  DueSlots due = CollectDueSlots(*last_slot_, now, until, plan.window);
  if (due.empty()) {
    ArmTimer(schedule.NextAfter(*last_slot_, zone));
    return;
  }
  std::optional<TimePoint> newest_due = due.newest();
  ChooseRuns(cause, due, now, plan);
  LogMissedSlots(cause, due, plan, now);

  // Every due slot is handled now, run or not. The newest is recorded
  // before any of them starts, so no restart or clock step runs one again.
  // When the scan stopped short, `until` is recorded in place of the newest.
  TimePoint handled = newest_due.value_or(until);
  last_slot_ = handled;
  CommitSlot(handled, [this, regular = plan.regular, to_run = plan.to_run](Status saved) {
    if (!saved.ok()) {
      std::vector<TimePoint> lost = to_run;
      if (regular) lost.push_back(*regular);
      for (TimePoint slot : lost) {
        SchedulerLog(SystemLevel::kError,
                     "Run due at " + SlotText(slot) +
                         " did not start: the slot could not be recorded in the store, and a "
                         "slot runs only once it is recorded, so that a restart cannot run it "
                         "twice (" +
                         saved.error().message + ")");
      }
      return;
    }
    if (regular) {
      if (*regular > context_.clock.Now()) {
        WaitForSlot(*regular);
      } else {
        StartSlotRun(*regular);
      }
    }
    catch_up_slots_.insert(catch_up_slots_.end(), to_run.begin(), to_run.end());
    PumpCatchUp();
  });
  ArmTimer(schedule.NextAfter(handled, zone));
}

void TriggeredJob::ArmTimer(std::optional<TimePoint> next) {
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  next_slot_ = next;
  armed_wall_ = context_.clock.Now();
  armed_steady_ = std::chrono::steady_clock::now();
  if (!next) {
    SchedulerLog(SystemLevel::kWarn, "The schedule has no further occurrences");
    return;
  }
  // The timer fires a little ahead, and the pass treats the slot as due,
  // records it and prepares its run; WaitForSlot() starts it on time.
  // Slots lie at least a second apart, so the lead stays under one.
  auto lead =
      std::clamp(context_.config.schedule_lead, std::chrono::milliseconds(0), kMaxScheduleLead);
  schedule_timer_ = context_.loop.AddWallTimer(*next - lead, [this, slot = *next] {
    schedule_timer_ = 0;
    HandleDueSlots(ScheduleCause::kTimer, slot);
  });
}

// Prepares the slot's run once the slot is recorded, if the job could
// start it now. The start decides again at the slot, so a run that ends
// in between does not cause a skip.
void TriggeredJob::WaitForSlot(TimePoint slot) {
  // A shutdown that came while the slot's store write was in flight: the
  // slot is recorded, so it is logged as skipped rather than lost.
  if (shutting_down_) return LogSkippedSlot(slot, shutdown_reason_);
  // The lead is under a second, so a slot has started before the next one
  // is recorded. This guard keeps any run from starting before its slot.
  CancelSlotWait("the next slot was recorded before this one started");
  waiting_slot_ = slot;
  if (CheckCanRun().ok() && Admit().action == Admission::kStartNow) {
    // A failure here is reported when the slot starts and tries again.
    Result<LaunchPlan> plan = PrepareLaunch(NextRunId(slot), "", slot);
    if (plan.ok()) {
      // Started now and held before the exec of the job's program, so that
      // at the slot only the exec remains. Without it the run is spawned at
      // the slot.
      Result<std::unique_ptr<ParkedProcess>> parked = context_.spawner.Park(plan->spawn);
      if (parked.ok()) {
        plan->parked = std::move(parked).value();
      } else if (parked.error().code != ErrorCode::kUnavailable) {
        spdlog::warn("event=park_failed job={} slot={} error={}", definition_.name,
                     FormatUtcSeconds(slot), Quote(parked.error().message));
      }
      prepared_slot_ = PreparedSlot{slot, std::move(plan).value()};
    }
  }
  slot_start_timer_ = context_.loop.AddWallTimer(slot, [this, slot] {
    slot_start_timer_ = 0;
    waiting_slot_.reset();
    StartSlotRun(slot);
  });
}

// Drops a slot that waits for its instant; with a `reason`, logs it as
// skipped (it is recorded, so it does not run later either).
void TriggeredJob::CancelSlotWait(const std::string& reason) {
  if (slot_start_timer_ != 0) context_.loop.CancelTimer(std::exchange(slot_start_timer_, 0));
  prepared_slot_.reset();
  std::optional<TimePoint> slot = std::exchange(waiting_slot_, std::nullopt);
  if (slot && !reason.empty()) LogSkippedSlot(*slot, reason);
}

void TriggeredJob::CommitSlot(TimePoint slot, std::function<void(Status)> done) {
  std::weak_ptr<int> alive = lifetime_;
  context_.SetJobStateBatched(
      definition_.name, "last_slot", std::to_string(ToMicros(slot)),
      [alive, done = std::move(done), name = definition_.name, slot](Status saved) {
        if (!saved.ok()) {
          spdlog::error("event=store_write_failed job={} key=last_slot slot={} error={}", name,
                        FormatUtcSeconds(slot), Quote(saved.error().message));
        }
        if (!alive.expired() && done) done(saved);
      });
}

void TriggeredJob::StartSlotRun(TimePoint slot) {
  // Taken first, so that a slot skipped below drops (and kills) the
  // process held for it.
  std::optional<PreparedSlot> prepared = std::exchange(prepared_slot_, std::nullopt);
  if (Status allowed = CheckCanRun(); !allowed.ok()) {
    return LogSkippedSlot(slot, allowed.error().message);
  }
  AdmissionDecision decision = Admit();
  if (decision.action == Admission::kReject) return LogSkippedSlot(slot, decision.slot_reason);

  // The launch prepared ahead of the slot serves while its run id is
  // still the newest (no manual run started in between).
  if (prepared && (prepared->slot != slot || decision.action != Admission::kStartNow ||
                   prepared->plan.run_id <= last_run_id_)) {
    prepared.reset();
  }
  std::unique_ptr<RunState> run =
      NewRun("", ScheduleTrigger(), slot, false, prepared ? prepared->plan.run_id : "");
  std::string run_id = run->record.run_id;
  if (decision.action != Admission::kStartNow) {
    std::string slot_text = SlotText(slot);
    std::string active = DescribeActiveRuns();
    bool replace = decision.action == Admission::kReplace;
    MakeWaiting(std::move(run), replace);
    SchedulerLog(SystemLevel::kInfo, "Run " + run_id + " for the slot due at " + slot_text +
                                         " waits for " + active +
                                         (replace ? " to stop (overlap policy \"replace\")"
                                                  : " to end (overlap policy \"queue_one\")"));
    context_.SaveRun(waiting_->record);
    return;
  }
  std::optional<LaunchPlan> plan;
  if (prepared) plan = std::move(prepared->plan);
  bool started = StartNow(std::move(run), std::move(plan));
  if (started) context_.SaveRun(active_.at(run_id)->record);
  // Formatting the slot in its time zone waits until the spawns are done.
  std::weak_ptr<int> alive = lifetime_;
  context_.loop.Defer([this, alive, run_id, slot, started] {
    if (alive.expired()) return;
    if (started) {
      SchedulerLog(SystemLevel::kInfo,
                   "Run " + run_id + " started for the slot due at " + SlotText(slot));
    } else {
      SchedulerLog(SystemLevel::kError,
                   "Run " + run_id + " for the slot due at " + SlotText(slot) + " could not start");
    }
  });
}

// Starts the next catch-up slot once the previous catch-up run has ended
// and the job has room: no other run (or, under "allow", fewer than
// the config's max_active_runs) and none waiting.
void TriggeredJob::PumpCatchUp() {
  if (pumping_catch_up_) return;  // a failed start inside the loop below comes back here
  pumping_catch_up_ = true;
  while (!shutting_down_ && !catch_up_slots_.empty() && catch_up_run_id_.empty() && !waiting_) {
    bool room = Overlap() == OverlapPolicy::kAllow
                    ? active_.size() < context_.config.max_active_runs
                    : active_.empty();
    if (!room) break;
    TimePoint slot = catch_up_slots_.front();
    catch_up_slots_.pop_front();
    if (Status allowed = CheckCanRun(); !allowed.ok()) {
      LogSkippedSlot(slot, allowed.error().message);
      continue;
    }
    std::unique_ptr<RunState> run = NewRun("", ScheduleTrigger(), slot, true);
    std::string run_id = run->record.run_id;
    if (!StartNow(std::move(run))) {
      SchedulerLog(SystemLevel::kError,
                   "Run " + run_id + " for the slot due at " + SlotText(slot) + " could not start");
      continue;
    }
    SchedulerLog(SystemLevel::kInfo,
                 "Run " + run_id + " started for the slot due at " + SlotText(slot));
    context_.SaveRun(active_.at(run_id)->record);
  }
  pumping_catch_up_ = false;
}

void TriggeredJob::DropCatchUpSlots(const std::string& reason) {
  size_t listed = 0;
  for (TimePoint slot : catch_up_slots_) {
    if (listed++ < kMaxListedSlots) LogSkippedSlot(slot, reason);
  }
  if (catch_up_slots_.size() > kMaxListedSlots) {
    size_t rest = catch_up_slots_.size() - kMaxListedSlots;
    SchedulerLog(SystemLevel::kWarn, std::to_string(rest) +
                                         " more catch-up run(s) skipped, the newest due at " +
                                         SlotText(catch_up_slots_.back()) + ": " + reason);
    spdlog::warn("event=schedule_skipped job={} count={} newest={} reason={}", definition_.name,
                 rest, FormatUtcSeconds(catch_up_slots_.back()), Quote(reason));
  }
  catch_up_slots_.clear();
}

}  // namespace webjobs
