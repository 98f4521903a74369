// Handlers of the routes of triggered runs: start a run, cancel the active
// run, list the history and read one run. Each handler turns one matched
// route into JobService calls and writes the whole response, errors
// included.
//
// Thread-safe: the handlers keep no state of their own, and JobService is
// thread-safe.
#pragma once

#include <httplib.h>

#include "http/api_route.h"
#include "http/history_query.h"
#include "http/request_context.h"
#include "jobs/job_service.h"

namespace webjobs {

class RunHandlers {
 public:
  // `service` must outlive the handlers.
  explicit RunHandlers(JobService& service) : service_(service) {}

  // 202 with no body and Location: {base}/api/triggeredwebjobs/{name}/history/{id},
  // also for a run that waits for the active one (overlap queue_one or
  // replace). The query's `arguments` are passed on, and the trigger is
  // "External - <User-Agent>". 409 when the job's overlap policy rejects
  // the run.
  void RunJob(const Route& route, RequestContext& context, httplib::Response& response);
  // Stops every active run and ends the waiting one: 200 with no body, or
  // 409 when there is none.
  void CancelRun(const Route& route, RequestContext& context, httplib::Response& response);
  // Stops one active run, or ends it while it waits: 200 with no body, or
  // 404 when the run has ended or does not exist.
  void CancelOneRun(const Route& route, RequestContext& context, httplib::Response& response);
  // 200 {"runs": [...]} newest first, an empty list for a job that never
  // ran. The ETag hashes the newest run's id, status and end time (or
  // "EMPTY"), and If-None-Match with it gives 304. With the paging and
  // filter parameters of history_query.h it replies ListRunPage(), and
  // 400 naming an invalid parameter.
  void ListRuns(const Route& route, RequestContext& context, httplib::Response& response);
  void GetRun(const Route& route, RequestContext& context, httplib::Response& response);

 private:
  // The filtered runs, at most `limit` of them. When more match, the body
  // gets "next" and the response a Link header (rel="next"), both the
  // absolute URL of the next page. The ETag hashes the query too.
  void ListRunPage(const Route& route, const HistoryQuery& query, RequestContext& context,
                   httplib::Response& response);

  JobService& service_;
};

}  // namespace webjobs
