#include "http/job_json.h"

#include <gtest/gtest.h>

#include "http/http_reply.h"

namespace webjobs {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kBase = "http://127.0.0.1:8420";

TimePoint StartTime() {
  std::chrono::sys_days date = std::chrono::year{2024} / 1 / 2;
  return TimePoint(date.time_since_epoch() + std::chrono::hours(15) + std::chrono::minutes(30) +
                   seconds(45));
}

RunRecord FinishedRun() {
  RunRecord run;
  run.job_name = "nightly";
  run.run_id = "202401021530450000";
  run.status = "Success";
  run.trigger = "Schedule - 0 0 2 * * *";
  run.arguments = "--full";
  run.start_time = StartTime();
  run.end_time = StartTime() + seconds(5) + milliseconds(250);
  run.exit_code = 0;
  return run;
}

TEST(RunToJsonTest, WritesKuduFields) {
  json run = RunToJson(FinishedRun(), kBase, StartTime() + seconds(100));
  EXPECT_EQ(run["id"], "202401021530450000");
  EXPECT_EQ(run["name"], "202401021530450000");
  EXPECT_EQ(run["status"], "Success");
  EXPECT_EQ(run["start_time"], "2024-01-02T15:30:45Z");
  EXPECT_EQ(run["end_time"], "2024-01-02T15:30:50.25Z");
  EXPECT_EQ(run["duration"], "00:00:05.2500000");
  EXPECT_EQ(run["output_url"],
            "http://127.0.0.1:8420/vfs/data/jobs/triggered/nightly/202401021530450000/"
            "output_log.txt");
  EXPECT_TRUE(run["error_url"].is_null());
  EXPECT_EQ(run["url"],
            "http://127.0.0.1:8420/api/triggeredwebjobs/nightly/history/202401021530450000");
  EXPECT_EQ(run["job_name"], "nightly");
  EXPECT_EQ(run["trigger"], "Schedule - 0 0 2 * * *");
}

TEST(RunToJsonTest, WritesExtensionFields) {
  json run = RunToJson(FinishedRun(), kBase, StartTime());
  EXPECT_EQ(run["exit_code"], 0);
  EXPECT_TRUE(run["error"].is_null());
  EXPECT_EQ(run["arguments"], "--full");
}

TEST(RunToJsonTest, ShowsRunningRunLikeKudu) {
  RunRecord run = FinishedRun();
  run.status = "Running";
  run.end_time.reset();
  run.exit_code.reset();
  json out = RunToJson(run, kBase, StartTime() + seconds(61) + milliseconds(500));
  EXPECT_EQ(out["end_time"], "0001-01-01T00:00:00");
  EXPECT_EQ(out["duration"], "00:01:01.5000000");
  EXPECT_TRUE(out["exit_code"].is_null());
}

TEST(RunToJsonTest, WritesFailureError) {
  RunRecord run = FinishedRun();
  run.status = "Failed";
  run.exit_code = -1;
  run.error = "killed by signal 9 (SIGKILL)";
  json out = RunToJson(run, kBase, StartTime());
  EXPECT_EQ(out["exit_code"], -1);
  EXPECT_EQ(out["error"], "killed by signal 9 (SIGKILL)");
}

TEST(JobToJsonTest, WritesTriggeredJob) {
  JobView job;
  job.name = "nightly";
  job.type = JobType::kTriggered;
  job.run_command = "inner/run.py";
  job.settings = {{"schedule", "0 0 2 * * *"}};
  job.latest_run = FinishedRun();
  job.schedule = "0 0 2 * * *";
  job.next_scheduled_run = StartTime();
  json out = JobToJson(job, kBase, StartTime());

  EXPECT_EQ(out["name"], "nightly");
  EXPECT_EQ(out["run_command"], "inner/run.py");
  EXPECT_EQ(out["url"], "http://127.0.0.1:8420/api/triggeredwebjobs/nightly");
  EXPECT_EQ(out["extra_info_url"], "http://127.0.0.1:8420/azurejobs/#/jobs/triggered/nightly");
  EXPECT_EQ(out["type"], "triggered");
  EXPECT_TRUE(out["error"].is_null());
  EXPECT_EQ(out["using_sdk"], false);
  EXPECT_EQ(out["settings"], json({{"schedule", "0 0 2 * * *"}}));
  EXPECT_EQ(out["latest_run"]["id"], "202401021530450000");
  EXPECT_EQ(out["history_url"], "http://127.0.0.1:8420/api/triggeredwebjobs/nightly/history");
  EXPECT_TRUE(out["scheduler_logs_url"].is_null());
  EXPECT_EQ(out["schedule"], "0 0 2 * * *");
  EXPECT_EQ(out["next_scheduled_run"], "2024-01-02T15:30:45Z");
  EXPECT_EQ(out["next_run"], "2024-01-02T15:30:45Z");
  EXPECT_EQ(out["warnings"], json::array());
  EXPECT_FALSE(out.contains("status"));
  EXPECT_FALSE(out.contains("log_url"));
}

TEST(JobToJsonTest, LinksSchedulerLogOnlyWhenPresent) {
  JobView job;
  job.name = "nightly";
  job.has_scheduler_log = true;
  json out = JobToJson(job, kBase, StartTime());
  EXPECT_EQ(out["scheduler_logs_url"],
            "http://127.0.0.1:8420/vfs/data/jobs/triggered/nightly/job_scheduler.log");
  EXPECT_TRUE(out["latest_run"].is_null());
  EXPECT_TRUE(out["schedule"].is_null());
  EXPECT_TRUE(out["next_scheduled_run"].is_null());
  ASSERT_TRUE(out.contains("next_run"));
  EXPECT_TRUE(out["next_run"].is_null());
}

TEST(JobToJsonTest, WritesContinuousJob) {
  JobView job;
  job.name = "worker";
  job.type = JobType::kContinuous;
  job.run_command = "run.sh";
  job.status = "Running";
  job.detailed_status = "a1b2c3 - Running\r\n";
  job.error = "settings.job: line 1, column 2: syntax error";
  job.warnings = {"run.sh has CRLF line endings"};
  json out = JobToJson(job, kBase, StartTime());

  EXPECT_EQ(out["type"], "continuous");
  EXPECT_EQ(out["status"], "Running");
  EXPECT_EQ(out["detailed_status"], "a1b2c3 - Running\r\n");
  EXPECT_EQ(out["log_url"], "http://127.0.0.1:8420/vfs/data/jobs/continuous/worker/job_log.txt");
  EXPECT_EQ(out["error"], "settings.job: line 1, column 2: syntax error");
  EXPECT_EQ(out["warnings"], json::array({"run.sh has CRLF line endings"}));
  EXPECT_FALSE(out.contains("latest_run"));
  EXPECT_FALSE(out.contains("history_url"));
}

TEST(DumpJsonTest, ReplacesInvalidUtf8) {
  JobView job;
  job.name = "bad";
  job.run_command = "run\xff.sh";
  std::string text = DumpJson(JobToJson(job, kBase, StartTime()));
  EXPECT_NE(text.find("run\xEF\xBF\xBD.sh"), std::string::npos) << text;
}

}  // namespace
}  // namespace webjobs
