#include "cli/client_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/exit_codes.h"
#include "http/api_server_fixture.h"
#include "http/version.h"

namespace webjobs::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Runs client commands against a real ApiServer in front of the fake
// JobService.
class ClientCommandTest : public ApiServerTest {
 protected:
  int Run(CommandKind kind, ClientFlags flags) {
    CommandLine command;
    command.kind = kind;
    if (flags.url == kDefaultHostUrl) flags.url = Base();
    if (flags.user.empty() && flags.token.empty()) {
      flags.user = kTestUser;
      flags.password = kTestPassword;
    }
    command.client = std::move(flags);
    out_.str("");
    err_.str("");
    return RunClientCommand(command, out_, err_);
  }

  ClientFlags Named(const std::string& name) {
    ClientFlags flags;
    flags.name = name;
    return flags;
  }

  void AddRun(const std::string& job, const std::string& id, const std::string& status,
              std::optional<int> exit_code, const std::string& output) {
    RunRecord run;
    run.job_name = job;
    run.run_id = id;
    run.status = status;
    run.trigger = "External - webjobs";
    run.start_time = std::chrono::system_clock::now();
    run.end_time = run.start_time + std::chrono::seconds(1);
    run.exit_code = exit_code;
    {
      std::lock_guard lock(service_.mutex);
      service_.runs[job].insert(service_.runs[job].begin(), run);
      for (JobView& view : service_.jobs) {
        if (view.name == job) view.latest_run = run;
      }
    }
    WriteData("triggered/" + job + "/" + id + "/output_log.txt", output);
  }

  void WriteData(const std::string& relative, const std::string& content) {
    std::filesystem::path path = service_.data_jobs_root / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ClientCommandTest, ListPrintsTable) {
  AddJob("nightly", JobType::kTriggered);
  AddJob("worker", JobType::kContinuous);
  EXPECT_EQ(Run(CommandKind::kList, {}), kExitSuccess) << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("NAME     TYPE"));
  EXPECT_THAT(out_.str(), HasSubstr("nightly  triggered   never run"));
  EXPECT_THAT(out_.str(), HasSubstr("worker   continuous  Running"));
}

TEST_F(ClientCommandTest, ListJsonPrintsApiJson) {
  AddJob("nightly", JobType::kTriggered);
  ClientFlags flags;
  flags.json = true;
  flags.type = JobType::kTriggered;
  EXPECT_EQ(Run(CommandKind::kList, flags), kExitSuccess) << err_.str();
  nlohmann::json jobs = nlohmann::json::parse(out_.str());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["history_url"], Base() + "/api/triggeredwebjobs/nightly/history");
}

TEST_F(ClientCommandTest, DeployStreamsZipWithOptions) {
  std::string zip = std::string("PK\x03\x04", 4) + std::string(200000, 'z');
  std::filesystem::path file = temp_dir_ / "package.bin";
  std::ofstream(file, std::ios::binary) << zip;
  ClientFlags flags = Named("nightly");
  flags.file = file.string();
  flags.type = JobType::kTriggered;
  flags.schedule = "0 */5 * * * *";
  flags.singleton = true;
  service_.deploy_warnings = {"run.sh has CRLF line endings"};
  // The test server's upload limit is below the file size.
  EXPECT_EQ(Run(CommandKind::kDeploy, flags), kExitRequestFailed);
  EXPECT_THAT(err_.str(), HasSubstr("webjobs: error: "));

  zip.resize(kTestUploadLimit / 2);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << zip;
  EXPECT_EQ(Run(CommandKind::kDeploy, flags), kExitSuccess) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("deployed triggered job nightly"));
  EXPECT_THAT(err_.str(), HasSubstr("webjobs: warning: run.sh has CRLF line endings"));

  std::lock_guard lock(service_.mutex);
  ASSERT_EQ(service_.deploys.size(), 1u);
  const DeployCall& call = service_.deploys.front();
  EXPECT_TRUE(call.request.is_zip);
  EXPECT_EQ(call.request.file_name, "package.bin");
  EXPECT_EQ(call.request.schedule, "0 */5 * * * *");
  EXPECT_EQ(call.request.singleton, true);
  EXPECT_EQ(call.body, zip);
}

TEST_F(ClientCommandTest, DeployScriptAsSingleFile) {
  std::filesystem::path file = temp_dir_ / "run.sh";
  std::ofstream(file) << "#!/bin/sh\necho hi\n";
  ClientFlags flags = Named("worker");
  flags.file = file.string();
  flags.type = JobType::kContinuous;
  EXPECT_EQ(Run(CommandKind::kDeploy, flags), kExitSuccess) << err_.str();
  std::lock_guard lock(service_.mutex);
  ASSERT_EQ(service_.deploys.size(), 1u);
  EXPECT_FALSE(service_.deploys[0].request.is_zip);
  EXPECT_EQ(service_.deploys[0].request.type, JobType::kContinuous);
  EXPECT_EQ(service_.deploys[0].request.file_name, "run.sh");
  EXPECT_FALSE(service_.deploys[0].request.schedule.has_value());
}

TEST_F(ClientCommandTest, RunPrintsRunId) {
  AddJob("nightly", JobType::kTriggered);
  ClientFlags flags = Named("nightly");
  flags.arguments = "--full x&y=1";
  EXPECT_EQ(Run(CommandKind::kRun, flags), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "202401021530450123\n");
  std::lock_guard lock(service_.mutex);
  EXPECT_EQ(service_.last_arguments, "--full x&y=1");
  EXPECT_EQ(service_.last_trigger, "External - webjobs-cli/" + std::string(kWebjobsVersion));
}

