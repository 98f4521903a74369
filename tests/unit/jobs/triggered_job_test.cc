#include "jobs/triggered_job.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "jobs/job_test_fixture.h"
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

constexpr char kTrigger[] = "External - unit test";

class TriggeredJobTest : public JobsTest {
 protected:
  // The record prefix at the fixture clock's instant, 2024-01-02T15:30:45Z.
  std::string Prefix() const { return "[01/02/2024 15:30:45 > " + config_.instance_id + ": "; }
  std::filesystem::path OutputFile(const std::string& name, const std::string& run_id) const {
    return paths_.RunOutputFile(name, run_id);
  }
  bool NoProcessLeft(const std::string& name) const {
    return FindMarkedProcesses(Marker(JobType::kTriggered, name)).empty();
  }
  bool HasLine(const std::filesystem::path& path, const std::string& line) const {
    for (const std::string& found : ReadLines(path)) {
      if (found == line) return true;
    }
    return false;
  }

  // Adds steps to `driver` that start a run of `job` and wait until the
  // store has its final record.
  void AddRunSteps(LoopDriver& driver, TriggeredJob& job, RunReplyCatcher& started) {
    driver.Do([&] { job.StartRun("", kTrigger, started.Callback()); })
        .WaitUntil("the run's reply", [&] { return started.received(); })
        .Do([&] { ASSERT_TRUE(started.reply().ok()) << started.reply().error().message; })
        .WaitUntil("the run's end",
                   [&] { return RunFinished(job.definition().name, started.run_id()); });
  }

  // Runs the loop through one run of `job` and returns its final record.
  // The loop cannot run again afterwards.
  RunRecord RunToEnd(TriggeredJob& job) {
    RunReplyCatcher started;
    LoopDriver driver(loop());
    AddRunSteps(driver, job, started);
    EXPECT_TRUE(driver.Run(seconds(30)));
    std::optional<RunRecord> run = StoredRun(job.definition().name, started.run_id());
    return run ? *run : RunRecord{};
  }
};

// Writes "ready" to `probe`, then polls for the shutdown file and exits 0
// when it appears.
std::string WaitForShutdownFile(const std::filesystem::path& probe) {
  return "echo ready > " + ShellQuote(probe) +
         "\nwhile [ ! -f \"$WEBJOBS_SHUTDOWN_FILE\" ]; do sleep 0.1; done\nexit 0\n";
}

TEST_F(TriggeredJobTest, SuccessRecordsCodeAndOutput) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kTriggered, "greeter", "echo ok\necho warn >&2\nexit 0\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  // The fixture clock reads 2024-01-02T15:30:45.0123Z.
  EXPECT_EQ(run.run_id, "202401021530450123");
  EXPECT_EQ(run.status, run_status::kSuccess);
  ASSERT_TRUE(run.exit_code.has_value());
  EXPECT_EQ(*run.exit_code, 0);
  EXPECT_TRUE(run.end_time.has_value());
  EXPECT_FALSE(run.pid.has_value());
  EXPECT_EQ(run.error, "");
  EXPECT_EQ(run.trigger, kTrigger);
  EXPECT_EQ(run.instance_id, config_.instance_id);

  std::filesystem::path output = OutputFile("greeter", run.run_id);
  EXPECT_TRUE(HasLine(output, Prefix() + "INFO] ok"));
  EXPECT_TRUE(HasLine(output, Prefix() + "ERR ] warn"));
  EXPECT_TRUE(HasLine(output, Prefix() + "SYS INFO] Run ended with exit code 0; status Success"));
  EXPECT_EQ(CountLinesContaining(output, Prefix() + "SYS INFO] Run 202401021530450123 starting"),
            1u);
  EXPECT_EQ(job.LatestRun()->status, run_status::kSuccess);
  EXPECT_FALSE(job.ActiveRun().has_value());
}

TEST_F(TriggeredJobTest, NonZeroExitIsFailedWithItsCode) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "three", "exit 3\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kFailed);
  ASSERT_TRUE(run.exit_code.has_value());
  EXPECT_EQ(*run.exit_code, 3);
  EXPECT_TRUE(run.end_time.has_value());
  EXPECT_EQ(run.error, "process failed with exit code 3");
  EXPECT_EQ(CountLinesContaining(OutputFile("three", run.run_id),
                                 "SYS ERR ] Run ended: "
                                 "process failed with exit "
                                 "code 3; status Failed"),
            1u);
}

