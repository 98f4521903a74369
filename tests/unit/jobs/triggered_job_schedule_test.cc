// Tests of the scheduling half of TriggeredJob. Catch-up decisions happen
// synchronously in Activate(), so most tests check the state right after
// it (run as one loop event, so the scheduler log is written when it
// returns) with a stopped clock and never run the loop: the wall timers they arm
// lie in the real past and would fire at once. Tests that need the loop use
// instants after the year 2100, which the real clock does not reach, or a
// clock that follows the system clock.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "jobs/job_test_fixture.h"
#include "jobs/triggered_job.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CountLinesContaining;
using testing::JobsTest;
using testing::LoopDriver;
using testing::ReadLines;
using testing::Utc;

int64_t Micros(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

// Returns the UTC slot text after "due at " in a scheduler log line, or "".
std::string SlotOf(const std::string& line) {
  const std::string key = "due at ";
  size_t start = line.find(key);
  if (start == std::string::npos) return "";
  start += key.size();
  size_t end = line.find(' ', start);
  return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The whole second of a run id (yyyyMMddHHmmss and four more digits),
// which is the slot of a run prepared ahead of its slot.
TimePoint SlotOfRunId(const std::string& run_id) {
  return Utc(run_id.substr(0, 4) + "-" + run_id.substr(4, 2) + "-" + run_id.substr(6, 2) + "T" +
             run_id.substr(8, 2) + ":" + run_id.substr(10, 2) + ":" + run_id.substr(12, 2) + "Z");
}

class TriggeredJobScheduleTest : public JobsTest {
 protected:
  // Defines a job that runs `script` on `schedule`; `more_settings` are
  // further JSON members, such as "\"catch_up\": \"all\"".
  TriggeredJob& ScheduledJob(const std::string& name, const std::string& schedule,
                             const std::string& more_settings, std::optional<TimePoint> last_slot,
                             const std::string& script = "exit 0\n") {
    std::string settings = "{\"schedule\": \"" + schedule + "\"";
    if (!more_settings.empty()) settings += ", " + more_settings;
    settings += "}";
    JobDefinition definition = DefineJob(JobType::kTriggered, name, script, settings);
    return AddTriggered(std::move(definition), last_slot);
  }
  std::filesystem::path SchedulerLog(const std::string& name) const {
    return paths_.SchedulerLogFile(name);
  }
  std::vector<std::string> SchedulerLines(const std::string& name, const std::string& needle) {
    std::vector<std::string> found;
    for (const std::string& line : ReadLines(SchedulerLog(name))) {
      if (line.find(needle) != std::string::npos) found.push_back(line);
    }
    return found;
  }
  size_t FinishedRuns(const std::string& name) {
    Result<std::vector<RunRecord>> runs = store_.ListRuns(name, 1000);
    if (!runs.ok()) return 0;
    size_t finished = 0;
    for (const RunRecord& run : runs.value()) {
      if (RunFinished(name, run.run_id)) ++finished;
    }
    return finished;
  }
};

TEST_F(TriggeredJobScheduleTest, FarFutureSlotIsArmedExactly) {
  // A yearly job installed 2019-10-18T11:35:12Z next runs on
  // 2020-08-01T01:00:00Z, not after a capped interval.
  clock_.Set(Utc("2019-10-18T11:35:12Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("yearly", "0 0 1 1 8 *", "", std::nullopt));

  loop().RunAsEvent([&] { job->Activate(); });

  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2020-08-01T01:00:00Z"));
  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("yearly"), "next run at 2020-08-01T01:00:00Z"), 1u);
}

TEST_F(TriggeredJobScheduleTest, KuduCatchUpRunsRecentSlot) {
  // Last run 2100-05-10T04:00Z, host back at 04:07 the next day.
  clock_.Set(Utc("2100-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("daily", "0 0 4 * * *", "", Utc("2100-05-10T04:00:00Z")));

  LoopDriver driver(loop());
  // The run may end before a check sees it active, so wait for any run.
  driver.Do([&] { job->Activate(); }).WaitUntil("the catch-up run", [&] {
    return job->LatestRun().has_value();
  });
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_EQ(job->LatestRun()->trigger, "Schedule - 0 0 4 * * *");
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2100-05-12T04:00:00Z"));
  EXPECT_EQ(CountLinesContaining(SchedulerLog("daily"),
                                 "Catching up the run due at 2100-05-11T04:00:00Z"),
            1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("daily"), "missed"), 0u);
  FlushStoreWorker();
  Result<std::optional<std::string>> last_slot = store_.GetJobState("daily", "last_slot");
  ASSERT_TRUE(last_slot.ok());
  EXPECT_EQ(last_slot.value(), std::to_string(Micros(Utc("2100-05-11T04:00:00Z"))));
}

TEST_F(TriggeredJobScheduleTest, KuduCatchUpSkipsOldSlot) {
  // Host back at 13:37:18, more than ten minutes after the slot.
  clock_.Set(Utc("2018-05-11T13:37:18Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("daily", "0 0 4 * * *", "", Utc("2018-05-10T04:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  EXPECT_FALSE(job->ActiveRun().has_value());
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2018-05-12T04:00:00Z"));
  EXPECT_EQ(CountLinesContaining(SchedulerLog("daily"),
                                 "SYS WARN] 1 scheduled run(s) missed while the host was down, "
                                 "the newest due at 2018-05-11T04:00:00Z; 0 run now and 1 "
                                 "skipped"),
            1u);
  FlushStoreWorker();
  Result<std::vector<RunRecord>> runs = store_.ListRuns("daily", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

TEST_F(TriggeredJobScheduleTest, KuduCatchUpLimitIsTenMinutesInclusive) {
  // The decision is logged at once; the run itself starts once the slot is
  // stored, which the loop never gets to here.
  struct Case {
    const char* now;
    bool runs;
  };
  for (const Case& c : {Case{"2018-05-11T04:10:00Z", true}, Case{"2018-05-11T04:10:01Z", false},
                        Case{"2018-05-11T04:00:00.5Z", true}}) {
    clock_.Set(Utc(c.now));
    std::string name = std::string("edge") + (c.runs ? "Runs" : "Skips") +
                       std::to_string(Micros(Utc(c.now)) % 100000000);
    TriggeredJob* job = nullptr;
    ASSERT_NO_FATAL_FAILURE(
        job = &ScheduledJob(name, "0 0 4 * * *", "", Utc("2018-05-10T04:00:00Z")));

    loop().RunAsEvent([&] { job->Activate(); });

    EXPECT_EQ(CountLinesContaining(SchedulerLog(name), "Catching up the run due at"),
              c.runs ? 1u : 0u)
        << "host back at " << c.now;
    EXPECT_EQ(CountLinesContaining(SchedulerLog(name), "missed: the host was down"),
              c.runs ? 0u : 1u)
        << "host back at " << c.now;
    ASSERT_TRUE(job->next_slot().has_value());
    EXPECT_EQ(*job->next_slot(), Utc("2018-05-12T04:00:00Z")) << "host back at " << c.now;
  }
}

TEST_F(TriggeredJobScheduleTest, NextSlotFollowsLastScheduledSlot) {
  // The 04:00 slot fired, and the clock reads 03:59:59.990 when the
  // following slot is computed; the same slot must not come again.
  clock_.Set(Utc("2024-01-01T03:59:59.990Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("early", "0 0 4 * * *", "", Utc("2024-01-01T04:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2024-01-02T04:00:00Z"));
  EXPECT_FALSE(job->ActiveRun().has_value());
}

TEST_F(TriggeredJobScheduleTest, NewScheduleDoesNotCatchUpEarlierSlots) {
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("fresh", "0 0 4 * * *", "", std::nullopt));

  loop().RunAsEvent([&] { job->Activate(); });

  EXPECT_FALSE(job->ActiveRun().has_value());
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2018-05-12T04:00:00Z"));
}

TEST_F(TriggeredJobScheduleTest, CatchUpNoneRunsNothing) {
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("never", "0 0 4 * * *", R"("catch_up": "none")",
                                              Utc("2018-05-10T04:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("never"), "1 scheduled run(s) missed"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("never"), "catch_up policy \"none\""), 1u);
}

TEST_F(TriggeredJobScheduleTest, CatchUpLatestRunsNewestOnce) {
  clock_.Set(Utc("2018-05-11T04:35:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("latest", "0 */10 * * * *", R"("catch_up": "latest")",
                                              Utc("2018-05-11T04:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  // 04:10, 04:20 and 04:30 were missed; only 04:30 runs.
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "Catching up"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"),
                                 "Catching up the run due at 2018-05-11T04:30:00Z"),
            1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "3 scheduled run(s) missed"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "1 run now and 2 skipped"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"),
                                 "Run due at 2018-05-11T04:10:00Z missed: the host was down; "
                                 "catch_up \"latest\" runs only the newest missed slot"),
            1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "Run due at 2018-05-11T04:20:00Z missed"),
            1u);
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2018-05-11T04:40:00Z"));
}

TEST_F(TriggeredJobScheduleTest, CatchUpLatestSkipsSlotOutsideWindow) {
  clock_.Set(Utc("2018-05-11T04:35:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("windowed", "0 */10 * * * *",
                                              R"("catch_up": "latest", "catch_up_window": 60)",
                                              Utc("2018-05-11T04:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("windowed"), "3 scheduled run(s) missed"), 1u);
}

TEST_F(TriggeredJobScheduleTest, DisabledScheduleIsNotArmed) {
  config_.disable_schedule = true;
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("manual", "0 0 4 * * *", "", Utc("2018-05-10T04:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  EXPECT_FALSE(job->next_slot().has_value());
  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("manual"), "WEBJOBS_DISABLE_SCHEDULE"), 1u);
}

TEST_F(TriggeredJobScheduleTest, DisabledScheduleRecordsItsStart) {
  // Slots due while schedules are disabled are not caught up later, so the
  // instant the schedule was left unarmed is recorded as handled.
  config_.disable_schedule = true;
  clock_.Set(Utc("2100-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("paused", "0 0 4 * * *", "", Utc("2100-05-10T04:00:00Z")));

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  Result<std::optional<std::string>> stored = store_.GetJobState("paused", "last_slot");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, std::to_string(Micros(Utc("2100-05-11T04:07:00Z"))));
}

TEST_F(TriggeredJobScheduleTest, DisabledScheduleRecordsItsStop) {
  // The slots of the whole disabled period are handled, so the host's stop
  // is recorded too.
  config_.disable_schedule = true;
  clock_.Set(Utc("2100-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("stopped", "0 * * * * *", "", Utc("2100-05-10T04:00:00Z")));
  bool shut_down = false;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .Do([&] {
        clock_.Set(Utc("2100-05-11T04:09:30Z"));
        job->Shutdown("the host is shutting down", [&] { shut_down = true; });
      })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  Result<std::optional<std::string>> stored = store_.GetJobState("stopped", "last_slot");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, std::to_string(Micros(Utc("2100-05-11T04:09:30Z"))));
}

TEST_F(TriggeredJobScheduleTest, NewJobRecordsWhereItsScheduleStarts) {
  // A job that never ran has no slot in the store. The instant its
  // schedule starts is recorded, so a restart catches up what it missed.
  clock_.Set(Utc("2100-05-11T02:52:04Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("fresh", "0 54 2 * * *", R"("catch_up": "latest")", std::nullopt));

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  Result<std::optional<std::string>> stored = store_.GetJobState("fresh", "last_slot");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, std::to_string(Micros(Utc("2100-05-11T02:52:04Z"))));
}

TEST_F(TriggeredJobScheduleTest, InvalidSettingsAtStartAreLogged) {
  // At host start a bad settings.job leaves the job without a schedule,
  // and the scheduler log reports it.
  clock_.Set(Utc("2100-05-11T04:07:00Z"));
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "broken", "exit 0\n"));
  definition.settings_error = "\"schedule\": '25' at column 5 in the hour field is out of range";
  TriggeredJob& job = AddTriggered(std::move(definition));

  loop().RunAsEvent([&] { job.Activate(); });

  EXPECT_FALSE(job.next_slot().has_value());
  std::vector<std::string> lines = SchedulerLines("broken", "settings.job was not applied");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("no schedule until it is fixed"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("'25' at column 5"), std::string::npos) << lines[0];
}

TEST_F(TriggeredJobScheduleTest, RemovedScheduleIsLogged) {
  clock_.Set(Utc("2100-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("dropped", "0 0 9 * * *", "", std::nullopt));
  loop().RunAsEvent([&] { job->Activate(); });
  ASSERT_TRUE(job->next_slot().has_value());

  JobDefinition without;
  ASSERT_NO_FATAL_FAILURE(without = DefineJob(JobType::kTriggered, "dropped", "exit 0\n", "{}"));
  loop().RunAsEvent([&] { job->Reload(std::move(without)); });

  EXPECT_FALSE(job->next_slot().has_value());
  EXPECT_EQ(SchedulerLines("dropped", "Schedule removed").size(), 1u);
}

TEST_F(TriggeredJobScheduleTest, CatchUpAllRunsEveryMissedSlot) {
  // Instants after 2100, so the real clock never reaches the next slot.
  clock_.Set(Utc("2100-01-01T04:35:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("everything", "0 */10 * * * *",
                                              R"("catch_up": "all")", Utc("2100-01-01T04:00:00Z")));

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("three finished runs (04:10, 04:20, 04:30) or a skipped slot", [&] {
        return FinishedRuns("everything") == 3 || !SchedulerLines("everything", "skipped").empty();
      });
  ASSERT_TRUE(driver.Run(seconds(20)));

  // The policy promises every missed slot within the window, whatever the
  // overlap policy decides for slots that come while a run is active.
  EXPECT_EQ(SchedulerLines("everything", "skipped").size(), 0u)
      << "scheduler log:\n"
      << testing::ReadText(SchedulerLog("everything"));
  EXPECT_EQ(FinishedRuns("everything"), 3u);
}

TEST_F(TriggeredJobScheduleTest, CatchUpAllWithQueueRunsAll) {
  clock_.Set(Utc("2100-01-01T04:35:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("queued", "0 */10 * * * *",
                                              R"("catch_up": "all", "overlap": "queue")",
                                              Utc("2100-01-01T04:00:00Z")));

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); }).WaitUntil("three finished runs", [&] {
    return FinishedRuns("queued") == 3;
  });
  ASSERT_TRUE(driver.Run(seconds(20)));

  std::vector<std::string> started = SchedulerLines("queued", "started for the slot due at");
  ASSERT_EQ(started.size(), 3u);
  EXPECT_EQ(SlotOf(started[0]), "2100-01-01T04:10:00Z");
  EXPECT_EQ(SlotOf(started[1]), "2100-01-01T04:20:00Z");
  EXPECT_EQ(SlotOf(started[2]), "2100-01-01T04:30:00Z");
}

TEST_F(TriggeredJobScheduleTest, SlotDuringActiveRunIsSkipped) {
  clock_.FollowSystem(milliseconds(0));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("busy", "* * * * * *", "", std::nullopt,
                                              "for i in $(seq 1 50); do\n"
                                              "  [ -f \"$WEBJOBS_SHUTDOWN_FILE\" ] && exit 0\n"
                                              "  sleep 0.1\n"
                                              "done\n"));
  bool shut_down = false;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("a skipped slot", [&] { return !SchedulerLines("busy", "skipped").empty(); })
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(20)));

  std::vector<std::string> skipped = SchedulerLines("busy", "skipped");
  EXPECT_NE(skipped.front().find("is still active (overlap policy \"skip\")"), std::string::npos)
      << skipped.front();
  EXPECT_TRUE(SchedulerLines("busy", "queued").empty());
}

TEST_F(TriggeredJobScheduleTest, QueueOverlapRunsSlotAfterActiveRun) {
  clock_.FollowSystem(milliseconds(0));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("patient", "* * * * * *", R"("overlap": "queue")",
                                              std::nullopt, "sleep 1.5\n"));
  bool shut_down = false;
  auto waiting_slot_started = [&] {
    std::set<std::string> waited;
    for (const std::string& line : SchedulerLines("patient", " waits for run ")) {
      waited.insert(SlotOf(line));
    }
    for (const std::string& line : SchedulerLines("patient", "after waiting")) {
      if (waited.count(SlotOf(line))) return true;
    }
    return false;
  };

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("a waiting slot that started", waiting_slot_started)
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  // A run lasts 1.5 slots: one slot waits, and the next that comes while
  // one waits is skipped.
  for (const std::string& line : SchedulerLines("patient", "skipped")) {
    EXPECT_NE(line.find("already waits for run"), std::string::npos) << line;
  }
}

// A slot is recorded and its run prepared ahead of the slot, but the run
// starts only once the slot's instant has come, and its id is the slot's.
TEST_F(TriggeredJobScheduleTest, PreparedRunNeverStartsBeforeItsSlot) {
  clock_.FollowSystem(milliseconds(0));
  config_.schedule_lead = milliseconds(500);  // the maximum, so the wait is long
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("punctual", "* * * * * *", "", std::nullopt));
  bool shut_down = false;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("three finished runs", [&] { return FinishedRuns("punctual") >= 3; })
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  Result<std::vector<RunRecord>> runs = store_.ListRuns("punctual", 100);
  ASSERT_TRUE(runs.ok());
  size_t prepared = 0;
  for (const RunRecord& run : runs.value()) {
    // The id is the slot's UTC time, yyyyMMddHHmmss and four digits of
    // ten-thousandths, 0000 for a whole-second slot.
    TimePoint slot = SlotOfRunId(run.run_id);
    if (run.run_id.substr(14) != "0000") continue;  // started without a plan
    ++prepared;
    EXPECT_GE(run.start_time, slot) << "run " << run.run_id << " started before its slot";
  }
  EXPECT_GE(prepared, 1u);
}

// The children of this process that run webjobs-launcher, that is, runs
// held before their slot.
std::vector<pid_t> ParkedLaunchers() {
  std::vector<pid_t> parked;
  for (pid_t pid : testing::ChildrenOfThisProcess()) {
    std::error_code ignored;
    std::string exe =
        std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ignored);
    if (exe.find("memfd:webjobs-launcher") != std::string::npos) parked.push_back(pid);
  }
  return parked;
}

// A slot's run waits in the launcher before the slot; at the slot its
// program starts with the pid the launcher had, never earlier.
TEST_F(TriggeredJobScheduleTest, ParkedRunStartsAtItsSlot) {
  clock_.FollowSystem(milliseconds(0));
  config_.schedule_lead = milliseconds(500);
  std::string script = "date +%s%N > " + Probe("start-").string() + "$WEBJOBS_RUN_ID\n";
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("held", "* * * * * *", "", std::nullopt, script));
  bool shut_down = false;
  std::set<pid_t> parked_pids;
  auto note_parked = [&] {
    for (pid_t pid : ParkedLaunchers()) parked_pids.insert(pid);
    return false;
  };

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("three finished runs",
                 [&] {
                   note_parked();
                   return FinishedRuns("held") >= 3;
                 })
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));
  EXPECT_TRUE(ParkedLaunchers().empty()) << "the shutdown left a held run behind";

  Result<std::vector<RunRecord>> runs = store_.ListRuns("held", 100);
  ASSERT_TRUE(runs.ok());
  size_t held_runs = 0;
  for (const RunRecord& run : runs.value()) {
    if (run.run_id.substr(14) != "0000" || run.status != run_status::kSuccess) continue;
    TimePoint slot = SlotOfRunId(run.run_id);
    std::string started = testing::ReadText(Probe("start-" + run.run_id));
    ASSERT_FALSE(started.empty()) << "run " << run.run_id << " wrote no start time";
    int64_t started_ns = std::stoll(started);
    EXPECT_GE(started_ns, Micros(slot) * 1000) << "run " << run.run_id << " ran before its slot";
    ++held_runs;
  }
  EXPECT_GE(held_runs, 1u);
  EXPECT_FALSE(parked_pids.empty()) << "no run was held by the launcher before its slot";
}

// A manual run that starts while a slot's process is held makes the slot
// skip (overlap "skip"), and the held process goes with the slot.
TEST_F(TriggeredJobScheduleTest, SkippedSlotKillsItsHeldProcess) {
  clock_.FollowSystem(milliseconds(0));
  config_.schedule_lead = milliseconds(500);
  std::filesystem::path release = Probe("release");
  std::string script = "while [ ! -e " + release.string() + " ]; do sleep 0.05; done\n";
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("busy", "* * * * * *", "", std::nullopt, script));
  testing::RunReplyCatcher manual;
  bool shut_down = false;
  size_t launchers_after_skip = 0;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("a held slot process", [&] { return !ParkedLaunchers().empty(); })
      .Do([&] { job->StartRun("", "External - test", manual.Callback()); })
      .WaitUntil("the skipped slot",
                 [&] { return !SchedulerLines("busy", "is still active").empty(); })
      .Do([&] {
        launchers_after_skip = ParkedLaunchers().size();
        std::ofstream(release) << "go\n";
      })
      .WaitUntil("the manual run's end",
                 [&] { return manual.received() && RunFinished("busy", manual.run_id()); })
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(manual.reply().ok()) << manual.reply().error().message;
  EXPECT_EQ(launchers_after_skip, 0u) << "the skipped slot left its held process running";
}

