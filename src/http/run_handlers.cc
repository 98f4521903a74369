#include "http/run_handlers.h"

#include "http/dotnet_format.h"
#include "http/entity_tag.h"
#include "http/history_query.h"
#include "http/http_reply.h"
#include "http/job_json.h"

namespace webjobs {
namespace {

using nlohmann::json;

// Kudu's history tag: it changes when a run starts, changes status or ends,
// and not while the duration of a running run grows.
std::string HistoryEntityTag(const std::string& job_name, const std::vector<RunRecord>& runs) {
  if (runs.empty()) return MakeEntityTag(job_name + "\n" + "EMPTY");
  const RunRecord& latest = runs.front();
  std::string end = latest.end_time ? FormatIsoUtc(*latest.end_time) : std::string();
  return MakeEntityTag(latest.run_id + "\n" + latest.status + "\n" + end);
}

// The tag of a filtered or paged history: the query in its canonical form,
// each run's id, status and end time, and the link to the next page, so
// two different queries never share a tag.
std::string PageEntityTag(const std::string& job_name, const std::string& query,
                          const std::vector<RunRecord>& runs, const std::string& next_url) {
  std::string content = job_name + "\n" + query + "\n" + next_url;
  for (const RunRecord& run : runs) {
    std::string end = run.end_time ? FormatIsoUtc(*run.end_time) : std::string();
    content += "\n" + run.run_id + " " + run.status + " " + end;
  }
  return MakeEntityTag(content);
}

}  // namespace

void RunHandlers::RunJob(const Route& route, RequestContext& context, httplib::Response& response) {
  std::string arguments = context.http.get_param_value("arguments");
  // A run started in the portal names its user, because the browser's
  // User-Agent does not tell who clicked Run.
  std::string trigger = context.principal.via_session
                            ? "Portal - " + context.principal.user
                            : "External - " + context.http.get_header_value("User-Agent");
  Result<std::string> run_id = service_.RunJob(route.job_name, arguments, trigger);
  if (!run_id.ok()) return ReplyError(response, run_id.error());

  response.set_header("Location", RunUrl(context.base_url, route.job_name, *run_id));
  ReplyEmpty(response, 202);
}

void RunHandlers::CancelRun(const Route& route, RequestContext&, httplib::Response& response) {
  Status cancelled = service_.CancelRun(route.job_name);
  if (!cancelled.ok()) return ReplyError(response, cancelled.error());
  ReplyEmpty(response);
}

void RunHandlers::CancelOneRun(const Route& route, RequestContext&, httplib::Response& response) {
  Status cancelled = service_.CancelRun(route.job_name, route.run_id);
  if (!cancelled.ok()) return ReplyError(response, cancelled.error());
  ReplyEmpty(response);
}

void RunHandlers::ListRuns(const Route& route, RequestContext& context,
                           httplib::Response& response) {
  Result<HistoryQuery> query = ParseHistoryQuery(context.http.params);
  if (!query.ok()) return ReplyError(response, query.error());
  if (!query->empty()) return ListRunPage(route, *query, context, response);

  Result<std::vector<RunRecord>> runs = service_.ListRuns(route.job_name);
  if (!runs.ok()) return ReplyError(response, runs.error());
  if (ReplyNotModifiedIfMatches(context.http, response, HistoryEntityTag(route.job_name, *runs))) {
    return;
  }

  json list = json::array();
  for (const RunRecord& run : *runs) list.push_back(RunToJson(run, context.base_url, context.now));
  ReplyJson(response, 200, json{{"runs", std::move(list)}});
}

void RunHandlers::ListRunPage(const Route& route, const HistoryQuery& query,
                              RequestContext& context, httplib::Response& response) {
  // Fetching one run more than the page size shows whether another page
  // follows.
  std::optional<size_t> fetch;
  if (query.limit) fetch = *query.limit + 1;
  Result<std::vector<RunRecord>> runs = service_.QueryRuns(route.job_name, query.filter, fetch);
  if (!runs.ok()) return ReplyError(response, runs.error());

  std::string next_url;
  if (query.limit && runs->size() > *query.limit) {
    runs->resize(*query.limit);
    HistoryQuery next = query;
    next.filter.before_run_id = runs->back().run_id;
    next_url = HistoryUrl(context.base_url, route.job_name) + "?" +
               EncodeQueryString(HistoryQueryParams(next));
    response.set_header("Link", "<" + next_url + ">; rel=\"next\"");
  }
  std::string canonical = EncodeQueryString(HistoryQueryParams(query));
  if (ReplyNotModifiedIfMatches(context.http, response,
                                PageEntityTag(route.job_name, canonical, *runs, next_url))) {
    return;
  }

  json list = json::array();
  for (const RunRecord& run : *runs) list.push_back(RunToJson(run, context.base_url, context.now));
  json body{{"runs", std::move(list)}};
  if (!next_url.empty()) body["next"] = next_url;
  ReplyJson(response, 200, body);
}

void RunHandlers::GetRun(const Route& route, RequestContext& context, httplib::Response& response) {
  Result<RunRecord> run = service_.GetRun(route.job_name, route.run_id);
  if (!run.ok()) return ReplyError(response, run.error());
  ReplyJson(response, 200, RunToJson(*run, context.base_url, context.now));
}

}  // namespace webjobs
