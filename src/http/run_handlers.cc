#include "http/run_handlers.h"

#include "http/dotnet_format.h"
#include "http/entity_tag.h"
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

}  // namespace

void RunHandlers::RunJob(const Route& route, RequestContext& context, httplib::Response& response) {
  std::string arguments = context.http.get_param_value("arguments");
  std::string trigger = "External - " + context.http.get_header_value("User-Agent");
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
  Result<std::vector<RunRecord>> runs = service_.ListRuns(route.job_name);
  if (!runs.ok()) return ReplyError(response, runs.error());
  if (ReplyNotModifiedIfMatches(context.http, response, HistoryEntityTag(route.job_name, *runs))) {
    return;
  }

  json list = json::array();
  for (const RunRecord& run : *runs) list.push_back(RunToJson(run, context.base_url, context.now));
  ReplyJson(response, 200, json{{"runs", std::move(list)}});
}

void RunHandlers::GetRun(const Route& route, RequestContext& context, httplib::Response& response) {
  Result<RunRecord> run = service_.GetRun(route.job_name, route.run_id);
  if (!run.ok()) return ReplyError(response, run.error());
  ReplyJson(response, 200, RunToJson(*run, context.base_url, context.now));
}

}  // namespace webjobs