// When the launcher cannot execute the program at the slot, the run fails
// to start with the error a direct spawn gives.
TEST_F(TriggeredJobScheduleTest, ParkedExecFailureFailsStart) {
  clock_.FollowSystem(milliseconds(0));
  config_.schedule_lead = milliseconds(500);
  std::filesystem::path shell = root_ / "broken-shell";
  std::ofstream(shell) << "#!/no/such/interpreter\n";
  std::filesystem::permissions(shell, std::filesystem::perms::owner_all);
  ASSERT_TRUE(runners_.AddRunner(".sh", shell.string()).ok());
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("broken", "* * * * * *", "", std::nullopt));
  bool shut_down = false;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("a run that ended", [&] { return FinishedRuns("broken") >= 1; })
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  Result<std::vector<RunRecord>> runs = store_.ListRuns("broken", 100);
  ASSERT_TRUE(runs.ok());
  bool checked = false;
  for (const RunRecord& run : runs.value()) {
    if (!RunFinished("broken", run.run_id)) continue;
    EXPECT_EQ(run.status, run_status::kFailed);
    EXPECT_NE(run.error.find("interpreter not found: /no/such/interpreter"), std::string::npos)
        << run.error;
    std::string output = testing::ReadText(paths_.RunOutputFile("broken", run.run_id));
    EXPECT_NE(output.find("Run could not start: interpreter not found"), std::string::npos)
        << output;
    checked = true;
  }
  EXPECT_TRUE(checked);
}

