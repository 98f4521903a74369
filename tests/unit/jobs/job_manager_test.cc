#include "jobs/job_manager.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "jobs/job_test_fixture.h"
#include "process/child_process.h"
#include "process/process_tree.h"

namespace webjobs {
namespace {

using std::chrono::seconds;
using testing::JobsTest;
using testing::LoopDriver;
using testing::ProcessAlive;
using testing::ReadLines;
using testing::ShellQuote;
using testing::Utc;

constexpr char kTrigger[] = "External - unit test";

class JobManagerTest : public JobsTest {
 protected:
  std::string WaitForShutdownFile(const std::filesystem::path& probe) {
    return "echo ready > " + ShellQuote(probe) +
           "\nwhile [ ! -f \"$WEBJOBS_SHUTDOWN_FILE\" ]; do sleep 0.1; done\nexit 0\n";
  }
  std::string StatusOf(JobManager& manager, JobType type, const std::string& name) {
    Result<JobView> view = manager.Get(type, name);
    return view.ok() ? view->status : "(" + view.error().message + ")";
  }
};

TEST_F(JobManagerTest, StartAbortsRunsLeftActive) {
  // The host died while a run was recorded as Running.
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "crashed", "exit 0\n"));
  RunRecord stale;
  stale.job_name = "crashed";
  stale.run_id = "201805110400000000";
  stale.status = run_status::kRunning;
  stale.trigger = kTrigger;
  stale.start_time = Utc("2018-05-11T04:00:00Z");
  stale.pid = 4242;
  ASSERT_TRUE(store_.PutRun(stale).ok());
  RunRecord initializing = stale;
  initializing.run_id = "201805110400000001";
  initializing.status = run_status::kInitializing;
  ASSERT_TRUE(store_.PutRun(initializing).ok());
  JobManager& manager = MakeManager();
  std::optional<Result<std::string>> reply;
  bool shut_down = false;

  ASSERT_TRUE(manager.Start().ok());

  for (const char* run_id : {"201805110400000000", "201805110400000001"}) {
    std::optional<RunRecord> recovered = StoredRun("crashed", run_id);
    ASSERT_TRUE(recovered.has_value());
    EXPECT_EQ(recovered->status, run_status::kAborted) << run_id;
    EXPECT_FALSE(recovered->pid.has_value()) << run_id;
    EXPECT_FALSE(recovered->end_time.has_value()) << run_id;
    EXPECT_NE(recovered->error, "") << run_id;
  }

  // The stale record does not block a new run.
  LoopDriver driver(loop());
  driver
      .Do([&] {
        manager.Run("crashed", "", kTrigger,
                    [&](Result<std::string> result) { reply.emplace(std::move(result)); });
      })
      .WaitUntil("the run's reply", [&] { return reply.has_value(); })
      .Do([&] { ASSERT_TRUE(reply->ok()) << reply->error().message; })
      .WaitUntil("the run's end", [&] { return RunFinished("crashed", reply->value()); })
      .Do([&] { manager.Shutdown([&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(StoredRun("crashed", reply->value())->status, run_status::kSuccess);
}

TEST_F(JobManagerTest, StartKillsEarlierHostLeftover) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "orphaned", "exit 0\n"));
  // A process of the job that a killed host left running.
  SpawnOptions leftover{{"/bin/sleep", "1000"},
                        {"PATH=/usr/bin:/bin", Marker(JobType::kTriggered, "orphaned")},
                        root_};
  Result<ChildProcess> child = spawner_.Spawn(leftover);
  ASSERT_TRUE(child.ok()) << child.error().message;
  ASSERT_TRUE(ProcessAlive(child->pid()));
  JobManager& manager = MakeManager();

  ASSERT_TRUE(manager.Start().ok());

  EXPECT_FALSE(ProcessAlive(child->pid()));
  EXPECT_TRUE(ReapChild(child->pidfd(), child->pid()).ok());
}

TEST_F(JobManagerTest, StartsAndStopsContinuousJobs) {
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kContinuous, "worker", WaitForShutdownFile(ready)));
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "parked", "sleep 1000\n"));
  ASSERT_TRUE(store_.SetJobState("parked", "stopped", "1").ok());
  JobManager& manager = MakeManager();
  bool shut_down = false;

  ASSERT_TRUE(manager.Start().ok());

  EXPECT_EQ(StatusOf(manager, JobType::kContinuous, "worker"), "Running");
  EXPECT_EQ(StatusOf(manager, JobType::kContinuous, "parked"), "Stopped");
  LoopDriver driver(loop());
  driver.WaitUntil("the worker to start", [&] { return !ReadLines(ready).empty(); })
      .Do([&] { manager.Shutdown([&] { shut_down = true; }); })
      .WaitUntil("the shutdown", [&] { return shut_down; });
  ASSERT_TRUE(driver.Run(seconds(30)));

  EXPECT_EQ(StatusOf(manager, JobType::kContinuous, "worker"), "Stopped");
  EXPECT_TRUE(FindMarkedProcesses(Marker(JobType::kContinuous, "worker")).empty());
}

