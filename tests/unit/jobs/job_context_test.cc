#include "jobs/job_context.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "jobs/job_test_fixture.h"
#include "process/process_tree.h"

namespace webjobs {
namespace {

using std::chrono::seconds;
using testing::JobsTest;
using testing::LoopDriver;
using testing::ReadLines;
using testing::RunReplyCatcher;
using testing::Utc;

size_t CountWithPrefix(const std::vector<std::string>& entries, const std::string& prefix) {
  return std::count_if(entries.begin(), entries.end(),
                       [&](const std::string& entry) { return entry.rfind(prefix, 0) == 0; });
}

bool Contains(const std::vector<std::string>& entries, const std::string& entry) {
  return std::find(entries.begin(), entries.end(), entry) != entries.end();
}

TEST(FormatRunIdTest, IsUtcDigitsWithTenThousandthsOfASecond) {
  EXPECT_EQ(FormatRunId(Utc("2024-01-02T15:30:45.0123Z")), "202401021530450123");
}

TEST(FormatRunIdTest, TruncatesBelowTenThousandthsOfASecond) {
  EXPECT_EQ(FormatRunId(Utc("2024-12-31T23:59:59.99999Z")), "202412312359599999");
}

TEST(FormatRunIdTest, WholeSecondEndsInZeros) {
  EXPECT_EQ(FormatRunId(Utc("1999-03-04T05:06:07Z")), "199903040506070000");
}

TEST(FormatRunIdTest, AlwaysHasEighteenDigits) {
  for (const char* time : {"2024-01-02T15:30:45.0123Z", "2000-01-01T00:00:00Z",
                           "2099-12-31T23:59:59.9999Z", "2024-02-29T12:00:00.0001Z"}) {
    std::string run_id = FormatRunId(Utc(time));
    EXPECT_EQ(run_id.size(), 18u) << time;
    EXPECT_TRUE(
        std::all_of(run_id.begin(), run_id.end(), [](char c) { return c >= '0' && c <= '9'; }))
        << time << " gave " << run_id;
  }
}

TEST(MakeRunMarkerTest, NamesScopeJobAndRun) {
  EXPECT_EQ(MakeRunMarker("a1b2c3", "nightly", "202612041930150000"),
            "WEBJOBS_RUN_MARKER=a1b2c3:triggered:nightly:202612041930150000");
}

TEST(MakeRunMarkerTest, EscapesLikeJobMarker) {
  EXPECT_EQ(MakeRunMarker("i", "a:b", "1"), "WEBJOBS_RUN_MARKER=i:triggered:a%3Ab:1");
  EXPECT_NE(MakeRunMarker("i", "a:b", "1"), MakeRunMarker("i", "a", "b:1"));
}

TEST(FormatUtcSecondsTest, DropsFractionAndEndsInZ) {
  EXPECT_EQ(FormatUtcSeconds(Utc("2024-03-10T07:00:00Z")), "2024-03-10T07:00:00Z");
  EXPECT_EQ(FormatUtcSeconds(Utc("2024-03-10T07:00:00.9999Z")), "2024-03-10T07:00:00Z");
}

class JobContextTest : public JobsTest {};

TEST_F(JobContextTest, EnvironmentHasRunMarkerAndScheduledTime) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "slotted", "exit 0\n"));
  std::string run_marker = MakeRunMarker(config_.instance_id, "slotted", "202403100700000000");

  std::vector<std::string> environment = BuildEnvironment(
      context(), definition,
      JobEnvironment{"202403100700000000", "", root_, root_ / "stop",
                     Marker(JobType::kTriggered, "slotted"), run_marker, "2024-03-10T07:00:00Z"});

  EXPECT_TRUE(Contains(environment, Marker(JobType::kTriggered, "slotted")));
  EXPECT_TRUE(Contains(environment, run_marker));
  EXPECT_TRUE(Contains(environment, "WEBJOBS_SCHEDULED_TIME=2024-03-10T07:00:00Z"));
}

