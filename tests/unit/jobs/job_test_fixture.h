// The fixture of the jobs layer's tests: a real EventLoop, a real
// PosixProcessSpawner running tiny bash scripts, an in-memory store, a
// controllable clock and a fresh data root per test.
//
// Every job gets a marker with an instance id unique to the test. TearDown
// kills every process carrying one of those markers, checks that none
// survived, and reaps every child of the test process. So no test leaves a
// process behind, even when it fails.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/event_loop.h"
#include "core/loop_driver.h"
#include "core/worker_pool.h"
#include "jobs/continuous_job.h"
#include "jobs/fake_store.h"
#include "jobs/job_context.h"
#include "jobs/job_definition.h"
#include "jobs/job_manager.h"
#include "jobs/job_paths.h"
#include "jobs/jobs_config.h"
#include "jobs/triggered_job.h"
#include "package/script_runners.h"
#include "process/launcher_image.h"
#include "process/process_spawner.h"

namespace webjobs::testing {

// A clock that either stays at a set instant (the default, at
// 2024-01-02T15:30:45.0123Z) or follows the system clock with an offset.
// Thread-safe.
class TestClock final : public Clock {
 public:
  TestClock();
  TimePoint Now() const override;
  // Stops the clock at `now`.
  void Set(TimePoint now);
  // Moves a stopped clock forward by `step`.
  void Advance(std::chrono::milliseconds step);
  // Makes the clock read the system clock plus `offset` (negative: early).
  void FollowSystem(std::chrono::milliseconds offset);

 private:
  mutable std::mutex mutex_;
  std::optional<TimePoint> fixed_;       // guarded by mutex_
  std::chrono::milliseconds offset_{0};  // guarded by mutex_
};

// Parses UTC text such as "2024-01-02T15:30:45.0123Z" (fraction optional)
// with microsecond precision. Raises a fatal test failure on bad text.
TimePoint Utc(const std::string& text);

// Returns the file's bytes, or "" when it cannot be read.
std::string ReadText(const std::filesystem::path& path);
// Returns the file's lines without their LF.
std::vector<std::string> ReadLines(const std::filesystem::path& path);
// Counts the lines of the file that contain `needle`.
size_t CountLinesContaining(const std::filesystem::path& path, std::string_view needle);
// True when the process exists and is not a zombie.
bool ProcessAlive(pid_t pid);
// Pids of the live and zombie children of this process, all threads.
std::vector<pid_t> ChildrenOfThisProcess();
// Returns `path` in single quotes for a shell script.
std::string ShellQuote(const std::filesystem::path& path);

// Collects the reply of TriggeredJob::StartRun.
class RunReplyCatcher {
 public:
  TriggeredJob::RunReply Callback() {
    return [this](Result<std::string> reply) { reply_.emplace(std::move(reply)); };
  }
  bool received() const { return reply_.has_value(); }
  const Result<std::string>& reply() const { return *reply_; }
  // The run id, or "" when there is no successful reply (yet).
  std::string run_id() const { return reply_ && reply_->ok() ? reply_->value() : ""; }

 private:
  std::optional<Result<std::string>> reply_;
};

class JobsTest : public ::testing::Test {
 protected:
  JobsTest();
  ~JobsTest() override;
  void SetUp() override;
  void TearDown() override;

  EventLoop& loop() { return *loop_; }
  JobContext& context() { return *context_; }

  // Writes `script` as run.sh (and `settings_json` as settings.job when
  // not empty) into the job's folder and loads the definition strictly.
  // Raises a fatal failure when the folder does not load; wrap calls in
  // ASSERT_NO_FATAL_FAILURE.
  JobDefinition DefineJob(JobType type, const std::string& name, const std::string& script,
                          const std::string& settings_json = "");
  // Loads the job's folder again after the test changed its files.
  JobDefinition LoadAgain(const JobDefinition& definition);

  // Job objects live in the fixture, so TearDown can finish their queued
  // work before they are destroyed.
  ContinuousJob& AddContinuous(JobDefinition definition, bool wanted_running = true);
  TriggeredJob& AddTriggered(JobDefinition definition, std::optional<TimePoint> last_slot = {},
                             std::optional<RunRecord> latest_run = {});
  // Creates the job manager; the test calls Start() on it.
  JobManager& MakeManager();

  // Returns the marker of a job the test starts by other means, and
  // makes TearDown kill that job's processes too.
  std::string TrackJob(JobType type, const std::string& name);
  // A path under the data root for files the scripts write.
  std::filesystem::path Probe(const std::string& name) const;
  std::string Marker(JobType type, const std::string& name) const;
  // Waits until every task queued on the store worker so far has run.
  void FlushStoreWorker();
  // Adds steps to `driver` that wait until every task queued on the store
  // worker so far has run, and so have the closures those tasks posted to
  // the loop (such as the reply to a slot's store write).
  void AddStoreBarrier(LoopDriver& driver);
  std::optional<RunRecord> StoredRun(const std::string& name, const std::string& run_id);
  // True when the store has the run with a final status.
  bool RunFinished(const std::string& name, const std::string& run_id);

  std::filesystem::path root_;
  TestClock clock_;
  JobsConfig config_;
  JobPaths paths_{std::filesystem::path()};
  ScriptRunners runners_;
  FakeStore store_;
  PosixProcessSpawner spawner_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<WorkerPool> store_worker_;
  std::unique_ptr<JobContext> context_;

 private:
  void KillJobProcessesAndReap();

  const date::time_zone* utc_ = nullptr;
  std::set<std::pair<JobType, std::string>> job_names_;
  std::vector<std::unique_ptr<ContinuousJob>> continuous_;
  std::vector<std::unique_ptr<TriggeredJob>> triggered_;
  std::unique_ptr<JobManager> manager_;
};

}  // namespace webjobs::testing
