#include "http/api_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct RouteCase {
  const char* method;
  const char* target;
  RouteKind kind;
  std::optional<JobType> type;
  const char* job_name;
};

TEST(MatchRouteTest, MatchesCanonicalRoutes) {
  const RouteCase cases[] = {
      {"GET", "/api/health", RouteKind::kHealth, std::nullopt, ""},
      {"GET", "/api/webjobs", RouteKind::kListJobs, std::nullopt, ""},
      {"GET", "/api/triggeredwebjobs", RouteKind::kListJobs, JobType::kTriggered, ""},
      {"GET", "/api/continuouswebjobs", RouteKind::kListJobs, JobType::kContinuous, ""},
      {"GET", "/api/triggeredwebjobs/J", RouteKind::kGetJob, JobType::kTriggered, "J"},
      {"HEAD", "/api/triggeredwebjobs/J", RouteKind::kGetJob, JobType::kTriggered, "J"},
      {"PUT", "/api/continuouswebjobs/C", RouteKind::kPutJob, JobType::kContinuous, "C"},
      {"DELETE", "/api/triggeredwebjobs/J", RouteKind::kDeleteJob, JobType::kTriggered, "J"},
      {"POST", "/api/triggeredwebjobs/J/run", RouteKind::kRunJob, JobType::kTriggered, "J"},
      {"POST", "/api/triggeredwebjobs/J/run?arguments=a", RouteKind::kRunJob, JobType::kTriggered,
       "J"},
      {"POST", "/api/triggeredwebjobs/J/cancel", RouteKind::kCancelRun, JobType::kTriggered, "J"},
      {"GET", "/api/triggeredwebjobs/J/history", RouteKind::kListRuns, JobType::kTriggered, "J"},
      {"GET", "/api/continuouswebjobs/C/settings", RouteKind::kGetSettings, JobType::kContinuous,
       "C"},
      {"PUT", "/api/triggeredwebjobs/J/settings", RouteKind::kPutSettings, JobType::kTriggered,
       "J"},
      {"PATCH", "/api/continuouswebjobs/C/settings", RouteKind::kPatchSettings,
       JobType::kContinuous, "C"},
      {"POST", "/api/continuouswebjobs/C/start", RouteKind::kStartJob, JobType::kContinuous, "C"},
      {"POST", "/api/continuouswebjobs/C/stop", RouteKind::kStopJob, JobType::kContinuous, "C"},
  };
  for (const RouteCase& expected : cases) {
    Result<Route> route = MatchRoute(expected.method, expected.target);
    ASSERT_TRUE(route.ok()) << expected.method << " " << expected.target << ": "
                            << route.error().message;
    EXPECT_EQ(route->kind, expected.kind) << expected.target;
    EXPECT_EQ(route->type, expected.type) << expected.target;
    EXPECT_EQ(route->job_name, expected.job_name) << expected.target;
  }
}

TEST(MatchRouteTest, MatchesDeprecatedAliases) {
  const RouteCase cases[] = {
      {"GET", "/api/jobs", RouteKind::kListJobs, std::nullopt, ""},
      {"GET", "/api/jobs/", RouteKind::kListJobs, std::nullopt, ""},
      {"GET", "/jobs", RouteKind::kListJobs, std::nullopt, ""},
      {"GET", "/jobs/", RouteKind::kListJobs, std::nullopt, ""},
      {"GET", "/api/triggeredjobs", RouteKind::kListJobs, JobType::kTriggered, ""},
      {"POST", "/api/triggeredjobs/J/run", RouteKind::kRunJob, JobType::kTriggered, "J"},
      {"POST", "/jobs/triggered/J/run", RouteKind::kRunJob, JobType::kTriggered, "J"},
      {"GET", "/api/jobs/continuous/C", RouteKind::kGetJob, JobType::kContinuous, "C"},
      {"POST", "/api/continuousjobs/C/stop", RouteKind::kStopJob, JobType::kContinuous, "C"},
      {"GET", "/jobs/continuous", RouteKind::kListJobs, JobType::kContinuous, ""},
  };
  for (const RouteCase& expected : cases) {
    Result<Route> route = MatchRoute(expected.method, expected.target);
    ASSERT_TRUE(route.ok()) << expected.target << ": " << route.error().message;
    EXPECT_EQ(route->kind, expected.kind) << expected.target;
    EXPECT_EQ(route->type, expected.type) << expected.target;
    EXPECT_EQ(route->job_name, expected.job_name) << expected.target;
  }
}

