// Tests of TriggeredJob's overlap policies (skip, queue_one, replace,
// allow) for manual runs and schedule slots, of cancelling one run or all,
// and of what a shutdown does to a waiting run.
//
// Scripts are tiny bash programs that coordinate through files under the
// test's probe folder, so no test depends on how long anything takes.
// Scheduled tests use a stopped clock after the year 2100 and call
// CheckSchedule() where the loop's wall timer would fire.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "jobs/job_test_fixture.h"
#include "jobs/triggered_job.h"
#include "process/process_tree.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CountLinesContaining;
using testing::JobsTest;
using testing::LoopDriver;
using testing::ProcessAlive;
using testing::ReadLines;
using testing::RunReplyCatcher;
using testing::ShellQuote;
using testing::Utc;

constexpr char kTrigger[] = "External - unit test";

class TriggeredJobOverlapTest : public JobsTest {
 protected:
  std::filesystem::path Probes() const { return root_ / "probes"; }
  std::filesystem::path Started(const std::string& run_id) const {
    return Probes() / ("started-" + run_id);
  }
  // Ends every run of the scripts below that waits for it.
  void Release() { std::ofstream(Probes() / "release") << "go\n"; }

  // A script that marks itself started, then runs until the test releases
  // it (exit 0) or its shutdown file appears (exit 0 after writing
  // "ended-<run id>").
  std::string WaitingScript() const {
    std::string probes = ShellQuote(Probes());
    return "echo \"slot=$WEBJOBS_SCHEDULED_TIME\"\n"
           "for f in " +
           probes +
           "/ended-*; do [ -e \"$f\" ] && echo \"saw ${f##*/}\"; done\n"
           "touch " +
           probes +
           "/started-$WEBJOBS_RUN_ID\n"
           "while [ ! -e " +
           probes +
           "/release ] && [ ! -e \"$WEBJOBS_SHUTDOWN_FILE\" ]; do\n"
           "  sleep 0.05\n"
           "done\n"
           "touch " +
           probes +
           "/ended-$WEBJOBS_RUN_ID\n"
           "exit 0\n";
  }

  TriggeredJob& PolicyJob(const std::string& name, const std::string& settings,
                          std::optional<TimePoint> last_slot = std::nullopt) {
    JobDefinition definition;
    [&] {
      ASSERT_NO_FATAL_FAILURE(definition =
                                  DefineJob(JobType::kTriggered, name, WaitingScript(), settings));
    }();
    return AddTriggered(std::move(definition), last_slot);
  }

  // Adds steps that start a manual run and wait for its reply.
  void AddStart(LoopDriver& driver, TriggeredJob& job, RunReplyCatcher& reply) {
    driver.Do([&] { job.StartRun("", kTrigger, reply.Callback()); })
        .WaitUntil("the run's reply", [&] { return reply.received(); });
  }
  // Adds steps that start a manual run and wait until its script runs.
  void AddStartAndWait(LoopDriver& driver, TriggeredJob& job, RunReplyCatcher& reply) {
    AddStart(driver, job, reply);
    driver.Do([&] { ASSERT_TRUE(reply.reply().ok()) << reply.reply().error().message; })
        .WaitUntil("the script to start",
                   [&] { return std::filesystem::exists(Started(reply.run_id())); });
  }

  std::string Output(const std::string& name, const std::string& run_id) const {
    return testing::ReadText(paths_.RunOutputFile(name, run_id));
  }
  std::vector<std::string> SchedulerLines(const std::string& name, const std::string& needle) {
    std::vector<std::string> found;
    for (const std::string& line : ReadLines(paths_.SchedulerLogFile(name))) {
      if (line.find(needle) != std::string::npos) found.push_back(line);
    }
    return found;
  }
};