// A slot recorded ahead of its instant and dropped by a shutdown before it
// comes is logged as skipped, and no run starts for it.
TEST_F(TriggeredJobScheduleTest, ShutdownBeforeRecordedSlotLogsItSkipped) {
  clock_.FollowSystem(milliseconds(0));
  config_.schedule_lead = milliseconds(500);
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("early", "* * * * * *", "", std::nullopt));
  bool shut_down = false;
  std::optional<TimePoint> dropped;
  // Returns true once the awaited slot is recorded and no run started for
  // it. The job is then shut down at once, inside the wait.
  auto shut_down_while_waiting = [&] {
    std::optional<TimePoint> next = job->next_slot();
    Result<std::optional<std::string>> stored = store_.GetJobState("early", "last_slot");
    if (!next || !stored.ok() || !stored.value() ||
        *stored.value() != std::to_string(Micros(*next))) {
      return false;
    }
    if (job->ActiveRun().has_value()) return false;
    dropped = next;
    job->Shutdown("test ends", [&] { shut_down = true; });
    return true;
  };

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("a recorded slot before its instant", shut_down_while_waiting)
      .WaitUntil("the shutdown", [&] { return shut_down; })
      .Idle(milliseconds(700));
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(dropped.has_value());
  std::string slot_text = FormatUtcSeconds(*dropped);
  std::vector<std::string> skipped = SchedulerLines("early", "skipped: test ends");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(SlotOf(skipped[0]), slot_text);
  for (const std::string& line : SchedulerLines("early", "started for the slot due at")) {
    EXPECT_NE(SlotOf(line), slot_text) << line;
  }
}