TEST(MatchRouteTest, IgnoresCaseOfLiteralsAndTrailingSlash) {
  Result<Route> route = MatchRoute("POST", "/API/TriggeredWebJobs/Nightly/Run/");
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_EQ(route->kind, RouteKind::kRunJob);
  EXPECT_EQ(route->job_name, "Nightly");
}

TEST(MatchRouteTest, MatchesRunWithValidId) {
  Result<Route> route = MatchRoute("GET", "/api/triggeredwebjobs/J/history/202401021530450123");
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_EQ(route->kind, RouteKind::kGetRun);
  EXPECT_EQ(route->run_id, "202401021530450123");
}

TEST(MatchRouteTest, DeleteOfRunIsCancel) {
  Result<Route> route = MatchRoute("DELETE", "/api/triggeredwebjobs/J/history/202401021530450123");
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_EQ(route->kind, RouteKind::kCancelOneRun);
  EXPECT_EQ(route->job_name, "J");
  EXPECT_EQ(route->run_id, "202401021530450123");

  Result<Route> post = MatchRoute("POST", "/api/triggeredwebjobs/J/history/202401021530450123");
  ASSERT_FALSE(post.ok());
  EXPECT_EQ(post.error().code, ErrorCode::kNotFound);
  EXPECT_NE(post.error().message.find("it accepts GET, DELETE"), std::string::npos)
      << post.error().message;
}

TEST(MatchRouteTest, RejectsWrongMethodWithNotFound) {
  // Kudu returns 404 for GET .../run because there is no such route.
  Result<Route> route = MatchRoute("GET", "/api/triggeredwebjobs/J/run");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(route.error().message, HasSubstr("POST"));
}

TEST(MatchRouteTest, RejectsActionOfOtherType) {
  for (const char* target : {"/api/continuouswebjobs/C/run", "/api/triggeredwebjobs/J/start",
                             "/api/continuouswebjobs/C/history", "/api/triggeredwebjobs/J/x",
                             "/api/webjobs/J", "/api/jobs/other/J", "/", "/api", "/nope"}) {
    Result<Route> route = MatchRoute("POST", target);
    ASSERT_FALSE(route.ok()) << target;
    EXPECT_EQ(route.error().code, ErrorCode::kNotFound) << target;
  }
}

TEST(MatchRouteTest, RejectsUnsafeJobNamesWithInvalidArgument) {
  std::string long_name(256, 'a');
  const std::string targets[] = {
      "/api/triggeredwebjobs/..",           "/api/triggeredwebjobs/.",
      "/api/triggeredwebjobs/a%2Fb",        "/api/triggeredwebjobs/a%5Cb",
      "/api/triggeredwebjobs/a\\b",         "/api/triggeredwebjobs/..%2F..%2Fx",
      "/api/triggeredwebjobs/%2e%2e/run",   "/api/triggeredwebjobs/../../x",
      "/api/triggeredwebjobs//run",         "/api/triggeredwebjobs/" + long_name,
      "/api/continuouswebjobs/a%00b/start", "/jobs/triggered/..%2Fx/run",
  };
  for (const std::string& target : targets) {
    Result<Route> route = MatchRoute("POST", target);
    ASSERT_FALSE(route.ok()) << target;
    EXPECT_EQ(route.error().code, ErrorCode::kInvalidArgument) << target;
    EXPECT_THAT(route.error().message, HasSubstr("invalid job name")) << target;
  }
}

TEST(MatchRouteTest, AcceptsNameOfMaximumLength) {
  std::string name(255, 'a');
  Result<Route> route = MatchRoute("GET", "/api/triggeredwebjobs/" + name);
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_EQ(route->job_name, name);
}

TEST(MatchRouteTest, RejectsTraversalInRunId) {
  Result<Route> route =
      MatchRoute("GET", "/api/triggeredwebjobs/J/history/..%2F..%2FOther%2F202401021530450123");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(route.error().message, HasSubstr("run id"));
}

