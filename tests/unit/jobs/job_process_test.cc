#include "jobs/job_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "jobs/job_test_fixture.h"
#include "process/process_tree.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CountLinesContaining;
using testing::JobsTest;
using testing::LoopDriver;
using testing::ReadLines;
using testing::ShellQuote;

// What the exit callback received. Shared with the callback, so a closure
// still queued when a test fails early never refers to a destroyed local.
struct ExitRecord {
  std::optional<ProcessOutcome> outcome;
  int calls = 0;
};

class JobProcessTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    marker_ = TrackJob(JobType::kTriggered, "proc");
    Result<JobLogWriter> log = JobLogWriter::Open(root_ / "output.txt", "inst", clock_);
    ASSERT_TRUE(log.ok()) << log.error().message;
    log_.emplace(std::move(log).value());
  }

  JobProcessOptions Options(const std::string& script) {
    JobProcessOptions options;
    options.spawn = SpawnOptions{{"/bin/sh", "-c", script}, {"PATH=/usr/bin:/bin", marker_}, root_};
    options.marker_entry = marker_;
    options.shutdown_file = root_ / "shutdown" / "file";
    options.stop_wait = seconds(30);
    options.job_name = "proc";
    options.run_id = "202401021530450123";
    return options;
  }

  // Starts `options` and records its exit in `record`.
  std::unique_ptr<JobProcess> Start(JobProcessOptions options,
                                    const std::shared_ptr<ExitRecord>& record) {
    Result<std::unique_ptr<JobProcess>> process = JobProcess::Start(
        loop(), spawner_, *log_, std::move(options), [record](const ProcessOutcome& outcome) {
          record->outcome = outcome;
          ++record->calls;
        });
    EXPECT_TRUE(process.ok()) << (process.ok() ? "" : process.error().message);
    return process.ok() ? std::move(process).value() : nullptr;
  }

  std::filesystem::path LogPath() const { return root_ / "output.txt"; }
  bool NoProcessLeft() const { return FindMarkedProcesses(marker_).empty(); }

  std::string marker_;
  std::optional<JobLogWriter> log_;
};

TEST_F(JobProcessTest, ExitReportsCodeOnce) {
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(Options("echo hi\nexit 3"), record);
  ASSERT_NE(process, nullptr);
  pid_t pid = process->pid();
  EXPECT_TRUE(JobProcess::IsTracked(pid));

  LoopDriver driver(loop());
  driver.WaitUntil("the exit", [&] { return record->outcome.has_value(); }).Idle(milliseconds(100));
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(record->calls, 1);
  EXPECT_FALSE(record->outcome->exit.signaled);
  EXPECT_EQ(record->outcome->exit.exit_code, 3);
  EXPECT_FALSE(record->outcome->stop_requested);
  EXPECT_FALSE(record->outcome->killed_on_timeout);
  EXPECT_FALSE(record->outcome->killed_idle);
  EXPECT_GT(record->outcome->lifetime.count(), 0);
  EXPECT_FALSE(JobProcess::IsTracked(pid));
  EXPECT_EQ(CountLinesContaining(LogPath(), "inst: INFO] hi"), 1u);
}

TEST_F(JobProcessTest, StopSignalEndsProcessBeforeWait) {
  JobProcessOptions options =
      Options("echo ready > " + ShellQuote(Probe("ready")) + "\nwhile true; do sleep 0.1; done");
  options.stop_signal = 15;
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(std::move(options), record);
  ASSERT_NE(process, nullptr);

  LoopDriver driver(loop());
  driver.WaitUntil("the script to start", [&] { return !ReadLines(Probe("ready")).empty(); })
      .Do([&] {
        process->RequestStop("test stop");
        EXPECT_TRUE(process->stopping());
        EXPECT_TRUE(std::filesystem::exists(root_ / "shutdown" / "file"));
      })
      .WaitUntil("the exit", [&] { return record->outcome.has_value(); });
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_TRUE(record->outcome->stop_requested);
  EXPECT_FALSE(record->outcome->killed_on_timeout);
  EXPECT_TRUE(record->outcome->exit.signaled);
  EXPECT_EQ(record->outcome->exit.signal, 15);
  EXPECT_EQ(CountLinesContaining(LogPath(), "SYS INFO] Stopping: test stop"), 1u);
}