TEST_F(JobManagerTest, UnknownJobIsNotFound) {
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());
  std::optional<Result<std::string>> reply;

  manager.Run("missing", "", kTrigger,
              [&](Result<std::string> result) { reply.emplace(std::move(result)); });

  ASSERT_TRUE(reply.has_value());
  ASSERT_FALSE(reply->ok());
  EXPECT_EQ(reply->error().code, ErrorCode::kNotFound);
  Status cancelled = manager.Cancel("missing");
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kNotFound);
  Status stopped = manager.SetWantedRunning("missing", false);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().code, ErrorCode::kNotFound);
}

TEST_F(JobManagerTest, LoadsFolderCopiedIn) {
  std::filesystem::path source = root_ / "outside" / "late";
  std::filesystem::create_directories(source);
  std::ofstream(source / "run.sh") << "exit 0\n";
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());

  LoopDriver driver(loop());
  driver
      .Do([&] {
        std::filesystem::copy(source, paths_.JobDir(JobType::kTriggered, "late"),
                              std::filesystem::copy_options::recursive);
      })
      .WaitUntil("the copied job loaded",
                 [&] { return manager.Get(JobType::kTriggered, "late").ok(); });
  ASSERT_TRUE(driver.Run(seconds(15)));

  Result<JobView> view = manager.Get(JobType::kTriggered, "late");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->run_command, "run.sh");
  std::shared_ptr<const JobManager::ListedJobs> listed = manager.Listed();
  ASSERT_EQ(listed->count("late"), 1u);
  EXPECT_EQ(listed->at("late"), JobType::kTriggered);
}

TEST_F(JobManagerTest, ListedHoldsTheJobsOfList) {
  ASSERT_NO_FATAL_FAILURE(DefineJob(JobType::kTriggered, "nightly", "exit 0\n"));
  ASSERT_NO_FATAL_FAILURE(DefineJob(JobType::kContinuous, "worker", "sleep 60\n"));
  ASSERT_TRUE(store_.SetJobState("worker", "stopped", "1").ok());
  JobManager& manager = MakeManager();
  EXPECT_TRUE(manager.Listed()->empty());
  ASSERT_TRUE(manager.Start().ok());
  JobManager::ListedJobs expected{{"nightly", JobType::kTriggered},
                                  {"worker", JobType::kContinuous}};
  EXPECT_EQ(*manager.Listed(), expected);
}

TEST_F(JobManagerTest, ViewShowsSdkMarker) {
  std::filesystem::path job_dir = paths_.JobDir(JobType::kTriggered, "sdk");
  std::filesystem::create_directories(job_dir);
  std::ofstream(job_dir / "run.sh") << "exit 0\n";
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());
  Result<JobView> before = manager.Get(JobType::kTriggered, "sdk");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->using_sdk);

  // The manager checks the marker at most once a second, so the view
  // changes some time after the file appears.
  std::filesystem::path data_dir = paths_.DataDir(JobType::kTriggered, "sdk");
  LoopDriver driver(loop());
  driver
      .Do([&] {
        std::filesystem::create_directories(data_dir);
        std::ofstream(data_dir / "WebJobsSdk.marker") << "";
      })
      .WaitUntil("the view shows the SDK marker", [&] {
        Result<JobView> view = manager.Get(JobType::kTriggered, "sdk");
        return view.ok() && view->using_sdk;
      });
  ASSERT_TRUE(driver.Run(seconds(15)));
}

