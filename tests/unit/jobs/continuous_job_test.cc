#include "jobs/continuous_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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
using testing::ReadText;
using testing::ShellQuote;

using State = ContinuousJob::State;

class ContinuousJobTest : public JobsTest {
 protected:
  std::filesystem::path LogFile(const std::string& name) const {
    return paths_.ContinuousLogFile(name);
  }
  size_t LineCount(const std::filesystem::path& path) const { return ReadLines(path).size(); }
  // The first line of a probe file, once the script wrote it whole.
  std::string FirstLine(const std::filesystem::path& path) const {
    std::vector<std::string> lines = ReadLines(path);
    return lines.empty() ? "" : lines.front();
  }
  bool NoProcessLeft(const std::string& name) const {
    return FindMarkedProcesses(Marker(JobType::kContinuous, name)).empty();
  }
};

// Writes the script's shutdown file path to `probe`, then waits for the
// file and exits 0.
std::string ExitOnShutdownFile(const std::filesystem::path& probe, const std::string& before = "") {
  return before + "echo \"$WEBJOBS_SHUTDOWN_FILE\" > " + ShellQuote(probe) + ".tmp && mv " +
         ShellQuote(probe) + ".tmp " + ShellQuote(probe) +
         "\n"
         "while [ ! -f \"$WEBJOBS_SHUTDOWN_FILE\" ]; do sleep 0.1; done\n"
         "echo bye\n"
         "exit 0\n";
}

TEST_F(ContinuousJobTest, QuickExitRestartsAfterDelay) {
  config_.restart_quick_exit = seconds(3600);
  config_.restart_delay = seconds(1);
  std::filesystem::path starts = Probe("starts");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kContinuous, "quick",
                             "date +%s%N >> " + ShellQuote(starts) + "\necho started\nexit 0\n"));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver
      .Do([&] {
        job.Activate();
        EXPECT_EQ(job.state(), State::kRunning);
        EXPECT_EQ(job.StatusName(), "Running");
      })
      .WaitUntil("PendingRestart after the exit",
                 [&] { return job.state() == State::kPendingRestart; })
      .Do([&] { EXPECT_EQ(job.StatusName(), "PendingRestart"); })
      .WaitUntil("a second start", [&] { return LineCount(starts) >= 2; })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  // The restart timer never fires early, so the second start comes at
  // least the delay after the first process wrote its line.
  std::vector<std::string> times = ReadLines(starts);
  ASSERT_GE(times.size(), 2u);
  EXPECT_GE(std::stoll(times[1]) - std::stoll(times[0]), 1'000'000'000LL);
  EXPECT_GE(CountLinesContaining(LogFile("quick"), "restarting in 1 s"), 1u);
  EXPECT_GE(CountLinesContaining(LogFile("quick"), "Status changed to Running"), 2u);
  EXPECT_GE(CountLinesContaining(LogFile("quick"), "[01/02/2024 15:30:45 > " + config_.instance_id +
                                                       ": INFO] started"),
            2u);
}

TEST_F(ContinuousJobTest, JobRestartDelayOverridesHost) {
  config_.restart_quick_exit = seconds(3600);
  config_.restart_delay = seconds(3600);
  std::filesystem::path starts = Probe("starts");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "ownDelay",
                                                 "echo x >> " + ShellQuote(starts) + "\nexit 0\n",
                                                 R"({"restart_delay": 1})"));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("a second start", [&] { return LineCount(starts) >= 2; })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_GE(CountLinesContaining(LogFile("ownDelay"), "restarting in 1 s"), 1u);
}

TEST_F(ContinuousJobTest, RestartsAtOnceAfterLongRun) {
  // Any run of at least a second counts as long here; a delayed restart
  // would wait an hour and trip the guard.
  config_.restart_quick_exit = seconds(1);
  config_.restart_delay = seconds(3600);
  std::filesystem::path starts = Probe("starts");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kContinuous, "long",
                                        "echo x >> " + ShellQuote(starts) + "\nsleep 2\nexit 0\n"));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("a second start", [&] { return LineCount(starts) >= 2; })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_GE(CountLinesContaining(LogFile("long"), "restarting in 0 s"), 1u);
  EXPECT_EQ(CountLinesContaining(LogFile("long"), "restarting in 3600 s"), 0u);
}

TEST_F(ContinuousJobTest, StopDuringPendingRestartStopsAtOnce) {
  config_.restart_quick_exit = seconds(3600);
  config_.restart_delay = seconds(1);
  std::filesystem::path starts = Probe("starts");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "failing",
                                                 "echo x >> " + ShellQuote(starts) + "\nexit 1\n"));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("PendingRestart", [&] { return job.state() == State::kPendingRestart; })
      .Do([&] {
        job.SetWantedRunning(false);
        EXPECT_EQ(job.state(), State::kStopped);
        EXPECT_EQ(job.StatusName(), "Stopped");
        EXPECT_FALSE(job.wanted_running());
      })
      // Well past the restart delay: a timer left armed would start it.
      .Idle(milliseconds(2500));
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(job.state(), State::kStopped);
  EXPECT_EQ(LineCount(starts), 1u);
  EXPECT_GE(CountLinesContaining(LogFile("failing"), "Process failed: exit code 1"), 1u);
}