TEST_F(JobProcessTest, StopWaitRunningOutKills) {
  JobProcessOptions options = Options("trap '' TERM\necho ready > " + ShellQuote(Probe("ready")) +
                                      "\nwhile true; do sleep 0.1; done");
  options.stop_signal = 15;
  options.stop_wait = seconds(1);
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(std::move(options), record);
  ASSERT_NE(process, nullptr);

  LoopDriver driver(loop());
  driver.WaitUntil("the script to start", [&] { return !ReadLines(Probe("ready")).empty(); })
      .Do([&] {
        process->RequestStop("first");
        process->RequestStop("second");  // ignored
      })
      .WaitUntil("the exit", [&] { return record->outcome.has_value(); });
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_TRUE(record->outcome->stop_requested);
  EXPECT_TRUE(record->outcome->killed_on_timeout);
  EXPECT_TRUE(record->outcome->exit.signaled);
  EXPECT_EQ(record->outcome->exit.signal, 9);
  EXPECT_EQ(CountLinesContaining(LogPath(), "Stopping: "), 1u);
  EXPECT_EQ(CountLinesContaining(LogPath(), "SYS WARN] Process did not exit within 1 s"), 1u);
  EXPECT_TRUE(NoProcessLeft());
}

TEST_F(JobProcessTest, KillNowSkipsWait) {
  JobProcessOptions options = Options("trap '' TERM\nsleep 1000 &\nwait");
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(std::move(options), record);
  ASSERT_NE(process, nullptr);

  LoopDriver driver(loop());
  driver.Do([&] { process->KillNow("test kill"); }).WaitUntil("the exit", [&] {
    return record->outcome.has_value();
  });
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_TRUE(record->outcome->stop_requested);
  EXPECT_FALSE(record->outcome->killed_on_timeout);
  EXPECT_EQ(record->outcome->exit.signal, 9);
  EXPECT_EQ(CountLinesContaining(LogPath(), "SYS INFO] Stopping: test kill"), 1u);
  EXPECT_TRUE(NoProcessLeft());
}

TEST_F(JobProcessTest, IdleKillSetsFlag) {
  JobProcessOptions options = Options("exec sleep 1000");
  options.idle_timeout = seconds(1);
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(std::move(options), record);
  ASSERT_NE(process, nullptr);

  LoopDriver driver(loop());
  driver.WaitUntil("the exit", [&] { return record->outcome.has_value(); });
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_TRUE(record->outcome->killed_idle);
  EXPECT_EQ(record->outcome->exit.signal, 9);
  EXPECT_EQ(CountLinesContaining(LogPath(), "SYS ERR ] Run aborted: no output and no CPU time"),
            1u);
}

TEST_F(JobProcessTest, OwnerMayDestroyProcessInExitCallback) {
  auto record = std::make_shared<ExitRecord>();
  auto owner = std::make_shared<std::unique_ptr<JobProcess>>();
  Result<std::unique_ptr<JobProcess>> started = JobProcess::Start(
      loop(), spawner_, *log_, Options("echo bye"), [owner, record](const ProcessOutcome& outcome) {
        owner->reset();
        record->outcome = outcome;
      });
  ASSERT_TRUE(started.ok()) << started.error().message;
  *owner = std::move(started).value();

  LoopDriver driver(loop());
  driver.WaitUntil("the exit", [&] { return record->outcome.has_value(); }).Idle(milliseconds(50));
  ASSERT_TRUE(driver.Run(seconds(20)));

  EXPECT_EQ(*owner, nullptr);
  EXPECT_EQ(CountLinesContaining(LogPath(), "INFO] bye"), 1u);
}

TEST_F(JobProcessTest, DestroyingRunningProcessKillsIt) {
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(Options("sleep 1000 &\nexec sleep 1000"), record);
  ASSERT_NE(process, nullptr);
  ASSERT_FALSE(NoProcessLeft());

  process.reset();

  EXPECT_TRUE(NoProcessLeft());
}

TEST_F(JobProcessTest, DestroyedProcessIsNoLongerTracked) {
  // The host's orphan reaper skips tracked pids. A JobProcess destroyed
  // before its exit was reaped leaves a zombie that only the reaper can
  // collect, so the pid must not stay tracked.
  auto record = std::make_shared<ExitRecord>();
  std::unique_ptr<JobProcess> process = Start(Options("exec sleep 1000"), record);
  ASSERT_NE(process, nullptr);
  pid_t pid = process->pid();

  process.reset();

  EXPECT_FALSE(JobProcess::IsTracked(pid));
}

TEST_F(JobProcessTest, SpawnFailureIsReturned) {
  JobProcessOptions options = Options("exit 0");
  options.spawn.argv = {root_ / "missing-program"};

  Result<std::unique_ptr<JobProcess>> process =
      JobProcess::Start(loop(), spawner_, *log_, std::move(options), [](const ProcessOutcome&) {});

  ASSERT_FALSE(process.ok());
  EXPECT_EQ(process.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace webjobs
