#include "http/route_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace webjobs {
namespace {

constexpr const char* kRunId = "202401021530450123";

// A request for each route kind, with the scope it needs. Adding a
// RouteKind without a row here fails EveryRouteKindHasASample.
struct Sample {
  RouteKind kind;
  const char* method;
  std::string target;
  Scope scope;
};

const std::vector<Sample>& Samples() {
  static const std::vector<Sample> samples = {
      {RouteKind::kHealth, "GET", "/api/health", Scope::kRead},
      {RouteKind::kListJobs, "GET", "/api/webjobs", Scope::kRead},
      {RouteKind::kListJobs, "GET", "/api/triggeredwebjobs", Scope::kRead},
      {RouteKind::kListJobs, "HEAD", "/jobs", Scope::kRead},
      {RouteKind::kGetJob, "GET", "/api/continuouswebjobs/daemon", Scope::kRead},
      {RouteKind::kPutJob, "PUT", "/api/triggeredwebjobs/nightly", Scope::kAdmin},
      {RouteKind::kPutJob, "PUT", "/jobs/continuous/daemon", Scope::kAdmin},
      {RouteKind::kDeleteJob, "DELETE", "/api/triggeredwebjobs/nightly", Scope::kAdmin},
      {RouteKind::kRunJob, "POST", "/api/triggeredwebjobs/nightly/run?arguments=x",
       Scope::kOperate},
      {RouteKind::kCancelRun, "POST", "/api/triggeredwebjobs/nightly/cancel", Scope::kOperate},
      {RouteKind::kListRuns, "GET", "/api/triggeredwebjobs/nightly/history", Scope::kRead},
      {RouteKind::kGetRun, "GET", std::string("/api/triggeredwebjobs/nightly/history/") + kRunId,
       Scope::kRead},
      {RouteKind::kCancelOneRun, "DELETE",
       std::string("/api/triggeredwebjobs/nightly/history/") + kRunId, Scope::kOperate},
      {RouteKind::kGetSettings, "GET", "/api/triggeredwebjobs/nightly/settings", Scope::kRead},
      {RouteKind::kPutSettings, "PUT", "/api/continuouswebjobs/daemon/settings", Scope::kAdmin},
      {RouteKind::kPatchSettings, "PATCH", "/api/triggeredwebjobs/nightly/settings", Scope::kAdmin},
      {RouteKind::kStartJob, "POST", "/api/continuouswebjobs/daemon/start", Scope::kOperate},
      {RouteKind::kStopJob, "POST", "/api/continuouswebjobs/daemon/stop", Scope::kOperate},
      {RouteKind::kDataFile, "GET",
       std::string("/vfs/data/jobs/triggered/nightly/") + kRunId + "/output_log.txt", Scope::kRead},
      {RouteKind::kDataFile, "GET", "/api/vfs/data/jobs/continuous/daemon/job_log.txt",
       Scope::kRead},
      {RouteKind::kSchedulePreview, "GET", "/api/schedule/preview?schedule=0+*+*+*+*+*",
       Scope::kRead},
      {RouteKind::kWhoAmI, "GET", "/api/me", Scope::kRead},
      {RouteKind::kListUsers, "GET", "/api/users", Scope::kRead},
      {RouteKind::kGetUser, "GET", "/api/users/bob", Scope::kRead},
      {RouteKind::kPutUser, "PUT", "/api/users/bob", Scope::kRead},
      {RouteKind::kDeleteUser, "DELETE", "/api/users/bob", Scope::kRead},
      {RouteKind::kListTokens, "GET", "/api/tokens", Scope::kRead},
      {RouteKind::kCreateToken, "POST", "/api/tokens", Scope::kRead},
      {RouteKind::kDeleteToken, "DELETE", "/api/tokens/0123456789abcdef", Scope::kRead},
      {RouteKind::kListAudit, "GET", "/api/audit?limit=5", Scope::kAdmin},
      {RouteKind::kFollowRunOutput, "GET",
       std::string("/api/triggeredwebjobs/nightly/history/") + kRunId + "/stream", Scope::kRead},
      {RouteKind::kFollowJobLog, "GET", "/api/continuouswebjobs/daemon/log/stream", Scope::kRead},
      {RouteKind::kOpenApi, "GET", "/api/openapi.yaml", Scope::kRead},
      {RouteKind::kTriggeredSwagger, "GET", "/api/triggeredwebjobsswagger", Scope::kRead},
      {RouteKind::kPassthrough, "GET", "/api/continuouswebjobs/daemon/passthrough/status",
       Scope::kOperate},
      {RouteKind::kPassthrough, "POST", "/api/continuouswebjobs/daemon/passthrough/a/b?c=1",
       Scope::kOperate},
      {RouteKind::kDashboard, "GET", "/azurejobs/", Scope::kRead},
  };
  return samples;
}

std::string Describe(const Sample& sample) {
  return std::string(sample.method) + " " + sample.target;
}

TEST(RoutePolicyTest, EveryRouteKindHasASample) {
  std::set<int> covered;
  for (const Sample& sample : Samples()) covered.insert(static_cast<int>(sample.kind));
  for (int kind = 0; kind < static_cast<int>(RouteKind::kCount); ++kind) {
    EXPECT_TRUE(covered.count(kind) == 1)
        << "RouteKind value " << kind
        << " has no sample request in route_policy_test.cc (nor in tests/e2e/test_auth.py)";
  }
}

TEST(RoutePolicyTest, SamplesMatchTheirKind) {
  for (const Sample& sample : Samples()) {
    Result<Route> route = MatchRoute(sample.method, sample.target);
    ASSERT_TRUE(route.ok()) << Describe(sample) << ": " << route.error().message;
    EXPECT_EQ(route->kind, sample.kind) << Describe(sample);
  }
}

TEST(RoutePolicyTest, EachKindNeedsItsScope) {
  for (const Sample& sample : Samples()) {
    EXPECT_EQ(RequiredScope(sample.kind), sample.scope) << Describe(sample);
  }
}

TEST(RoutePolicyTest, ChangesAreAuditedAndReadsAreNot) {
  for (const Sample& sample : Samples()) {
    bool reads = std::string(sample.method) == "GET" || std::string(sample.method) == "HEAD";
    // Passthrough has an action for its changing methods; the server skips
    // GET and HEAD of every route when it audits.
    if (sample.kind == RouteKind::kPassthrough) continue;
    EXPECT_EQ(AuditAction(sample.kind).empty(), reads) << Describe(sample);
  }
  std::set<std::string_view> actions;
  int changing = 0;
  for (int kind = 0; kind < static_cast<int>(RouteKind::kCount); ++kind) {
    std::string_view action = AuditAction(static_cast<RouteKind>(kind));
    if (action.empty()) continue;
    ++changing;
    actions.insert(action);
  }
  EXPECT_EQ(actions.size(), static_cast<size_t>(changing)) << "two kinds share an audit action";
}

TEST(RoutePolicyTest, AuditTargets) {
  auto target = [](const char* method, const std::string& path) {
    Result<Route> route = MatchRoute(method, path);
    EXPECT_TRUE(route.ok()) << path;
    return route.ok() ? AuditTarget(*route) : std::string();
  };
  EXPECT_EQ(target("PUT", "/api/triggeredwebjobs/nightly"), "triggered/nightly");
  EXPECT_EQ(target("POST", "/api/continuouswebjobs/daemon/stop"), "continuous/daemon");
  EXPECT_EQ(target("DELETE", std::string("/api/triggeredwebjobs/nightly/history/") + kRunId),
            std::string("triggered/nightly/") + kRunId);
  EXPECT_EQ(target("PUT", "/api/users/bob"), "user bob");
  EXPECT_EQ(target("DELETE", "/api/users/bob"), "user bob");
  EXPECT_EQ(target("DELETE", "/api/tokens/0123456789abcdef"), "token 0123456789abcdef");
  EXPECT_EQ(target("POST", "/api/tokens"), "");
}

TEST(RoutePolicyTest, AccountPathsCarryTheDecodedName) {
  Result<Route> route = MatchRoute("PUT", "/api/users/a%2F..%2Fb");
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_EQ(route->kind, RouteKind::kPutUser);
  EXPECT_EQ(route->account, "a/../b");
  EXPECT_FALSE(MatchRoute("PUT", "/api/users/a/b").ok());
  EXPECT_FALSE(MatchRoute("DELETE", "/api/tokens").ok());
  EXPECT_FALSE(MatchRoute("POST", "/api/audit").ok());
  EXPECT_FALSE(MatchRoute("GET", "/api/me/x").ok());
}

}  // namespace
}  // namespace webjobs