TEST_F(ContinuousJobTest, PendingRestartStopKillsLeftover) {
  // The process exits at once but leaves a background child, and nothing
  // of the job may survive its stop.
  config_.restart_quick_exit = seconds(3600);
  config_.restart_delay = seconds(3600);
  std::filesystem::path orphan_probe = Probe("orphan");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kContinuous, "leaver",
                                        "sleep 1000 &\necho $! > " + ShellQuote(orphan_probe) +
                                            ".tmp && mv " + ShellQuote(orphan_probe) + ".tmp " +
                                            ShellQuote(orphan_probe) + "\necho spawned\nexit 0\n"));
  ContinuousJob& job = AddContinuous(definition);
  pid_t orphan = 0;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("PendingRestart", [&] { return job.state() == State::kPendingRestart; })
      .Do([&] {
        orphan = std::stoi(ReadText(orphan_probe));
        EXPECT_TRUE(ProcessAlive(orphan)) << "the script's background child should still run";
        job.SetWantedRunning(false);
        EXPECT_EQ(job.state(), State::kStopped);
      })
      // Kudu's default stop wait is 5 s; allow that plus a margin.
      .WaitUntil("the leftover child killed", [&] { return !ProcessAlive(orphan); });
  ASSERT_TRUE(driver.Run(seconds(8)));

  EXPECT_TRUE(NoProcessLeft("leaver"));
}

TEST_F(ContinuousJobTest, RestartKillsEarlierOrphan) {
  config_.restart_quick_exit = seconds(3600);
  config_.restart_delay = seconds(1);
  std::filesystem::path orphans = Probe("orphans");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kContinuous, "piler",
                             "sleep 1000 &\necho $! >> " + ShellQuote(orphans) + "\nexit 0\n"));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("a second start", [&] { return LineCount(orphans) >= 2; })
      .Do([&] {
        // Copies must not pile up across restarts.
        std::vector<std::string> pids = ReadLines(orphans);
        EXPECT_FALSE(ProcessAlive(std::stoi(pids[0])));
        job.Shutdown("test ends", [] {});
      })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_TRUE(NoProcessLeft("piler"));
}

TEST_F(ContinuousJobTest, StopWritesShutdownFile) {
  // The stop wait is far longer than the guard, so reaching Stopped
  // proves the job left on the file, not on the kill.
  std::filesystem::path probe = Probe("shutdown_path");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kContinuous, "graceful", ExitOnShutdownFile(probe),
                                        R"({"stopping_wait_time": 120})"));
  ContinuousJob& job = AddContinuous(definition);
  std::filesystem::path shutdown_file;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("the script to start", [&] { return !FirstLine(probe).empty(); })
      .Do([&] {
        shutdown_file = FirstLine(probe);
        EXPECT_EQ(shutdown_file.parent_path(),
                  paths_.ShutdownDir(JobType::kContinuous, "graceful"));
        EXPECT_FALSE(std::filesystem::exists(shutdown_file)) << "no stop was requested yet";
        job.SetWantedRunning(false);
        EXPECT_EQ(job.state(), State::kStopping);
        EXPECT_EQ(job.StatusName(), "Stopping");
        EXPECT_TRUE(std::filesystem::exists(shutdown_file));
      })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(CountLinesContaining(LogFile("graceful"), "INFO] bye"), 1u);
  EXPECT_EQ(CountLinesContaining(LogFile("graceful"), "did not exit within"), 0u);
  EXPECT_TRUE(NoProcessLeft("graceful"));
}

TEST_F(ContinuousJobTest, StopKillsStubbornJob) {
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kContinuous, "stubborn",
                                        "trap 'echo got-term' TERM\n"
                                        "echo ready > " +
                                            ShellQuote(ready) +
                                            "\n"
                                            "while true; do sleep 0.2; done\n",
                                        R"({"stopping_wait_time": 1, "stop_signal": 15})"));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("the script to start", [&] { return !FirstLine(ready).empty(); })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  // The signal arrived and was survived; the kill after the wait ended it.
  EXPECT_GE(CountLinesContaining(LogFile("stubborn"), "INFO] got-term"), 1u);
  EXPECT_EQ(CountLinesContaining(LogFile("stubborn"), "did not exit within 1 s"), 1u);
  EXPECT_GE(CountLinesContaining(LogFile("stubborn"), "killed by signal 9 (SIGKILL)"), 1u);
  EXPECT_TRUE(NoProcessLeft("stubborn"));
}