TEST_F(TriggeredJobScheduleTest, ClockReadingEarlyNeverRepeatsSlot) {
  // The loop's wall timer fires on the system clock while the job reads a
  // clock half a second behind it, as after an early wake-up.
  clock_.FollowSystem(milliseconds(-500));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("ticking", "* * * * * *", "", std::nullopt));
  bool shut_down = false;
  auto handled_slots = [&] {
    std::vector<std::string> slots;
    for (const std::string& line : ReadLines(SchedulerLog("ticking"))) {
      if (line.find("started for the slot due at") != std::string::npos ||
          line.find("skipped: run") != std::string::npos) {
        slots.push_back(SlotOf(line));
      }
    }
    return slots;
  };

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("four handled slots", [&] { return handled_slots().size() >= 4; })
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::vector<std::string> slots = handled_slots();
  for (size_t i = 1; i < slots.size(); ++i) {
    // UTC text of equal length sorts in time order.
    EXPECT_LT(slots[i - 1], slots[i]) << "slot " << slots[i] << " handled twice or out of order";
  }
}

// The clock-step tests run the loop with instants after 2100, so no wall
// timer fires by itself, and call CheckSchedule() where the loop's timer or
// its clock-change handling would.
TEST_F(TriggeredJobScheduleTest, ForwardStepRunsNewestJumpedSlotOnce) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("hourly", "0 0 * * * *", "",
                                              Utc("2100-01-01T04:00:00Z"),
                                              "echo \"slot=$WEBJOBS_SCHEDULED_TIME\"\n"));

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .Do([&] {
        EXPECT_EQ(job->next_slot(), Utc("2100-01-01T05:00:00Z"));
        // The wall clock jumps three hours and five minutes ahead.
        clock_.Set(Utc("2100-01-01T07:05:00Z"));
        job->CheckSchedule();
      })
      .WaitUntil("one finished run", [&] { return FinishedRuns("hourly") == 1; });
  ASSERT_TRUE(driver.Run(seconds(20)));

  // 05:00 and 06:00 are missed; 07:00 is five minutes late, within Kudu's
  // ten-minute limit, and runs once.
  std::vector<std::string> missed = SchedulerLines("hourly", " missed: ");
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(SlotOf(missed[0]), "2100-01-01T05:00:00Z");
  EXPECT_EQ(SlotOf(missed[1]), "2100-01-01T06:00:00Z");
  EXPECT_NE(missed[0].find("the wall clock jumped forward"), std::string::npos) << missed[0];
  EXPECT_EQ(SchedulerLines("hourly", "Catching up the run due at 2100-01-01T07:00:00Z").size(), 1u);
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2100-01-01T08:00:00Z"));
  Result<std::vector<RunRecord>> runs = store_.ListRuns("hourly", 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(CountLinesContaining(paths_.RunOutputFile("hourly", (*runs)[0].run_id),
                                 "INFO] slot=2100-01-01T07:00:00Z"),
            1u);
  Result<std::optional<std::string>> last_slot = store_.GetJobState("hourly", "last_slot");
  ASSERT_TRUE(last_slot.ok());
  EXPECT_EQ(last_slot.value(), std::to_string(Micros(Utc("2100-01-01T07:00:00Z"))));
}

