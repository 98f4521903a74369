#include "http/route_policy.h"

namespace webjobs {

Scope RequiredScope(RouteKind kind) {
  switch (kind) {
    case RouteKind::kHealth:
    case RouteKind::kOpenApi:
    case RouteKind::kListJobs:
    case RouteKind::kGetJob:
    case RouteKind::kListRuns:
    case RouteKind::kGetRun:
    case RouteKind::kGetSettings:
    case RouteKind::kDataFile:
    case RouteKind::kSchedulePreview:
    case RouteKind::kFollowRunOutput:
    case RouteKind::kFollowJobLog:
    case RouteKind::kTriggeredSwagger:
    case RouteKind::kDashboard:
    case RouteKind::kWhoAmI:
    case RouteKind::kListUsers:
    case RouteKind::kGetUser:
    case RouteKind::kPutUser:
    case RouteKind::kDeleteUser:
    case RouteKind::kListTokens:
    case RouteKind::kCreateToken:
    case RouteKind::kDeleteToken:
      return Scope::kRead;
    case RouteKind::kRunJob:
    case RouteKind::kCancelRun:
    case RouteKind::kCancelOneRun:
    case RouteKind::kStartJob:
    case RouteKind::kStopJob:
    case RouteKind::kPassthrough:
      return Scope::kOperate;
    case RouteKind::kPutJob:
    case RouteKind::kDeleteJob:
    case RouteKind::kPutSettings:
    case RouteKind::kPatchSettings:
    case RouteKind::kListAudit:
      return Scope::kAdmin;
  }
  return Scope::kAdmin;
}

std::string_view AuditAction(RouteKind kind) {
  switch (kind) {
    case RouteKind::kPutJob:
      return "job.deploy";
    case RouteKind::kDeleteJob:
      return "job.delete";
    case RouteKind::kPutSettings:
      return "settings.replace";
    case RouteKind::kPatchSettings:
      return "settings.merge";
    case RouteKind::kStartJob:
      return "job.start";
    case RouteKind::kStopJob:
      return "job.stop";
    case RouteKind::kRunJob:
      return "run.start";
    case RouteKind::kCancelRun:
      return "run.cancel_all";
    case RouteKind::kCancelOneRun:
      return "run.cancel";
    case RouteKind::kPutUser:
      return "user.set";
    case RouteKind::kDeleteUser:
      return "user.remove";
    case RouteKind::kCreateToken:
      return "token.create";
    case RouteKind::kDeleteToken:
      return "token.revoke";
    case RouteKind::kPassthrough:
      return "job.passthrough";
    case RouteKind::kHealth:
    case RouteKind::kOpenApi:
    case RouteKind::kListJobs:
    case RouteKind::kGetJob:
    case RouteKind::kListRuns:
    case RouteKind::kGetRun:
    case RouteKind::kGetSettings:
    case RouteKind::kDataFile:
    case RouteKind::kSchedulePreview:
    case RouteKind::kFollowRunOutput:
    case RouteKind::kFollowJobLog:
    case RouteKind::kTriggeredSwagger:
    case RouteKind::kDashboard:
    case RouteKind::kWhoAmI:
    case RouteKind::kListUsers:
    case RouteKind::kGetUser:
    case RouteKind::kListTokens:
    case RouteKind::kListAudit:
      return {};
  }
  return {};
}

std::string AuditTarget(const Route& route) {
  switch (route.kind) {
    case RouteKind::kPutUser:
    case RouteKind::kDeleteUser:
    case RouteKind::kGetUser:
      return "user " + route.account;
    case RouteKind::kDeleteToken:
      return "token " + route.account;
    default:
      break;
  }
  if (route.job_name.empty()) return {};
  std::string target = route.type ? std::string(JobTypeName(*route.type)) + "/" : std::string();
  target += route.job_name;
  if (!route.run_id.empty()) target += "/" + route.run_id;
  return target;
}

}  // namespace webjobs
