// The route table of the REST API, as a pure function from method and raw
// request target to a matched route. Kudu's canonical routes are
// /api/webjobs, /api/{type}webjobs/... and /vfs/data/jobs/... . Its
// deprecated aliases /api/{type}jobs/..., /jobs/{type}/... and
// /api/jobs/{type}/... (list of all: /api/jobs, /jobs) lead to the same
// routes. Literal segments match without regard to ASCII case, as ASP.NET
// routes do, and one trailing '/' is ignored.
//
// Every job name, run id and file path segment in a matched route has been
// validated, so handlers may join them to paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/job_type.h"
#include "core/result.h"

namespace webjobs {

enum class RouteKind {
  kHealth,         // GET /api/health (ours)
  kOpenApi,        // GET /api/openapi.yaml (ours)
  kListJobs,       // GET /api/webjobs, /api/{type}webjobs
  kGetJob,         // GET /api/{type}webjobs/{name}
  kPutJob,         // PUT /api/{type}webjobs/{name}
  kDeleteJob,      // DELETE /api/{type}webjobs/{name}
  kRunJob,         // POST /api/triggeredwebjobs/{name}/run
  kCancelRun,      // POST /api/triggeredwebjobs/{name}/cancel (ours)
  kListRuns,       // GET /api/triggeredwebjobs/{name}/history
  kGetRun,         // GET /api/triggeredwebjobs/{name}/history/{id}
  kCancelOneRun,   // DELETE /api/triggeredwebjobs/{name}/history/{id} (ours)
  kGetSettings,    // GET /api/{type}webjobs/{name}/settings
  kPutSettings,    // PUT /api/{type}webjobs/{name}/settings
  kPatchSettings,  // PATCH /api/{type}webjobs/{name}/settings (ours)
  kStartJob,       // POST /api/continuouswebjobs/{name}/start
  kStopJob,        // POST /api/continuouswebjobs/{name}/stop
  kDataFile,       // GET /vfs/data/jobs/{type}/{name}/... and /api/vfs/data/jobs/...
  // GET /api/triggeredwebjobs/{name}/history/{id}/stream (ours): live output
  kFollowRunOutput,
  // GET /api/continuouswebjobs/{name}/log/stream (ours): live job_log.txt
  kFollowJobLog,
  // GET /api/schedule/preview (ours)
  kSchedulePreview,
  // Accounts and the audit log (ours).
  kWhoAmI,       // GET /api/me
  kListUsers,    // GET /api/users
  kGetUser,      // GET /api/users/{user}
  kPutUser,      // PUT /api/users/{user}
  kDeleteUser,   // DELETE /api/users/{user}
  kListTokens,   // GET /api/tokens
  kCreateToken,  // POST /api/tokens
  kDeleteToken,  // DELETE /api/tokens/{id}
  kListAudit,    // GET /api/audit
  // GET /api/triggeredwebjobsswagger: a Swagger 2.0 document of the
  // triggered jobs. It has no deprecated alias.
  kTriggeredSwagger,
  // GET, HEAD, PUT, POST, DELETE, PATCH
  // /api/continuouswebjobs/{name}/passthrough/{*path}: a proxy to the
  // job's own HTTP server on WEBJOBS_PORT.
  kPassthrough,
  // GET /azurejobs and /azurejobs/: the page behind extra_info_url (ours;
  // Kudu serves the WebJobs SDK dashboard there).
  kDashboard,
};

struct Route {
  RouteKind kind = RouteKind::kHealth;
  // nullopt for the list of all jobs and for routes outside a job type.
  std::optional<JobType> type;
  std::string job_name;
  std::string run_id;  // kGetRun, kCancelOneRun and kFollowRunOutput only
  // kDataFile only: the decoded segments below data/jobs/{type}/{name}/.
  // None is empty, ".", ".." or contains '/', '\' or NUL.
  std::vector<std::string> file_segments;
  // kGetUser, kPutUser, kDeleteUser: the user name; kDeleteToken: the token
  // id. Checked by the account rules, not here.
  std::string account;
  // kPassthrough only: the request target for the job, "/" followed by the
  // path below .../passthrough/ exactly as sent (still percent-encoded, a
  // trailing '/' kept) and the query, if any.
  std::string forward_target;
};

// Matches `method` (HEAD counts as GET) and the raw request `target` (path
// and query as sent). Returns kNotFound naming the method and path when no
// route matches, including a known path with another method, as Kudu
// returns 404 for GET .../run. Returns kInvalidArgument, naming the value
// and the rule, for a bad percent-encoding, job name, run id or file path
// segment. The job name is checked before the rest of the path, so
// "/api/triggeredwebjobs/../x" is 400, not 404. A run id made only of
// letters, digits, '-' and '_' that is not an 18-digit id cannot name a run
// and gives kNotFound.
Result<Route> MatchRoute(std::string_view method, std::string_view target);

}  // namespace webjobs