TEST_F(ContinuousJobTest, StopKillsSetsidGrandchild) {
  std::filesystem::path probe = Probe("grandchild");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kContinuous, "escaper",
                             "setsid sleep 1000 &\necho $! > " + ShellQuote(probe) + ".tmp && mv " +
                                 ShellQuote(probe) + ".tmp " + ShellQuote(probe) +
                                 "\nwhile [ ! -f \"$WEBJOBS_SHUTDOWN_FILE\" ]; do sleep 0.1; done\n"
                                 "exit 0\n"));
  ContinuousJob& job = AddContinuous(definition);
  pid_t grandchild = 0;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("the grandchild's pid", [&] { return !FirstLine(probe).empty(); })
      .Do([&] { grandchild = std::stoi(FirstLine(probe)); })
      // The grandchild left the job's session and process group.
      .WaitUntil("the grandchild's own session", [&] { return getsid(grandchild) == grandchild; })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_FALSE(ProcessAlive(grandchild));
  EXPECT_TRUE(NoProcessLeft("escaper"));
}

TEST_F(ContinuousJobTest, ShutdownDoneAfterProcessGone) {
  std::filesystem::path probe = Probe("shutdown_path");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kContinuous, "hosted", ExitOnShutdownFile(probe)));
  ContinuousJob& job = AddContinuous(definition);
  int done_calls = 0;
  bool process_left_at_done = true;

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("the script to start", [&] { return !FirstLine(probe).empty(); })
      .Do([&] {
        job.Shutdown("the host is shutting down", [&] {
          ++done_calls;
          process_left_at_done = !NoProcessLeft("hosted");
        });
      })
      .WaitUntil("the done callback", [&] { return done_calls > 0; })
      .Do([&] {
        // A job shut down for good does not start again.
        job.SetWantedRunning(true);
        EXPECT_EQ(job.state(), State::kStopped);
      })
      .Idle(milliseconds(100));
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(done_calls, 1);
  EXPECT_FALSE(process_left_at_done);
  EXPECT_EQ(job.state(), State::kStopped);
}

TEST_F(ContinuousJobTest, ReloadRestartsFromNewFiles) {
  std::filesystem::path versions = Probe("versions");
  auto script = [&](const std::string& version) {
    return "echo " + version + " >> " + ShellQuote(versions) +
           "\nwhile [ ! -f \"$WEBJOBS_SHUTDOWN_FILE\" ]; do sleep 0.1; done\n";
  };
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "reloaded", script("v1")));
  ContinuousJob& job = AddContinuous(definition);

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("version 1", [&] { return LineCount(versions) == 1; })
      .Do([&] {
        // The new script differs in size too, so the folder's fingerprint
        // changes even on a file system with coarse timestamps.
        std::ofstream(definition.job_dir / "run.sh", std::ios::trunc)
            << "# second version\n" + script("v2");
        JobDefinition next;
        ASSERT_NO_FATAL_FAILURE(next = LoadAgain(definition));
        job.Reload(next);
      })
      .WaitUntil("version 2", [&] { return LineCount(versions) == 2; })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(ReadLines(versions), (std::vector<std::string>{"v1", "v2"}));
}

TEST_F(ContinuousJobTest, OutputKeptWholeAndRotated) {
  // No cap on lines per start; the log rolls by size into two files.
  config_.continuous_log_max_bytes = 20000;
  config_.continuous_log_files = 2;
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "chatty",
                                                 "seq 1 3000\n" + ExitOnShutdownFile(ready)));
  ContinuousJob& job = AddContinuous(definition);
  std::filesystem::path log = LogFile("chatty");
  std::filesystem::path previous = log.parent_path() / "job_prev_log.txt";

  LoopDriver driver(loop());
  driver.Do([&] { job.Activate(); })
      .WaitUntil("the last line", [&] { return CountLinesContaining(log, "INFO] 3000") == 1; })
      .Do([&] { job.SetWantedRunning(false); })
      .WaitUntil("Stopped", [&] { return job.state() == State::kStopped; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_TRUE(std::filesystem::exists(previous));
  EXPECT_LE(std::filesystem::file_size(log), 20000u);
  EXPECT_LE(std::filesystem::file_size(previous), 20000u);
  EXPECT_FALSE(std::filesystem::exists(log.parent_path() / "job_prev_log.2.txt"));
  EXPECT_EQ(CountLinesContaining(log, "WARN]"), 0u);
}

TEST_F(ContinuousJobTest, DisableFileKeepsJobStopped) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "disabled", "exit 0\n"));
  std::ofstream(definition.job_dir / "disable.job") << "";
  ASSERT_NO_FATAL_FAILURE(definition = LoadAgain(definition));
  ASSERT_TRUE(definition.disabled_by_file);
  ContinuousJob& job = AddContinuous(definition);

  job.Activate();

  EXPECT_EQ(job.state(), State::kStopped);
  EXPECT_TRUE(job.wanted_running());
}

TEST_F(ContinuousJobTest, WantedStoppedJobDoesNotStart) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "parked", "exit 0\n"));
  ContinuousJob& job = AddContinuous(definition, false);

  job.Activate();

  EXPECT_EQ(job.state(), State::kStopped);
}

}  // namespace
}  // namespace webjobs