TEST_F(JobContextTest, ContinuousEnvironmentHasPort) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "served", "exit 0\n"));
  std::vector<std::string> host_environment = context().base_environment;
  context().base_environment.push_back("WEBJOBS_PORT=1");

  JobEnvironment with_port;
  with_port.working_root = root_;
  with_port.marker_entry = Marker(JobType::kContinuous, "served");
  with_port.port = 40123;
  std::vector<std::string> environment = BuildEnvironment(context(), definition, with_port);
  JobEnvironment without_port = with_port;
  without_port.port = 0;
  std::vector<std::string> unset = BuildEnvironment(context(), definition, without_port);
  context().base_environment = host_environment;

  EXPECT_TRUE(Contains(environment, "WEBJOBS_PORT=40123"));
  EXPECT_EQ(CountWithPrefix(environment, "WEBJOBS_PORT="), 1u);
  EXPECT_EQ(CountWithPrefix(unset, "WEBJOBS_PORT="), 0u);
}

TEST_F(JobContextTest, ManualRunHasNoScheduledTime) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "manual", "exit 0\n"));
  std::vector<std::string> host_environment = context().base_environment;
  context().base_environment.push_back("WEBJOBS_SCHEDULED_TIME=2000-01-01T00:00:00Z");

  std::vector<std::string> environment =
      BuildEnvironment(context(), definition,
                       JobEnvironment{"202403100700000000", "", root_, root_ / "stop",
                                      Marker(JobType::kTriggered, "manual"), "", ""});
  context().base_environment = host_environment;

  EXPECT_EQ(CountWithPrefix(environment, "WEBJOBS_SCHEDULED_TIME="), 0u);
  EXPECT_EQ(CountWithPrefix(environment, "WEBJOBS_RUN_MARKER="), 0u);
}

TEST_F(JobContextTest, EnvironmentHasJobVariablesAndMarker) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "envjob", "exit 0\n"));
  std::string marker = Marker(JobType::kTriggered, "envjob");

  std::vector<std::string> environment =
      BuildEnvironment(context(), definition,
                       JobEnvironment{"202401021530450123", "--fast \"two words\"", root_ / "work",
                                      root_ / "shutdown" / "file", marker, "", ""});

  EXPECT_TRUE(Contains(environment, "WEBJOBS_NAME=envjob"));
  EXPECT_TRUE(Contains(environment, "WEBJOBS_TYPE=triggered"));
  EXPECT_TRUE(Contains(environment, "WEBJOBS_PATH=" + (root_ / "work").string()));
  EXPECT_TRUE(Contains(
      environment, "WEBJOBS_DATA_PATH=" + paths_.DataDir(JobType::kTriggered, "envjob").string()));
  EXPECT_TRUE(Contains(environment, "WEBJOBS_RUN_ID=202401021530450123"));
  EXPECT_TRUE(Contains(environment, "WEBJOBS_COMMAND_ARGUMENTS=--fast \"two words\""));
  EXPECT_TRUE(
      Contains(environment, "WEBJOBS_SHUTDOWN_FILE=" + (root_ / "shutdown" / "file").string()));
  EXPECT_TRUE(Contains(environment, marker));
  EXPECT_TRUE(Contains(environment, "HOME=" + root_.string()));
  EXPECT_TRUE(Contains(environment, "PATH=/usr/local/bin:/usr/bin:/bin"));
}

TEST_F(JobContextTest, EnvironmentDropsStaleHostWebjobsVariables) {
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kContinuous, "fresh", "exit 0\n"));

  std::vector<std::string> environment = BuildEnvironment(
      context(), definition,
      JobEnvironment{"", "", root_, root_ / "stop", Marker(JobType::kContinuous, "fresh"), "", ""});

  EXPECT_FALSE(Contains(environment, "WEBJOBS_NAME=stale-name"));
  EXPECT_FALSE(Contains(environment, "WEBJOBS_RUN_ID=stale-run"));
  EXPECT_EQ(CountWithPrefix(environment, "WEBJOBS_NAME="), 1u);
  EXPECT_EQ(CountWithPrefix(environment, "WEBJOBS_RUN_ID="), 1u);
  EXPECT_TRUE(Contains(environment, "WEBJOBS_RUN_ID="));  // continuous jobs have no run id
  EXPECT_TRUE(Contains(environment, "WEBJOBS_TYPE=continuous"));
}