TEST_F(TriggeredJobScheduleTest, ForwardStepBeyondLimitRunsNothing) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("jumped", "0 0 * * * *", "", Utc("2100-01-01T04:00:00Z")));

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); }).Do([&] {
    clock_.Set(Utc("2100-01-01T07:15:00Z"));
    job->CheckSchedule();
  });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(SchedulerLines("jumped", " missed: ").size(), 3u);
  EXPECT_EQ(SchedulerLines("jumped", "Catching up").size(), 0u);
  EXPECT_EQ(
      SchedulerLines("jumped", "3 scheduled run(s) missed because the wall clock jumped").size(),
      1u);
  FlushStoreWorker();
  Result<std::vector<RunRecord>> runs = store_.ListRuns("jumped", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
  EXPECT_EQ(job->next_slot(), Utc("2100-01-01T08:00:00Z"));
}

TEST_F(TriggeredJobScheduleTest, BackwardStepWaitsForSlotAfterLastSlot) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("rewound", "0 0 * * * *", "", Utc("2100-01-01T04:00:00Z")));
  std::vector<std::optional<TimePoint>> next_slots;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); });
  // The clock goes back 90 minutes, then forward through 03:00 and 04:00,
  // which were handled before the step, to 05:00.
  for (const char* now : {"2100-01-01T02:30:00Z", "2100-01-01T03:00:05Z", "2100-01-01T04:00:10Z"}) {
    driver.Do([&, now] {
      clock_.Set(Utc(now));
      job->CheckSchedule();
      next_slots.push_back(job->next_slot());
    });
    AddStoreBarrier(driver);
  }
  driver.Do([&] { EXPECT_FALSE(job->ActiveRun().has_value()); })
      .Do([&] {
        clock_.Set(Utc("2100-01-01T05:00:00.2Z"));
        job->CheckSchedule();
        job->CheckSchedule();
      })
      .WaitUntil("one finished run", [&] { return FinishedRuns("rewound") == 1; });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  for (const std::optional<TimePoint>& next : next_slots) {
    EXPECT_EQ(next, Utc("2100-01-01T05:00:00Z"));
  }
  EXPECT_EQ(SchedulerLines("rewound", "the clock was set back").size(), 1u);
  EXPECT_EQ(SchedulerLines("rewound", " missed: ").size(), 0u);
  std::vector<std::string> started = SchedulerLines("rewound", "started for the slot due at");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(SlotOf(started[0]), "2100-01-01T05:00:00Z");
  EXPECT_EQ(FinishedRuns("rewound"), 1u);
}