TEST_F(TriggeredJobOverlapTest, SkipSlotWhileRunActiveIsLogged) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob& job =
      PolicyJob("skipper", R"({"schedule": "0 0 * * * *"})", Utc("2100-01-01T04:00:00Z"));
  RunReplyCatcher first;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); });
  AddStartAndWait(driver, job, first);
  driver.Do([&] {
    clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
    job.CheckSchedule();
  });
  AddStoreBarrier(driver);
  driver.Do([&] { Release(); }).WaitUntil("the run's end", [&] {
    return RunFinished("skipper", first.run_id());
  });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::vector<std::string> skipped = SchedulerLines("skipper", "skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("Run due at 2100-01-01T05:00:00Z skipped: run " + first.run_id() +
                            " is still active (overlap policy \"skip\")"),
            std::string::npos)
      << skipped[0];
  Result<std::vector<RunRecord>> runs = store_.ListRuns("skipper", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 1u);
}

TEST_F(TriggeredJobOverlapTest, QueueOneManualRunWaitsThenRuns) {
  TriggeredJob& job = PolicyJob("queued", R"({"overlap": "queue_one"})");
  RunReplyCatcher first;
  RunReplyCatcher second;
  RunReplyCatcher third;
  std::optional<RunRecord> waiting;

  LoopDriver driver(loop());
  AddStartAndWait(driver, job, first);
  AddStart(driver, job, second);
  driver.Do([&] {
    ASSERT_TRUE(second.reply().ok()) << second.reply().error().message;
    waiting = job.WaitingRun();
  });
  AddStart(driver, job, third);
  AddStoreBarrier(driver);
  driver
      .Do([&] {
        std::optional<RunRecord> stored = StoredRun("queued", second.run_id());
        ASSERT_TRUE(stored.has_value());
        EXPECT_EQ(stored->status, run_status::kInitializing);
        EXPECT_FALSE(std::filesystem::exists(Started(second.run_id())));
        Release();
      })
      .WaitUntil("both runs' ends", [&] {
        return RunFinished("queued", first.run_id()) && RunFinished("queued", second.run_id());
      });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(waiting->run_id, second.run_id());
  EXPECT_EQ(waiting->status, run_status::kInitializing);
  ASSERT_FALSE(third.reply().ok());
  EXPECT_EQ(third.reply().error().code, ErrorCode::kConflict);
  EXPECT_NE(third.reply().error().message.find("run " + second.run_id() + " already waits"),
            std::string::npos)
      << third.reply().error().message;
  EXPECT_EQ(StoredRun("queued", first.run_id())->status, run_status::kSuccess);
  EXPECT_EQ(StoredRun("queued", second.run_id())->status, run_status::kSuccess);
  // The queued run's start time is when its process started, after the
  // first run ended, not when it was queued.
  ASSERT_TRUE(StoredRun("queued", first.run_id())->end_time.has_value());
  EXPECT_GE(StoredRun("queued", second.run_id())->start_time,
            *StoredRun("queued", first.run_id())->end_time);
  EXPECT_NE(Output("queued", second.run_id())
                .find("waits for run " + first.run_id() + " to end (overlap policy \"queue_one\")"),
            std::string::npos);
  Result<std::vector<RunRecord>> runs = store_.ListRuns("queued", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 2u);
}

TEST_F(TriggeredJobOverlapTest, QueueOneSlotWaitsNextIsSkipped) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob& job =
      PolicyJob("slotqueue", R"({"schedule": "0 0 * * * *", "overlap": "queue_one"})",
                Utc("2100-01-01T04:00:00Z"));
  RunReplyCatcher first;
  std::optional<RunRecord> waiting;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); });
  AddStartAndWait(driver, job, first);
  driver.Do([&] {
    clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
    job.CheckSchedule();
  });
  AddStoreBarrier(driver);
  driver.Do([&] {
    waiting = job.WaitingRun();
    clock_.Set(Utc("2100-01-01T06:00:00.5Z"));
    job.CheckSchedule();
  });
  AddStoreBarrier(driver);
  driver.Do([&] { Release(); }).WaitUntil("the waiting run's end", [&] {
    return waiting && RunFinished("slotqueue", waiting->run_id);
  });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(waiting->trigger, "Schedule - 0 0 * * * *");
  EXPECT_EQ(StoredRun("slotqueue", waiting->run_id)->status, run_status::kSuccess);
  EXPECT_NE(Output("slotqueue", waiting->run_id).find("INFO] slot=2100-01-01T05:00:00Z"),
            std::string::npos);
  std::vector<std::string> skipped = SchedulerLines("slotqueue", "skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("Run due at 2100-01-01T06:00:00Z skipped: run " + waiting->run_id +
                            " already waits for run " + first.run_id()),
            std::string::npos)
      << skipped[0];
  EXPECT_EQ(SchedulerLines("slotqueue",
                           "started for the slot due at 2100-01-01T05:00:00Z after "
                           "waiting")
                .size(),
            1u);
}