TEST_F(TriggeredJobTest, SignalDeathIsFailed) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "suicide",
                                                 "echo before\nkill -9 $$\necho after\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kFailed);
  ASSERT_TRUE(run.exit_code.has_value());
  EXPECT_EQ(*run.exit_code, 128 + 9);
  EXPECT_TRUE(run.end_time.has_value());
  EXPECT_NE(run.error.find("killed by signal 9 (SIGKILL)"), std::string::npos) << run.error;
  std::filesystem::path output = OutputFile("suicide", run.run_id);
  EXPECT_EQ(
      CountLinesContaining(output, "SYS ERR ] Run ended: process killed by signal 9 (SIGKILL)"),
      1u);
  EXPECT_TRUE(HasLine(output, Prefix() + "INFO] before"));
  EXPECT_EQ(CountLinesContaining(output, "INFO] after"), 0u);
}

TEST_F(TriggeredJobTest, FloodOfStdoutIsCapturedWhole) {
  // About 2 MB, more than the pipe buffers, so the writer blocks until the
  // loop reads.
  constexpr int kLines = 300000;
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "flood",
                                                 "seq 1 " + std::to_string(kLines) + "\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kSuccess);
  std::vector<std::string> lines = ReadLines(OutputFile("flood", run.run_id));
  std::vector<std::string> output;
  const std::string tag = Prefix() + "INFO] ";
  for (const std::string& line : lines) {
    if (line.rfind(tag, 0) == 0) output.push_back(line.substr(tag.size()));
  }
  ASSERT_EQ(output.size(), static_cast<size_t>(kLines));
  EXPECT_EQ(output.front(), "1");
  EXPECT_EQ(output[kLines / 2], std::to_string(kLines / 2 + 1));
  EXPECT_EQ(output.back(), std::to_string(kLines));
}

TEST_F(TriggeredJobTest, UnterminatedLastLineIsKept) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kTriggered, "partial", "printf 'one\\r\\ntwo\\rthree'\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  std::filesystem::path output = OutputFile("partial", run.run_id);
  EXPECT_TRUE(HasLine(output, Prefix() + "INFO] one"));
  EXPECT_TRUE(HasLine(output, Prefix() + "INFO] two"));
  EXPECT_TRUE(HasLine(output, Prefix() + "INFO] three"));
}

TEST_F(TriggeredJobTest, RunEndsWithMainProcess) {
  // The background child keeps the output pipes open; the run
  // still ends with its main process.
  std::filesystem::path probe = Probe("background");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "forker",
                                                 "sleep 1000 &\necho $! > " + ShellQuote(probe) +
                                                     "\necho spawned\nexit 0\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kSuccess);
  EXPECT_TRUE(HasLine(OutputFile("forker", run.run_id), Prefix() + "INFO] spawned"));
  EXPECT_FALSE(job.ActiveRun().has_value());
}