TEST_F(TriggeredJobScheduleTest, SlotIsStoredBeforeRunStarts) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  std::filesystem::path probe = Probe("ran");
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("ordered", "0 0 * * * *", "",
                                              Utc("2100-01-01T04:00:00Z"),
                                              "echo ran > " + testing::ShellQuote(probe) + "\n"));
  store_.HoldStateWrites();
  bool ran_before_store = false;

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .Do([&] {
        clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
        job->CheckSchedule();
      })
      .WaitUntil("the held slot write", [&] { return store_.held_state_writes() == 1; })
      .Idle(milliseconds(300))
      .Do([&] {
        ran_before_store = std::filesystem::exists(probe) || job->ActiveRun().has_value();
        store_.ReleaseStateWrites();
      })
      .WaitUntil("one finished run", [&] { return FinishedRuns("ordered") == 1; });
  bool finished = driver.Run(seconds(20));
  store_.ReleaseStateWrites();
  ASSERT_TRUE(finished);

  EXPECT_FALSE(ran_before_store);
  EXPECT_TRUE(std::filesystem::exists(probe));
}

TEST_F(TriggeredJobScheduleTest, FailedSlotWriteSkipsRun) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("unstored", "0 0 * * * *", "", Utc("2100-01-01T04:00:00Z")));
  store_.FailStateWrites(true);

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); }).Do([&] {
    clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
    job->CheckSchedule();
  });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_FALSE(job->ActiveRun().has_value());
  std::vector<std::string> errors = SchedulerLines("unstored", "could not be recorded");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(SlotOf(errors[0]), "2100-01-01T05:00:00Z");
  EXPECT_NE(errors[0].find("writes fail in this test"), std::string::npos) << errors[0];
  FlushStoreWorker();
  Result<std::vector<RunRecord>> runs = store_.ListRuns("unstored", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
  // The scheduler moves on to the next slot.
  EXPECT_EQ(job->next_slot(), Utc("2100-01-01T06:00:00Z"));
}

