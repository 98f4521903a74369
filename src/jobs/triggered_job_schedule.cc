// The scheduling half of TriggeredJob: arming the next slot, catch-up
// after downtime, and what a slot does while a run is active.
#include <date/date.h>
#include <spdlog/spdlog.h>

#include "core/log.h"
#include "jobs/triggered_job.h"

namespace webjobs {

namespace {

constexpr size_t kMaxMissedSlots = 10000;
constexpr std::chrono::hours kDefaultCatchUpWindow{24};

std::string FormatSlot(TimePoint time, const date::time_zone* zone) {
  auto seconds = date::floor<std::chrono::seconds>(time);
  std::string utc = date::format("%FT%TZ", seconds);
  if (zone == nullptr || zone->name() == "UTC" || zone->name() == "Etc/UTC") return utc;
  return utc + " (" + date::format("%F %T %Z", date::make_zoned(zone, seconds)) + ")";
}

int64_t ToMicros(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

}  // namespace

std::string TriggeredJob::ScheduleTrigger() const {
  return "Schedule - " + (definition_.schedule ? definition_.schedule->Expanded() : "");
}

void TriggeredJob::SchedulerLog(SystemLevel level, const std::string& text) {
  if (!scheduler_log_) {
    Result<JobLogWriter> writer = OpenLog(context_, context_.paths.SchedulerLogFile(definition_.name));
    if (!writer.ok()) {
      spdlog::error("event=log_open_failed job={} error={}", definition_.name,
                    Quote(writer.error().message));
      return;
    }
    scheduler_log_.emplace(std::move(writer).value());
  }
  scheduler_log_->WriteSystem(level, text);
  (void)scheduler_log_->Flush();
}

void TriggeredJob::Activate() {
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  next_slot_.reset();
  if (!definition_.settings.schedule) return;
  if (!definition_.schedule) {
    SchedulerLog(SystemLevel::kError,
                 "No schedule is active: " + definition_.settings_error.value_or(
                                                 "the schedule \"" + *definition_.settings.schedule +
                                                 "\" is not valid"));
    return;
  }
  if (context_.config.disable_schedule) {
    SchedulerLog(SystemLevel::kWarn,
                 "Schedule not armed: WEBJOBS_DISABLE_SCHEDULE is set; runs start only on request");
    return;
  }
  TimePoint base = last_slot_.value_or(latest_run_start_.value_or(context_.clock.Now()));
  // A schedule set just now must not catch up on slots from before it.
  if (!last_slot_ && !latest_run_start_) base = context_.clock.Now();
  ArmSchedule(base, true);
  if (next_slot_) {
    SchedulerLog(SystemLevel::kInfo, "Schedule \"" + definition_.schedule->expression() +
                                         "\" in time zone " + definition_.time_zone->name() +
                                         " is active; next run at " +
                                         FormatSlot(*next_slot_, definition_.time_zone));
  }
}

void TriggeredJob::ArmSchedule(TimePoint after, bool at_start) {
  if (schedule_timer_ != 0) context_.loop.CancelTimer(std::exchange(schedule_timer_, 0));
  const CronSchedule& schedule = *definition_.schedule;
  const date::time_zone* zone = definition_.time_zone;
  TimePoint now = context_.clock.Now();
  std::optional<TimePoint> next = schedule.NextAfter(after, zone);

  // Slots between `after` and now were missed (the host was down, or the
  // loop woke late). Collect them, bounded, newest last.
  std::vector<TimePoint> missed;
  while (next && *next <= now && missed.size() < kMaxMissedSlots) {
    missed.push_back(*next);
    next = schedule.NextAfter(*next, zone);
  }
  if (!missed.empty()) {
    if (missed.size() == kMaxMissedSlots) next = schedule.NextAfter(now, zone);
    CatchUpPolicy policy = definition_.settings.catch_up.value_or(CatchUpPolicy::kKudu);
    std::chrono::seconds window = definition_.settings.catch_up_window.value_or(
        std::chrono::duration_cast<std::chrono::seconds>(kDefaultCatchUpWindow));
    std::vector<TimePoint> to_run;
    switch (policy) {
      case CatchUpPolicy::kKudu:
        if (now - missed.back() <= context_.config.catch_up_limit) to_run.push_back(missed.back());
        break;
      case CatchUpPolicy::kNone:
        break;
      case CatchUpPolicy::kLatest:
        if (now - missed.back() <= window) to_run.push_back(missed.back());
        break;
      case CatchUpPolicy::kAll:
        for (TimePoint slot : missed) {
          if (now - slot <= window) to_run.push_back(slot);
        }
        break;
    }
    size_t skipped = missed.size() - to_run.size();
    if (skipped > 0) {
      SchedulerLog(SystemLevel::kWarn,
                   std::to_string(missed.size()) + " scheduled run(s) missed" +
                       (at_start ? " while the host was down" : "") + ", the newest due at " +
                       FormatSlot(missed.back(), zone) + "; " + std::to_string(to_run.size()) +
                       " run now and " + std::to_string(skipped) + " skipped (catch_up policy \"" +
                       std::string(CatchUpPolicyName(policy)) + "\")");
      spdlog::warn("event=schedule_missed job={} count={} newest={}", definition_.name, skipped,
                   FormatSlot(missed.back(), zone));
    }
    last_slot_ = missed.back();
    SaveLastSlot(missed.back());
    for (TimePoint slot : to_run) {
      SchedulerLog(SystemLevel::kInfo, "Catching up the run due at " + FormatSlot(slot, zone));
      // Catch-up runs go one after another, whatever the overlap policy
      // says about regular slots.
      if (active_) {
        queued_slots_.push_back(slot);
      } else {
        FireSlot(slot);
      }
    }
  }

  next_slot_ = next;
  if (!next) {
    SchedulerLog(SystemLevel::kWarn, "The schedule has no further occurrences");
    return;
  }
  schedule_timer_ = context_.loop.AddWallTimer(*next, [this, slot = *next] {
    schedule_timer_ = 0;
    OnSlot(slot);
  });
}

void TriggeredJob::SaveLastSlot(TimePoint slot) {
  Store* store = &context_.store;
  context_.RunOnWorker([store, name = definition_.name, micros = ToMicros(slot)] {
    Status saved = store->SetJobState(name, "last_slot", std::to_string(micros));
    if (!saved.ok()) {
      spdlog::error("event=store_write_failed job={} key=last_slot error={}", name,
                    Quote(saved.error().message));
    }
  });
}

void TriggeredJob::OnSlot(TimePoint slot) {
  last_slot_ = slot;
  SaveLastSlot(slot);
  FireSlot(slot);
  // The next slot comes strictly after this scheduled instant, never after
  // "now", so a timer that fires early cannot run the same slot twice.
  if (definition_.schedule && !shutting_down_) ArmSchedule(slot, false);
}

void TriggeredJob::FireSlot(TimePoint slot) {
  const date::time_zone* zone = definition_.time_zone;
  if (active_) {
    if (definition_.settings.overlap.value_or(OverlapPolicy::kSkip) == OverlapPolicy::kQueue) {
      queued_slots_.push_back(slot);
      SchedulerLog(SystemLevel::kInfo, "Run due at " + FormatSlot(slot, zone) +
                                           " queued: run " + active_->record.run_id +
                                           " is still active");
      return;
    }
    SchedulerLog(SystemLevel::kWarn, "Run due at " + FormatSlot(slot, zone) +
                                         " skipped: run " + active_->record.run_id +
                                         " is still active (overlap policy \"skip\")");
    spdlog::info("event=schedule_skipped job={} slot={} active_run={}", definition_.name,
                 FormatSlot(slot, zone), active_->record.run_id);
    return;
  }
  std::string slot_text = FormatSlot(slot, zone);
  std::weak_ptr<int> alive = lifetime_;
  StartRun("", ScheduleTrigger(), [this, alive, slot_text](Result<std::string> run) {
    if (alive.expired()) return;
    if (run.ok()) {
      SchedulerLog(SystemLevel::kInfo, "Run " + run.value() + " started for the slot due at " + slot_text);
    } else {
      SchedulerLog(SystemLevel::kError, "Run due at " + slot_text + " did not start: " +
                                            run.error().message);
    }
  });
}

}  // namespace webjobs