TEST_F(TriggeredJobTest, SecondStartWhileActiveConflicts) {
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kTriggered, "single", WaitForShutdownFile(ready)));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher first;
  RunReplyCatcher second;

  LoopDriver driver(loop());
  driver.Do([&] { job.StartRun("", kTrigger, first.Callback()); })
      .WaitUntil("the first reply", [&] { return first.received(); })
      .Do([&] {
        ASSERT_TRUE(first.reply().ok()) << first.reply().error().message;
        EXPECT_EQ(job.ActiveRun()->status, run_status::kRunning);
        job.StartRun("", kTrigger, second.Callback());
      })
      .WaitUntil("the second reply", [&] { return second.received(); })
      .Do([&] { EXPECT_TRUE(job.CancelRun().ok()); })
      .WaitUntil("the first run's end", [&] { return RunFinished("single", first.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_FALSE(second.reply().ok());
  EXPECT_EQ(second.reply().error().code, ErrorCode::kConflict);
  EXPECT_NE(second.reply().error().message.find(first.run_id()), std::string::npos)
      << second.reply().error().message;
  Result<std::vector<RunRecord>> runs = store_.ListRuns("single", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 1u);
}

TEST_F(TriggeredJobTest, CancelStopsRunThroughShutdownFile) {
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "cancelled",
                                                 WaitForShutdownFile(ready),
                                                 R"({"stopping_wait_time": 120})"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher started;

  LoopDriver driver(loop());
  driver.Do([&] { job.StartRun("", kTrigger, started.Callback()); })
      .WaitUntil("the script to start", [&] { return !ReadLines(ready).empty(); })
      .Do([&] { EXPECT_TRUE(job.CancelRun().ok()); })
      .WaitUntil("the run's end", [&] { return RunFinished("cancelled", started.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> run = StoredRun("cancelled", started.run_id());
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, run_status::kStopped);
  EXPECT_EQ(run->error, "cancelled (exit code 0)");
  EXPECT_TRUE(run->end_time.has_value());
  EXPECT_EQ(CountLinesContaining(OutputFile("cancelled", started.run_id()),
                                 "SYS INFO] Stopping: cancel requested"),
            1u);
  EXPECT_TRUE(NoProcessLeft("cancelled"));
}

TEST_F(TriggeredJobTest, CancelKillsStubbornRunTree) {
  std::filesystem::path probe = Probe("grandchild");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kTriggered, "ignorer",
                             "setsid sleep 1000 &\necho $! > " + ShellQuote(probe) + ".tmp && mv " +
                                 ShellQuote(probe) + ".tmp " + ShellQuote(probe) +
                                 "\nwhile true; do sleep 0.2; done\n",
                             R"({"stopping_wait_time": 1})"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher started;
  pid_t grandchild = 0;

  LoopDriver driver(loop());
  driver.Do([&] { job.StartRun("", kTrigger, started.Callback()); })
      .WaitUntil("the grandchild's pid", [&] { return !ReadLines(probe).empty(); })
      .Do([&] { grandchild = std::stoi(ReadLines(probe).front()); })
      .WaitUntil("the grandchild's own session", [&] { return getsid(grandchild) == grandchild; })
      .Do([&] { EXPECT_TRUE(job.CancelRun().ok()); })
      .WaitUntil("the run's end", [&] { return RunFinished("ignorer", started.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> run = StoredRun("ignorer", started.run_id());
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, run_status::kStopped);
  EXPECT_EQ(run->exit_code, 128 + 9);
  EXPECT_EQ(
      CountLinesContaining(OutputFile("ignorer", started.run_id()), "did not exit within 1 s"), 1u);
  EXPECT_FALSE(ProcessAlive(grandchild));
  EXPECT_TRUE(NoProcessLeft("ignorer"));
}

TEST_F(TriggeredJobTest, CancelWithoutActiveRunConflicts) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "idle", "exit 0\n"));
  TriggeredJob& job = AddTriggered(definition);

  Status cancelled = job.CancelRun();

  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kConflict);
  EXPECT_NE(cancelled.error().message.find("idle"), std::string::npos);
}

TEST_F(TriggeredJobTest, UnsplittableArgumentsCreateNoRun) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "quoted", "exit 0\n"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher started;

  job.StartRun("\"unclosed", kTrigger, started.Callback());

  ASSERT_TRUE(started.received());
  ASSERT_FALSE(started.reply().ok());
  EXPECT_EQ(started.reply().error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(job.ActiveRun().has_value());
  FlushStoreWorker();
  Result<std::vector<RunRecord>> runs = store_.ListRuns("quoted", 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

TEST_F(TriggeredJobTest, WebjobsStoppedRejectsRun) {
  config_.webjobs_stopped = true;
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "halted", "exit 0\n"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher started;

  job.StartRun("", kTrigger, started.Callback());

  ASSERT_TRUE(started.received());
  ASSERT_FALSE(started.reply().ok());
  EXPECT_EQ(started.reply().error().code, ErrorCode::kConflict);
  EXPECT_NE(started.reply().error().message.find("WEBJOBS_STOPPED"), std::string::npos);
}

TEST_F(TriggeredJobTest, HistoryIsTrimmedToHistorySize) {
  // WEBJOBS_HISTORY_SIZE=3 and five runs leave the three newest.
  config_.history_size = 3;
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "trimmed", "echo run\n"));
  TriggeredJob& job = AddTriggered(definition);
  std::vector<std::string> run_ids;
  std::vector<RunReplyCatcher> replies(5);

  LoopDriver driver(loop());
  for (RunReplyCatcher& reply : replies) {
    driver.Do([&] { clock_.Advance(seconds(1)); });
    AddRunSteps(driver, job, reply);
  }
  ASSERT_TRUE(driver.Run(seconds(60)));
  FlushStoreWorker();

  for (const RunReplyCatcher& reply : replies) run_ids.push_back(reply.run_id());
  Result<std::vector<RunRecord>> runs = store_.ListRuns("trimmed", 100);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ((*runs)[0].run_id, run_ids[4]);
  EXPECT_EQ((*runs)[1].run_id, run_ids[3]);
  EXPECT_EQ((*runs)[2].run_id, run_ids[2]);
  for (size_t i = 0; i < run_ids.size(); ++i) {
    EXPECT_EQ(std::filesystem::exists(paths_.RunDir("trimmed", run_ids[i])), i >= 2)
        << "run folder " << run_ids[i];
  }
}

TEST_F(TriggeredJobTest, JobHistorySizeOverridesHost) {
  config_.history_size = 50;
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kTriggered, "short", "exit 0\n", R"({"history_size": 1})"));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher first;
  RunReplyCatcher second;

  LoopDriver driver(loop());
  AddRunSteps(driver, job, first);
  driver.Do([&] { clock_.Advance(seconds(1)); });
  AddRunSteps(driver, job, second);
  ASSERT_TRUE(driver.Run(seconds(30)));
  FlushStoreWorker();

  Result<std::vector<RunRecord>> runs = store_.ListRuns("short", 100);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].run_id, second.run_id());
  EXPECT_FALSE(std::filesystem::exists(paths_.RunDir("short", first.run_id())));
}