TEST_F(TriggeredJobScheduleTest, RestartAfterSlotDoesNotRunItAgain) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob* first = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      first = &ScheduledJob("once", "0 0 * * * *", "", Utc("2100-01-01T04:00:00Z")));
  TriggeredJob* second = nullptr;

  LoopDriver driver(loop());
  driver.Do([&] { first->Activate(); })
      .Do([&] {
        clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
        first->CheckSchedule();
      })
      .WaitUntil("the slot's run to finish", [&] { return FinishedRuns("once") == 1; })
      .Do([&] {
        // A restart a moment later loads the job with the stored slot.
        clock_.Set(Utc("2100-01-01T05:00:02Z"));
        Result<std::optional<std::string>> stored = store_.GetJobState("once", "last_slot");
        ASSERT_TRUE(stored.ok());
        ASSERT_TRUE(stored.value().has_value());
        TimePoint last_slot{std::chrono::microseconds(std::stoll(*stored.value()))};
        second = &AddTriggered(LoadAgain(first->definition()), last_slot, first->LatestRun());
        second->Activate();
      });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_FALSE(second->ActiveRun().has_value());
  EXPECT_EQ(FinishedRuns("once"), 1u);
  EXPECT_EQ(SchedulerLines("once", "Catching up").size(), 0u);
  EXPECT_EQ(second->next_slot(), Utc("2100-01-01T06:00:00Z"));
}