// Runs a real process and reads back what it saw.
TEST_F(JobContextTest, RunningProcessSeesJobEnvironment) {
  const std::string script = R"sh(
for name in WEBJOBS_NAME WEBJOBS_TYPE WEBJOBS_PATH WEBJOBS_DATA_PATH WEBJOBS_RUN_ID \
            WEBJOBS_COMMAND_ARGUMENTS WEBJOBS_SHUTDOWN_FILE WEBJOBS_JOB_MARKER \
            WEBJOBS_RUN_MARKER; do
  printf '%s=%s\n' "$name" "${!name}"
done
printf 'args='; printf '[%s]' "$@"; echo
echo "name_entries=$(env | grep -c '^WEBJOBS_NAME=')"
echo "scheduled_entries=$(env | grep -c '^WEBJOBS_SCHEDULED_TIME=')"
if [ -e "$WEBJOBS_SHUTDOWN_FILE" ]; then echo shutdown_file=present; else echo shutdown_file=absent; fi
)sh";
  JobDefinition definition;
  ASSERT_NO_FATAL_FAILURE(definition = DefineJob(JobType::kTriggered, "envrun", script));
  TriggeredJob& job = AddTriggered(definition);
  RunReplyCatcher started;

  LoopDriver driver(loop());
  driver.Do([&] { job.StartRun("a \"b c\"", "External - test", started.Callback()); })
      .WaitUntil("the run's reply", [&] { return started.received(); })
      .WaitUntil("the run's end", [&] { return RunFinished("envrun", started.run_id()); });
  ASSERT_TRUE(driver.Run(seconds(30)));

  ASSERT_TRUE(started.reply().ok()) << started.reply().error().message;
  std::string run_id = started.run_id();
  std::map<std::string, std::string> seen;
  const std::string info_tag = " > " + config_.instance_id + ": INFO] ";
  for (const std::string& line : ReadLines(paths_.RunOutputFile("envrun", run_id))) {
    size_t tag = line.find(info_tag);
    if (tag == std::string::npos) continue;
    std::string text = line.substr(tag + info_tag.size());
    size_t equals = text.find('=');
    if (equals != std::string::npos) seen[text.substr(0, equals)] = text.substr(equals + 1);
  }
  EXPECT_EQ(seen["WEBJOBS_NAME"], "envrun");
  EXPECT_EQ(seen["WEBJOBS_TYPE"], "triggered");
  // Scripts run from a copy of the job folder, so a redeploy cannot change
  // files under a running process.
  EXPECT_EQ(
      seen["WEBJOBS_PATH"].rfind(paths_.WorkingCopyRoot(JobType::kTriggered, "envrun").string(), 0),
      0u)
      << seen["WEBJOBS_PATH"];
  EXPECT_EQ(seen["WEBJOBS_DATA_PATH"], paths_.DataDir(JobType::kTriggered, "envrun").string());
  EXPECT_EQ(seen["WEBJOBS_RUN_ID"], run_id);
  EXPECT_EQ(seen["WEBJOBS_COMMAND_ARGUMENTS"], "a \"b c\"");
  EXPECT_EQ(seen["WEBJOBS_SHUTDOWN_FILE"].rfind(
                paths_.ShutdownDir(JobType::kTriggered, "envrun").string(), 0),
            0u)
      << seen["WEBJOBS_SHUTDOWN_FILE"];
  EXPECT_EQ("WEBJOBS_JOB_MARKER=" + seen["WEBJOBS_JOB_MARKER"],
            Marker(JobType::kTriggered, "envrun"));
  EXPECT_EQ(seen["args"], "[a][b c]");
  EXPECT_EQ("WEBJOBS_RUN_MARKER=" + seen["WEBJOBS_RUN_MARKER"],
            MakeRunMarker(config_.instance_id, "envrun", run_id));
  EXPECT_EQ(seen["name_entries"], "1");
  EXPECT_EQ(seen["scheduled_entries"], "0");
  EXPECT_EQ(seen["shutdown_file"], "absent");
}

}  // namespace
}  // namespace webjobs