TEST(MatchRouteTest, ReportsMalformedRunIdAsNotFound) {
  // 17 digits: safe to look at, but no run can have it.
  Result<Route> route = MatchRoute("GET", "/api/triggeredwebjobs/J/history/20000101000000000");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code, ErrorCode::kNotFound);
}

TEST(MatchRouteTest, MatchesDataFileBothPrefixes) {
  for (const char* target : {"/vfs/data/jobs/triggered/J/202401021530450123/output_log.txt",
                             "/api/vfs/data/jobs/triggered/J/202401021530450123/output_log.txt"}) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_TRUE(route.ok()) << target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kDataFile);
    EXPECT_EQ(route->type, JobType::kTriggered);
    EXPECT_EQ(route->job_name, "J");
    EXPECT_THAT(route->file_segments, ElementsAre("202401021530450123", "output_log.txt"));
  }
}

TEST(MatchRouteTest, RejectsDataFileTraversal) {
  for (const char* target :
       {"/vfs/data/jobs/continuous/C/../../../etc/passwd", "/vfs/data/jobs/continuous/C/%2e%2e/x",
        "/vfs/data/jobs/continuous/C/a%2F..%2F..%2Fx", "/vfs/data/jobs/continuous/C/a%5C..",
        "/vfs/data/jobs/continuous/C/./x", "/vfs/data/jobs/continuous/C//x",
        "/vfs/data/jobs/continuous/../x"}) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_FALSE(route.ok()) << target;
    EXPECT_EQ(route.error().code, ErrorCode::kInvalidArgument) << target;
  }
}

TEST(MatchRouteTest, DataFilesAreReadOnly) {
  Result<Route> route = MatchRoute("PUT", "/vfs/data/jobs/continuous/C/job_log.txt");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(route.error().message, HasSubstr("read-only"));
}

TEST(MatchRouteTest, RejectsOtherDataFolders) {
  for (const char* target : {"/vfs/data/jobs", "/vfs/data/jobs/triggered", "/vfs/site/wwwroot/x",
                             "/vfs/data/jobs/other/J/x"}) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_FALSE(route.ok()) << target;
    EXPECT_EQ(route.error().code, ErrorCode::kNotFound) << target;
  }
}

TEST(MatchRouteTest, MatchesEventStreamRoutes) {
  const char* const run_targets[] = {
      "/api/triggeredwebjobs/J/history/202401021530450123/stream",
      "/api/triggeredwebjobs/J/history/202401021530450123/stream/",
      "/api/TriggeredWebJobs/J/History/202401021530450123/Stream",
      "/api/triggeredjobs/J/history/202401021530450123/stream",
      "/jobs/triggered/J/history/202401021530450123/stream",
      "/api/jobs/triggered/J/history/202401021530450123/stream?from=12",
  };
  for (const char* target : run_targets) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_TRUE(route.ok()) << target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kFollowRunOutput) << target;
    EXPECT_EQ(route->type, JobType::kTriggered) << target;
    EXPECT_EQ(route->job_name, "J") << target;
    EXPECT_EQ(route->run_id, "202401021530450123") << target;
  }

  const char* const log_targets[] = {
      "/api/continuouswebjobs/C/log/stream",
      "/api/continuousjobs/C/log/stream",
      "/jobs/continuous/C/log/stream",
      "/api/jobs/continuous/C/LOG/STREAM/",
  };
  for (const char* target : log_targets) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_TRUE(route.ok()) << target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kFollowJobLog) << target;
    EXPECT_EQ(route->type, JobType::kContinuous) << target;
    EXPECT_EQ(route->job_name, "C") << target;
  }
}