TEST_F(ClientCommandTest, RunWaitPrintsOutputOnSuccess) {
  AddJob("nightly", JobType::kTriggered);
  AddRun("nightly", "202401021530450123", "Success", 0, "hello from the job\n");
  ClientFlags flags = Named("nightly");
  flags.wait = true;
  EXPECT_EQ(Run(CommandKind::kRun, flags), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "202401021530450123\nhello from the job\n");
}

TEST_F(ClientCommandTest, RunWaitFailsOnFailedRun) {
  AddJob("nightly", JobType::kTriggered);
  AddRun("nightly", "202401021530450123", "Failed", 2, "boom\n");
  ClientFlags flags = Named("nightly");
  flags.wait = true;
  EXPECT_EQ(Run(CommandKind::kRun, flags), kExitRequestFailed);
  EXPECT_THAT(out_.str(), HasSubstr("boom\n"));
  EXPECT_THAT(err_.str(), HasSubstr("ended with status Failed (exit code 2)"));
}

TEST_F(ClientCommandTest, RunOfContinuousJobIsRejected) {
  AddJob("worker", JobType::kContinuous);
  EXPECT_EQ(Run(CommandKind::kRun, Named("worker")), kExitRequestFailed);
  EXPECT_THAT(err_.str(), HasSubstr("is a continuous job"));
}

TEST_F(ClientCommandTest, UnknownJobFails) {
  EXPECT_EQ(Run(CommandKind::kStart, Named("nope")), kExitRequestFailed);
  EXPECT_THAT(err_.str(), StartsWith("webjobs: error: no job named \"nope\""));
}

TEST_F(ClientCommandTest, PrintsServerMessageOnConflict) {
  AddJob("nightly", JobType::kTriggered);
  service_.fail_runs_with = Conflict("triggered job nightly is already running");
  EXPECT_EQ(Run(CommandKind::kRun, Named("nightly")), kExitRequestFailed);
  EXPECT_EQ(err_.str(), "webjobs: error: triggered job nightly is already running\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(ClientCommandTest, CancelReportsResult) {
  AddJob("nightly", JobType::kTriggered);
  EXPECT_EQ(Run(CommandKind::kCancel, Named("nightly")), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "cancelled the active and waiting runs of nightly\n");

  service_.fail_runs_with = Conflict("triggered job nightly has no active run");
  EXPECT_EQ(Run(CommandKind::kCancel, Named("nightly")), kExitRequestFailed);
  EXPECT_THAT(err_.str(), HasSubstr("has no active run"));
}

TEST_F(ClientCommandTest, UnreachableHostExitsWith3) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);  // nothing listens on this port now
  ClientFlags flags;
  flags.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  EXPECT_EQ(Run(CommandKind::kList, flags), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr(flags.url));
  EXPECT_THAT(err_.str(), HasSubstr("webjobs serve"));
}

TEST_F(ClientCommandTest, InvalidUrlIsUsageError) {
  ClientFlags flags;
  flags.url = "127.0.0.1:8420/api";
  EXPECT_EQ(Run(CommandKind::kList, flags), kExitCliUsage);
  EXPECT_THAT(err_.str(), HasSubstr("invalid host URL"));
}

TEST_F(ClientCommandTest, HistoryPrintsTableOrNoRuns) {
  AddJob("nightly", JobType::kTriggered);
  EXPECT_EQ(Run(CommandKind::kHistory, Named("nightly")), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "triggered job nightly has not run yet\n");

  AddRun("nightly", "202401021530450123", "Success", 0, "");
  EXPECT_EQ(Run(CommandKind::kHistory, Named("nightly")), kExitSuccess) << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("ID                  STATUS"));
  EXPECT_THAT(out_.str(), HasSubstr("202401021530450123  Success"));
}

TEST_F(ClientCommandTest, LogsPrintsLatestOrNamedRun) {
  AddJob("nightly", JobType::kTriggered);
  AddRun("nightly", "202401021530450001", "Success", 0, "first\n");
  AddRun("nightly", "202401021530450002", "Success", 0, "second\n");
  EXPECT_EQ(Run(CommandKind::kLogs, Named("nightly")), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "second\n");

  ClientFlags named = Named("nightly");
  named.run_id = "202401021530450001";
  EXPECT_EQ(Run(CommandKind::kLogs, named), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "first\n");
}

TEST_F(ClientCommandTest, LogsOfNeverRunJobFails) {
  AddJob("nightly", JobType::kTriggered);
  EXPECT_EQ(Run(CommandKind::kLogs, Named("nightly")), kExitRequestFailed);
  EXPECT_THAT(err_.str(), HasSubstr("has not run yet"));
}

TEST_F(ClientCommandTest, LogsPrintsContinuousJobLog) {
  AddJob("worker", JobType::kContinuous);
  WriteData("continuous/worker/job_log.txt", "[01/02/2024 15:30:45 > abc123: INFO] up\n");
  EXPECT_EQ(Run(CommandKind::kLogs, Named("worker")), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "[01/02/2024 15:30:45 > abc123: INFO] up\n");
}

TEST_F(ClientCommandTest, StartStopAndDelete) {
  AddJob("worker", JobType::kContinuous);
  EXPECT_EQ(Run(CommandKind::kStart, Named("worker")), kExitSuccess) << err_.str();
  EXPECT_EQ(Run(CommandKind::kStop, Named("worker")), kExitSuccess) << err_.str();
  EXPECT_EQ(Run(CommandKind::kDelete, Named("worker")), kExitSuccess) << err_.str();
  EXPECT_EQ(out_.str(), "deleted continuous job worker\n");
  std::vector<std::string> calls = service_.Calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "StartJob worker"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "StopJob worker"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "DeleteJob continuous worker"), calls.end());
}

}  // namespace
}  // namespace webjobs::testing