TEST_F(TriggeredJobScheduleTest, ManyMissedSlotsAreListedThenCounted) {
  // Five hours of a per-minute schedule: 300 slots, of which the newest
  // (05:00, 30 s late) runs.
  clock_.Set(Utc("2018-05-11T05:00:30Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("minutely", "0 * * * * *", "", Utc("2018-05-11T00:00:00Z")));

  loop().RunAsEvent([&] { job->Activate(); });

  std::vector<std::string> missed = SchedulerLines("minutely", " missed: the host was down");
  ASSERT_EQ(missed.size(), 100u);
  EXPECT_EQ(SlotOf(missed.front()), "2018-05-11T00:01:00Z");
  EXPECT_EQ(SlotOf(missed.back()), "2018-05-11T01:40:00Z");
  std::vector<std::string> summary = SchedulerLines("minutely", "300 scheduled run(s) missed");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_NE(summary[0].find("the newest due at 2018-05-11T05:00:00Z and the oldest at "
                            "2018-05-11T00:01:00Z; 1 run now and 299 skipped"),
            std::string::npos)
      << summary[0];
  EXPECT_NE(summary[0].find("the first 100 skipped slots are listed above"), std::string::npos)
      << summary[0];
  EXPECT_EQ(SchedulerLines("minutely", "Catching up the run due at 2018-05-11T05:00:00Z").size(),
            1u);
}

TEST_F(TriggeredJobScheduleTest, NewScheduleOnReloadSkipsEarlierSlots) {
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("changed", "0 0 4 1 1 *", "", Utc("2018-01-01T04:00:00Z")));
  loop().RunAsEvent([&] { job->Activate(); });
  ASSERT_EQ(SchedulerLines("changed", "missed").size(), 0u);

  std::ofstream(paths_.JobDir(JobType::kTriggered, "changed") / "settings.job", std::ios::trunc)
      << R"({"schedule": "0 */10 * * * *"})";
  job->Reload(LoadAgain(job->definition()));

  // Under the new schedule 04:00 was due seven minutes ago, but the
  // schedule did not exist then.
  EXPECT_EQ(SchedulerLines("changed", "missed").size(), 0u);
  EXPECT_EQ(SchedulerLines("changed", "Catching up").size(), 0u);
  EXPECT_EQ(job->next_slot(), Utc("2018-05-11T04:10:00Z"));
}

TEST_F(TriggeredJobScheduleTest, DisabledScheduleHasNoNextSlotAfterReload) {
  config_.disable_schedule = true;
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("paused", "*/2 * * * * *", "", std::nullopt));

  loop().RunAsEvent([&] { job->Activate(); });
  job->Reload(LoadAgain(job->definition()));
  job->CheckSchedule();

  EXPECT_FALSE(job->next_slot().has_value());
}

}  // namespace
}  // namespace webjobs