TEST_F(TriggeredJobTest, SameInstantGivesIncreasingRunIds) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "burst", "exit 0\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunReplyCatcher first;
  RunReplyCatcher second;

  // The clock does not move between the runs.
  LoopDriver driver(loop());
  AddRunSteps(driver, job, first);
  AddRunSteps(driver, job, second);
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(first.run_id(), "202401021530450123");
  EXPECT_EQ(second.run_id(), "202401021530450124");
}

TEST_F(TriggeredJobTest, IdleTimeoutKillsSilentSleepingRun) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "sleeper", "sleep 300\n",
                                                 R"({"idle_timeout": 1})"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kFailed);
  EXPECT_NE(run.error.find("no output and no CPU time"), std::string::npos) << run.error;
  EXPECT_EQ(CountLinesContaining(OutputFile("sleeper", run.run_id), "WEBJOBS_IDLE_TIMEOUT"), 1u);
  EXPECT_EQ(CountLinesContaining(OutputFile("sleeper", run.run_id), "SYS ERR ] Run aborted"), 1u);
  EXPECT_TRUE(NoProcessLeft("sleeper"));
}

TEST_F(TriggeredJobTest, HostIdleTimeoutAppliesWithoutJobSetting) {
  config_.idle_timeout = seconds(1);
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "napper", "sleep 300\n"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kFailed);
  EXPECT_EQ(CountLinesContaining(OutputFile("napper", run.run_id), "WEBJOBS_IDLE_TIMEOUT"), 1u);
}

TEST_F(TriggeredJobTest, IdleTimeoutSparesBusySilentRun) {
  // Four idle periods of CPU work and no output, then a clean exit.
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "cruncher",
                                                 "end=$((SECONDS + 4))\n"
                                                 "while [ $SECONDS -lt $end ]; do :; done\n"
                                                 "exit 0\n",
                                                 R"({"idle_timeout": 1})"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kSuccess);
  EXPECT_EQ(CountLinesContaining(OutputFile("cruncher", run.run_id), "WEBJOBS_IDLE_TIMEOUT"), 0u);
}

TEST_F(TriggeredJobTest, IdleTimeoutSparesRunThatPrints) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kTriggered, "ticker",
                                        "for i in 1 2 3 4 5 6; do echo tick; sleep 0.5; done\n",
                                        R"({"idle_timeout": 1})"));
  TriggeredJob& job = AddTriggered(definition);

  RunRecord run = RunToEnd(job);

  EXPECT_EQ(run.status, run_status::kSuccess);
  EXPECT_EQ(CountLinesContaining(OutputFile("ticker", run.run_id), "INFO] tick"), 6u);
}

TEST_F(TriggeredJobTest, ShutdownAbortsActiveRun) {
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kTriggered, "interrupted", WaitForShutdownFile(ready)));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher started;
  int done_calls = 0;

  LoopDriver driver(loop());
  driver.Do([&] { job.StartRun("", kTrigger, started.Callback()); })
      .WaitUntil("the script to start", [&] { return !ReadLines(ready).empty(); })
      .Do([&] { job.Shutdown("the host shut down", [&] { ++done_calls; }); })
      .WaitUntil("the done callback", [&] { return done_calls > 0; })
      .WaitUntil("the run's end", [&] { return RunFinished("interrupted", started.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  std::optional<RunRecord> run = StoredRun("interrupted", started.run_id());
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, run_status::kAborted);
  EXPECT_NE(run->error.find("the host shut down"), std::string::npos) << run->error;
  EXPECT_EQ(done_calls, 1);
  EXPECT_TRUE(NoProcessLeft("interrupted"));
}

}  // namespace
}  // namespace webjobs