TEST(MatchRouteTest, RejectsEventStreamMismatches) {
  Result<Route> post = MatchRoute("POST", "/api/triggeredwebjobs/J/history/202401021530450123/stream");
  ASSERT_FALSE(post.ok());
  EXPECT_EQ(post.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(post.error().message, HasSubstr("it accepts GET"));

  Result<Route> wrong_type = MatchRoute("GET", "/api/continuouswebjobs/C/history/202401021530450123/stream");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kNotFound);

  Result<Route> triggered_log = MatchRoute("GET", "/api/triggeredwebjobs/J/log/stream");
  ASSERT_FALSE(triggered_log.ok());
  EXPECT_EQ(triggered_log.error().code, ErrorCode::kNotFound);

  Result<Route> short_id = MatchRoute("GET", "/api/triggeredwebjobs/J/history/123/stream");
  ASSERT_FALSE(short_id.ok());
  EXPECT_EQ(short_id.error().code, ErrorCode::kNotFound);

  Result<Route> bad_id = MatchRoute("GET", "/api/triggeredwebjobs/J/history/..%2Fx/stream");
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, ErrorCode::kInvalidArgument);

  Result<Route> extra = MatchRoute("GET", "/api/triggeredwebjobs/J/history/202401021530450123/stream/x");
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().code, ErrorCode::kNotFound);
}

TEST(MatchRouteTest, MatchesTriggeredSwagger) {
  for (const char* target : {"/api/triggeredwebjobsswagger", "/API/TriggeredWebJobsSwagger/"}) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_TRUE(route.ok()) << target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kTriggeredSwagger);
    EXPECT_FALSE(route->type.has_value());
  }
  Result<Route> post = MatchRoute("POST", "/api/triggeredwebjobsswagger");
  ASSERT_FALSE(post.ok());
  EXPECT_EQ(post.error().code, ErrorCode::kNotFound);
  // Kudu has no alias for the swagger route.
  EXPECT_FALSE(MatchRoute("GET", "/api/triggeredjobsswagger").ok());
}

TEST(MatchRouteTest, MatchesDashboardPage) {
  for (const char* target : {"/azurejobs", "/azurejobs/", "/AzureJobs"}) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_TRUE(route.ok()) << target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kDashboard);
  }
  EXPECT_FALSE(MatchRoute("GET", "/azurejobs/other").ok());
}

TEST(MatchRouteTest, MatchesPassthroughForEveryMethod) {
  for (const char* method : {"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"}) {
    Result<Route> route = MatchRoute(method, "/api/continuouswebjobs/C/passthrough/a/b");
    ASSERT_TRUE(route.ok()) << method << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kPassthrough);
    EXPECT_EQ(route->type, JobType::kContinuous);
    EXPECT_EQ(route->job_name, "C");
    EXPECT_EQ(route->forward_target, "/a/b");
  }
  Result<Route> options = MatchRoute("OPTIONS", "/api/continuouswebjobs/C/passthrough/a");
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(options.error().message, HasSubstr("GET, HEAD, PUT, POST, DELETE, PATCH"));
}

TEST(MatchRouteTest, PassthroughKeepsRawPathAndQuery) {
  struct ForwardCase {
    const char* target;
    const char* forward_target;
  };
  const ForwardCase cases[] = {
      {"/api/continuouswebjobs/C/passthrough", "/"},
      {"/api/continuouswebjobs/C/passthrough/", "/"},
      {"/api/continuouswebjobs/C/passthrough?x=1", "/?x=1"},
      {"/api/continuouswebjobs/C/passthrough/dir/", "/dir/"},
      {"/api/continuouswebjobs/C/passthrough/a%2Fb/c%20d?q=%26&r", "/a%2Fb/c%20d?q=%26&r"},
      {"/api/continuouswebjobs/C/passthrough/x#fragment", "/x"},
      {"/api/continuouswebjobs/C/passthrough/..", "/.."},
      {"/api/continuousjobs/C/passthrough/alias", "/alias"},
      {"/jobs/continuous/C/passthrough/alias", "/alias"},
      {"/api/jobs/continuous/C/PassThrough/alias", "/alias"},
  };
  for (const ForwardCase& expected : cases) {
    Result<Route> route = MatchRoute("GET", expected.target);
    ASSERT_TRUE(route.ok()) << expected.target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kPassthrough) << expected.target;
    EXPECT_EQ(route->forward_target, expected.forward_target) << expected.target;
  }
}

TEST(MatchRouteTest, PassthroughOnlyForContinuousJobs) {
  Result<Route> route = MatchRoute("GET", "/api/triggeredwebjobs/J/passthrough/x");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code, ErrorCode::kNotFound);
}

TEST(MatchRouteTest, PassthroughValidatesJobName) {
  Result<Route> route = MatchRoute("GET", "/api/continuouswebjobs/..%2Fx/passthrough/y");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace webjobs
