// Tests of the scheduling half of TriggeredJob. Catch-up decisions happen
// synchronously in Activate(), so most tests check the state right after
// it with a stopped clock and never run the loop: the wall timers they arm
// lie in the real past and would fire at once. Tests that need the loop use
// instants after the year 2100, which the real clock does not reach, or a
// clock that follows the system clock.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
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

  job->Activate();

  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2020-08-01T01:00:00Z"));
  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("yearly"), "next run at 2020-08-01T01:00:00Z"), 1u);
}

TEST_F(TriggeredJobScheduleTest, KuduCatchUpRunsRecentSlot) {
  // Last run 2018-05-10T04:00Z, host back at 04:07 the next day.
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("daily", "0 0 4 * * *", "", Utc("2018-05-10T04:00:00Z")));

  job->Activate();

  ASSERT_TRUE(job->ActiveRun().has_value());
  EXPECT_EQ(job->ActiveRun()->trigger, "Schedule - 0 0 4 * * *");
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2018-05-12T04:00:00Z"));
  EXPECT_EQ(CountLinesContaining(SchedulerLog("daily"),
                                 "Catching up the run due at 2018-05-11T04:00:00Z"),
            1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("daily"), "missed"), 0u);
  FlushStoreWorker();
  Result<std::optional<std::string>> last_slot = store_.GetJobState("daily", "last_slot");
  ASSERT_TRUE(last_slot.ok());
  EXPECT_EQ(last_slot.value(), std::to_string(Micros(Utc("2018-05-11T04:00:00Z"))));
}

TEST_F(TriggeredJobScheduleTest, KuduCatchUpSkipsOldSlot) {
  // Host back at 13:37:18, more than ten minutes after the slot.
  clock_.Set(Utc("2018-05-11T13:37:18Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("daily", "0 0 4 * * *", "", Utc("2018-05-10T04:00:00Z")));

  job->Activate();

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

    job->Activate();

    EXPECT_EQ(job->ActiveRun().has_value(), c.runs) << "host back at " << c.now;
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

  job->Activate();

  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2024-01-02T04:00:00Z"));
  EXPECT_FALSE(job->ActiveRun().has_value());
}

TEST_F(TriggeredJobScheduleTest, NewScheduleDoesNotCatchUpEarlierSlots) {
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("fresh", "0 0 4 * * *", "", std::nullopt));

  job->Activate();

  EXPECT_FALSE(job->ActiveRun().has_value());
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2018-05-12T04:00:00Z"));
}

TEST_F(TriggeredJobScheduleTest, CatchUpNoneRunsNothing) {
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("never", "0 0 4 * * *", R"("catch_up": "none")",
                                              Utc("2018-05-10T04:00:00Z")));

  job->Activate();

  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("never"), "1 scheduled run(s) missed"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("never"), "catch_up policy \"none\""), 1u);
}

TEST_F(TriggeredJobScheduleTest, CatchUpLatestRunsNewestOnce) {
  clock_.Set(Utc("2018-05-11T04:35:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("latest", "0 */10 * * * *", R"("catch_up": "latest")",
                                              Utc("2018-05-11T04:00:00Z")));

  job->Activate();

  // 04:10, 04:20 and 04:30 were missed; only 04:30 runs.
  ASSERT_TRUE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "Catching up"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"),
                                 "Catching up the run due at 2018-05-11T04:30:00Z"),
            1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "3 scheduled run(s) missed"), 1u);
  EXPECT_EQ(CountLinesContaining(SchedulerLog("latest"), "1 run now and 2 skipped"), 1u);
  ASSERT_TRUE(job->next_slot().has_value());
  EXPECT_EQ(*job->next_slot(), Utc("2018-05-11T04:40:00Z"));
}

TEST_F(TriggeredJobScheduleTest, CatchUpLatestSkipsSlotOutsideWindow) {
  clock_.Set(Utc("2018-05-11T04:35:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(job = &ScheduledJob("windowed", "0 */10 * * * *",
                                              R"("catch_up": "latest", "catch_up_window": 60)",
                                              Utc("2018-05-11T04:00:00Z")));

  job->Activate();

  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("windowed"), "3 scheduled run(s) missed"), 1u);
}

TEST_F(TriggeredJobScheduleTest, DisabledScheduleIsNotArmed) {
  config_.disable_schedule = true;
  clock_.Set(Utc("2018-05-11T04:07:00Z"));
  TriggeredJob* job = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      job = &ScheduledJob("manual", "0 0 4 * * *", "", Utc("2018-05-10T04:00:00Z")));

  job->Activate();

  EXPECT_FALSE(job->next_slot().has_value());
  EXPECT_FALSE(job->ActiveRun().has_value());
  EXPECT_EQ(CountLinesContaining(SchedulerLog("manual"), "WEBJOBS_DISABLE_SCHEDULE"), 1u);
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
  auto queued_slot_started = [&] {
    std::set<std::string> queued;
    for (const std::string& line : SchedulerLines("patient", " queued: run ")) {
      queued.insert(SlotOf(line));
    }
    for (const std::string& line : SchedulerLines("patient", "started for the slot")) {
      if (queued.count(SlotOf(line))) return true;
    }
    return false;
  };

  LoopDriver driver(loop());
  driver.Do([&] { job->Activate(); })
      .WaitUntil("a queued slot that started", queued_slot_started)
      .Do([&] { job->Shutdown("test ends", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_TRUE(SchedulerLines("patient", "skipped").empty());
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

}  // namespace
}  // namespace webjobs