TEST_F(TriggeredJobOverlapTest, ReplaceStopsActiveRunBeforeNewStarts) {
  TriggeredJob& job = PolicyJob("replaced", R"({"overlap": "replace"})");
  RunReplyCatcher first;
  RunReplyCatcher second;

  LoopDriver driver(loop());
  AddStartAndWait(driver, job, first);
  AddStart(driver, job, second);
  driver.Do([&] { ASSERT_TRUE(second.reply().ok()) << second.reply().error().message; })
      .WaitUntil("the first run's end", [&] { return RunFinished("replaced", first.run_id()); })
      .WaitUntil("the second script to start",
                 [&] { return std::filesystem::exists(Started(second.run_id())); })
      .Do([&] { Release(); })
      .WaitUntil("the second run's end", [&] { return RunFinished("replaced", second.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> old_run = StoredRun("replaced", first.run_id());
  ASSERT_TRUE(old_run.has_value());
  EXPECT_EQ(old_run->status, run_status::kStopped);
  EXPECT_EQ(old_run->error,
            "replaced by run " + second.run_id() + " (started on request) (exit code 0)");
  EXPECT_EQ(StoredRun("replaced", second.run_id())->status, run_status::kSuccess);
  // The new run's script found the old run's end marker: it started only
  // after the old process had exited.
  EXPECT_NE(Output("replaced", second.run_id()).find("INFO] saw ended-" + first.run_id()),
            std::string::npos)
      << Output("replaced", second.run_id());
}

TEST_F(TriggeredJobOverlapTest, ReplaceBySlotNamesSlot) {
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob& job =
      PolicyJob("slotreplace", R"({"schedule": "0 0 * * * *", "overlap": "replace"})",
                Utc("2100-01-01T04:00:00Z"));
  RunReplyCatcher first;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); });
  AddStartAndWait(driver, job, first);
  driver
      .Do([&] {
        clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
        job.CheckSchedule();
      })
      .WaitUntil("the first run's end", [&] { return RunFinished("slotreplace", first.run_id()); })
      .WaitUntil("the slot's run", [&] { return job.ActiveRun().has_value(); })
      .Do([&] { Release(); })
      .WaitUntil("the slot run's end", [&] { return !job.ActiveRun().has_value(); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> old_run = StoredRun("slotreplace", first.run_id());
  ASSERT_TRUE(old_run.has_value());
  EXPECT_EQ(old_run->status, run_status::kStopped);
  EXPECT_NE(old_run->error.find("replaced by scheduled run "), std::string::npos) << old_run->error;
  EXPECT_NE(old_run->error.find("(slot due at 2100-01-01T05:00:00Z)"), std::string::npos)
      << old_run->error;
  ASSERT_TRUE(job.LatestRun().has_value());
  EXPECT_EQ(job.LatestRun()->status, run_status::kSuccess);
  EXPECT_EQ(job.LatestRun()->trigger, "Schedule - 0 0 * * * *");
}

TEST_F(TriggeredJobOverlapTest, AllowRunsConcurrentlyWithOwnShutdownFiles) {
  std::string probes = ShellQuote(Probes());
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition =
          DefineJob(JobType::kTriggered, "parallel",
                    "echo \"$WEBJOBS_SHUTDOWN_FILE\" > " + probes +
                        "/shutdown-$WEBJOBS_RUN_ID\n"
                        "echo \"$WEBJOBS_RUN_MARKER\" > " +
                        probes +
                        "/marker-$WEBJOBS_RUN_ID\n"
                        "until [ \"$(ls " +
                        probes + " | grep -c '^shutdown-')\" -ge 2 ]; do sleep 0.05; done\n",
                    R"({"overlap": "allow"})"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher first;
  RunReplyCatcher second;
  size_t active_together = 0;

  LoopDriver driver(loop());
  AddStart(driver, job, first);
  driver
      .Do([&] {
        // The first run cannot end before the second one exists, and a
        // start is synchronous, so both are active right after it.
        job.StartRun("", kTrigger, second.Callback());
        active_together = job.ActiveRuns().size();
      })
      .WaitUntil("both runs' ends", [&] {
        return RunFinished("parallel", first.run_id()) && RunFinished("parallel", second.run_id());
      });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(first.reply().ok()) << first.reply().error().message;
  ASSERT_TRUE(second.reply().ok()) << second.reply().error().message;
  EXPECT_EQ(active_together, 2u);
  EXPECT_EQ(StoredRun("parallel", first.run_id())->status, run_status::kSuccess);
  EXPECT_EQ(StoredRun("parallel", second.run_id())->status, run_status::kSuccess);
  std::string first_file = testing::ReadText(Probes() / ("shutdown-" + first.run_id()));
  std::string second_file = testing::ReadText(Probes() / ("shutdown-" + second.run_id()));
  EXPECT_FALSE(first_file.empty());
  EXPECT_NE(first_file, second_file);
  EXPECT_EQ(testing::ReadText(Probes() / ("marker-" + first.run_id())),
            MakeRunMarker(config_.instance_id, "parallel", first.run_id())
                    .substr(std::string("WEBJOBS_RUN_MARKER=").size()) +
                "\n");
}

TEST_F(TriggeredJobOverlapTest, AllowedOverlapTrimsHistoryOnceRunsEnd) {
  // The second run's start cannot remove the first, which is still
  // running. Once both end, the history contains history_size runs again.
  std::string probes = ShellQuote(Probes());
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition =
          DefineJob(JobType::kTriggered, "overlapped",
                    "touch " + probes +
                        "/started-$WEBJOBS_RUN_ID\n"
                        "until [ \"$(ls " +
                        probes + " | grep -c '^started-')\" -ge 2 ]; do sleep 0.05; done\n",
                    R"({"overlap": "allow", "history_size": 1})"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher first;
  RunReplyCatcher second;

  LoopDriver driver(loop());
  AddStart(driver, job, first);
  driver.Do([&] { job.StartRun("", kTrigger, second.Callback()); })
      .WaitUntil("both runs' ends", [&] { return second.received() && job.ActiveRuns().empty(); });
  ASSERT_TRUE(driver.Run(seconds(30)));
  FlushStoreWorker();

  ASSERT_TRUE(second.reply().ok()) << second.reply().error().message;
  Result<std::vector<RunRecord>> runs = store_.ListRuns("overlapped", 100);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].run_id, second.run_id());
  EXPECT_FALSE(std::filesystem::exists(paths_.RunDir("overlapped", first.run_id())));
}

TEST_F(TriggeredJobOverlapTest, AllowCancelOneRunLeavesOther) {
  // The runs ignore their shutdown file, so the stop ends in a kill, which
  // must reach only the cancelled run's processes.
  std::string probes = ShellQuote(Probes());
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kTriggered, "stubborn",
                                        "touch " + probes +
                                            "/started-$WEBJOBS_RUN_ID\n"
                                            "sleep 1000 &\n"
                                            "while true; do sleep 0.1; done\n",
                                        R"({"overlap": "allow", "stopping_wait_time": 1})"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher first;
  RunReplyCatcher second;
  Status unknown_cancel;
  pid_t second_pid = 0;
  size_t second_processes = 0;

  LoopDriver driver(loop());
  AddStartAndWait(driver, job, first);
  AddStartAndWait(driver, job, second);
  driver
      .Do([&] {
        second_pid = *job.ActiveRun()->pid;
        unknown_cancel = job.CancelRun("209901010000000000");
        EXPECT_TRUE(job.CancelRun(first.run_id()).ok());
      })
      .WaitUntil("the first run's end", [&] { return RunFinished("stubborn", first.run_id()); })
      .Do([&] {
        second_processes =
            FindMarkedProcesses(MakeRunMarker(config_.instance_id, "stubborn", second.run_id()))
                .size();
        EXPECT_TRUE(job.CancelRun().ok());
      })
      .WaitUntil("the second run's end", [&] { return RunFinished("stubborn", second.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(StoredRun("stubborn", first.run_id())->status, run_status::kStopped);
  EXPECT_EQ(StoredRun("stubborn", second.run_id())->status, run_status::kStopped);
  // The second run's shell and its background sleep both survived the
  // first run's kill.
  EXPECT_GE(second_processes, 2u);
  EXPECT_FALSE(ProcessAlive(second_pid));
  EXPECT_EQ(CountLinesContaining(paths_.RunOutputFile("stubborn", second.run_id()), "Stopping:"),
            1u);
  ASSERT_FALSE(unknown_cancel.ok());
  EXPECT_EQ(unknown_cancel.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(FindMarkedProcesses(Marker(JobType::kTriggered, "stubborn")).empty());
}

TEST_F(TriggeredJobOverlapTest, AllowRejectsRunsBeyondLimit) {
  config_.max_active_runs = 2;
  clock_.Set(Utc("2100-01-01T04:00:30Z"));
  TriggeredJob& job = PolicyJob("capped", R"({"schedule": "0 0 * * * *", "overlap": "allow"})",
                                Utc("2100-01-01T04:00:00Z"));
  RunReplyCatcher first;
  RunReplyCatcher second;
  RunReplyCatcher third;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); });
  AddStartAndWait(driver, job, first);
  AddStartAndWait(driver, job, second);
  AddStart(driver, job, third);
  driver.Do([&] {
    clock_.Set(Utc("2100-01-01T05:00:00.5Z"));
    job.CheckSchedule();
  });
  AddStoreBarrier(driver);
  driver.Do([&] { Release(); }).WaitUntil("both runs' ends", [&] {
    return RunFinished("capped", first.run_id()) && RunFinished("capped", second.run_id());
  });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_FALSE(third.reply().ok());
  EXPECT_EQ(third.reply().error().code, ErrorCode::kConflict);
  EXPECT_NE(third.reply().error().message.find(
                "2 runs are active, the most that overlap policy \"allow\" permits"),
            std::string::npos)
      << third.reply().error().message;
  std::vector<std::string> skipped = SchedulerLines("capped", "skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("2 runs are active"), std::string::npos) << skipped[0];
}

TEST_F(TriggeredJobOverlapTest, CancelStopsActiveAndWaitingRuns) {
  TriggeredJob& job = PolicyJob("cancelall", R"({"overlap": "queue_one"})");
  RunReplyCatcher first;
  RunReplyCatcher second;
  Status again;

  LoopDriver driver(loop());
  AddStartAndWait(driver, job, first);
  AddStart(driver, job, second);
  driver.Do([&] { EXPECT_TRUE(job.CancelRun().ok()); })
      .WaitUntil("both runs' ends",
                 [&] {
                   return RunFinished("cancelall", first.run_id()) &&
                          RunFinished("cancelall", second.run_id());
                 })
      .Do([&] { again = job.CancelRun(); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> active = StoredRun("cancelall", first.run_id());
  std::optional<RunRecord> waiting = StoredRun("cancelall", second.run_id());
  ASSERT_TRUE(active.has_value());
  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(active->status, run_status::kStopped);
  EXPECT_EQ(active->error, "cancelled (exit code 0)");
  EXPECT_EQ(waiting->status, run_status::kStopped);
  EXPECT_EQ(waiting->error, "cancelled before it started");
  EXPECT_FALSE(std::filesystem::exists(Started(second.run_id())));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(TriggeredJobOverlapTest, CancelWaitingRunByIdKeepsActiveRun) {
  TriggeredJob& job = PolicyJob("cancelone", R"({"overlap": "queue_one"})");
  RunReplyCatcher first;
  RunReplyCatcher second;
  RunReplyCatcher third;

  LoopDriver driver(loop());
  AddStartAndWait(driver, job, first);
  AddStart(driver, job, second);
  driver.Do([&] {
    EXPECT_TRUE(job.CancelRun(second.run_id()).ok());
    EXPECT_FALSE(job.WaitingRun().has_value());
    EXPECT_TRUE(job.ActiveRun().has_value());
  });
  // The place in the queue is free again.
  AddStart(driver, job, third);
  driver.Do([&] { Release(); }).WaitUntil("the first and third runs' ends", [&] {
    return RunFinished("cancelone", first.run_id()) && third.reply().ok() &&
           RunFinished("cancelone", third.run_id());
  });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(StoredRun("cancelone", first.run_id())->status, run_status::kSuccess);
  EXPECT_EQ(StoredRun("cancelone", second.run_id())->status, run_status::kStopped);
  EXPECT_EQ(StoredRun("cancelone", third.run_id())->status, run_status::kSuccess);
}

TEST_F(TriggeredJobOverlapTest, ShutdownAbortsWaitingRun) {
  TriggeredJob& job = PolicyJob("halted", R"({"overlap": "queue_one"})");
  RunReplyCatcher first;
  RunReplyCatcher second;
  bool shut_down = false;

  LoopDriver driver(loop());
  AddStartAndWait(driver, job, first);
  AddStart(driver, job, second);
  driver.Do([&] { job.Shutdown("the host shut down", [&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  AddStoreBarrier(driver);
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> active = StoredRun("halted", first.run_id());
  std::optional<RunRecord> waiting = StoredRun("halted", second.run_id());
  ASSERT_TRUE(active.has_value());
  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(active->status, run_status::kAborted);
  EXPECT_EQ(waiting->status, run_status::kAborted);
  EXPECT_EQ(waiting->error, "the host shut down before the run started");
  EXPECT_FALSE(std::filesystem::exists(Started(second.run_id())));
}

TEST_F(TriggeredJobOverlapTest, CatchUpRunsOneAfterAnotherUnderAllow) {
  clock_.Set(Utc("2100-01-01T04:35:00Z"));
  std::filesystem::path order = Probe("order");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(
          JobType::kTriggered, "sequential",
          "echo \"start $WEBJOBS_SCHEDULED_TIME\" >> " + ShellQuote(order) +
              "\nsleep 0.2\necho \"end $WEBJOBS_SCHEDULED_TIME\" >> " + ShellQuote(order) + "\n",
          R"({"schedule": "0 */10 * * * *", "catch_up": "all", "overlap": "allow"})"));
  TriggeredJob& job = AddTriggered(definition, Utc("2100-01-01T04:00:00Z"));

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); }).WaitUntil("three runs' ends", [&] {
    return ReadLines(order).size() == 6 && !job.ActiveRun().has_value();
  });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::vector<std::string> expected{"start 2100-01-01T04:10:00Z", "end 2100-01-01T04:10:00Z",
                                    "start 2100-01-01T04:20:00Z", "end 2100-01-01T04:20:00Z",
                                    "start 2100-01-01T04:30:00Z", "end 2100-01-01T04:30:00Z"};
  EXPECT_EQ(ReadLines(order), expected);
}

}  // namespace
}  // namespace webjobs