TEST_F(JobManagerTest, PutSettingsValidatesAndApplies) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "tuned", "exit 0\n"));
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());

  Status rejected = manager.PutSettings(JobType::kTriggered, "tuned",
                                        nlohmann::json{{"schedule", "0 0 4 * *  * *"}});
  Status wrong_type =
      manager.PutSettings(JobType::kTriggered, "tuned", nlohmann::json{{"history_size", "ten"}});
  Status applied = manager.PutSettings(JobType::kTriggered, "tuned",
                                       nlohmann::json{{"schedule", "0 0 4 * * *"}});

  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(wrong_type.error().message.find("history_size"), std::string::npos);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  Result<nlohmann::json> settings = manager.Settings(JobType::kTriggered, "tuned");
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ((*settings)["schedule"], "0 0 4 * * *");
  Result<JobView> view = manager.Get(JobType::kTriggered, "tuned");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->schedule, std::optional<std::string>("0 0 4 * * *"));
  EXPECT_TRUE(view->next_scheduled_run.has_value());
}

TEST_F(JobManagerTest, PatchSettingsMergesAndRemoves) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition =
                              DefineJob(JobType::kTriggered, "patched", "exit 0\n",
                                        R"({"schedule": "0 0 4 * * *", "history_size": 7})"));
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());

  Status merged =
      manager.PatchSettings(JobType::kTriggered, "patched", nlohmann::json{{"overlap", "allow"}});
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  Result<nlohmann::json> settings = manager.Settings(JobType::kTriggered, "patched");
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(
      *settings,
      (nlohmann::json{{"schedule", "0 0 4 * * *"}, {"history_size", 7}, {"overlap", "allow"}}));

  Status removed =
      manager.PatchSettings(JobType::kTriggered, "patched", nlohmann::json{{"schedule", nullptr}});
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  settings = manager.Settings(JobType::kTriggered, "patched");
  ASSERT_TRUE(settings.ok());
  EXPECT_FALSE(settings->contains("schedule"));
  Result<JobView> view = manager.Get(JobType::kTriggered, "patched");
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->schedule.has_value());
}

TEST_F(JobManagerTest, InvalidPatchChangesNothing) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "kept", "exit 0\n",
                                                 R"({"schedule": "0 0 4 * * *"})"));
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());
  std::filesystem::path file = definition.entry.script_dir / "settings.job";
  std::string before = testing::ReadText(file);

  Status rejected =
      manager.PatchSettings(JobType::kTriggered, "kept", nlohmann::json{{"history_size", "ten"}});
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(rejected.error().message.find("history_size"), std::string::npos);
  EXPECT_EQ(testing::ReadText(file), before);
  Status missing = manager.PatchSettings(JobType::kTriggered, "nope", nlohmann::json::object());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(JobManagerTest, DeleteStopsAndRemovesJob) {
  std::filesystem::path ready = Probe("ready");
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(
      definition = DefineJob(JobType::kContinuous, "doomed", WaitForShutdownFile(ready)));
  ASSERT_TRUE(store_.SetJobState("doomed", "stopped", "0").ok());
  JobManager& manager = MakeManager();
  ASSERT_TRUE(manager.Start().ok());
  std::optional<Status> deleted;

  LoopDriver driver(loop());
  driver.WaitUntil("the job to start", [&] { return !ReadLines(ready).empty(); })
      .Do([&] {
        manager.Delete(JobType::kContinuous, "doomed",
                       [&](Status status) { deleted.emplace(std::move(status)); });
      })
      .WaitUntil("the delete reply", [&] { return deleted.has_value(); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(deleted->ok()) << deleted->error().message;
  EXPECT_FALSE(manager.Get(JobType::kContinuous, "doomed").ok());
  EXPECT_EQ(manager.Listed()->count("doomed"), 0u);
  EXPECT_FALSE(std::filesystem::exists(paths_.JobDir(JobType::kContinuous, "doomed")));
  EXPECT_FALSE(std::filesystem::exists(paths_.DataDir(JobType::kContinuous, "doomed")));
  EXPECT_FALSE(store_.GetJobState("doomed", "stopped").value().has_value());
  EXPECT_TRUE(FindMarkedProcesses(Marker(JobType::kContinuous, "doomed")).empty());
}

}  // namespace
}  // namespace webjobs
