#include "cli/client_support.h"

#include "cli/exit_codes.h"
#include "http/request_path.h"
#include "package/ascii_case.h"
#include "package/message_value.h"

namespace webjobs {

Result<nlohmann::json> GetJson(ApiClient& client, const std::string& path) {
  Result<ApiResponse> response = client.Get(path);
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return InternalError("the host at " + client.base_url() + " sent a response to GET " + path +
                         " that is not JSON; is --url pointing at a webjobs host?");
  }
  return body;
}

Result<JobType> FindJobType(ApiClient& client, const std::string& name) {
  Result<nlohmann::json> jobs = GetJson(client, "/api/webjobs");
  if (!jobs.ok()) return jobs.error();
  std::optional<JobType> exact;
  std::optional<JobType> folded;
  for (const nlohmann::json& job : *jobs) {
    if (!job.is_object() || !job.contains("name") || !job["name"].is_string()) continue;
    std::optional<JobType> type = ParseJobType(job.value("type", ""));
    std::string job_name = job["name"].get<std::string>();
    if (job_name == name) exact = type;
    if (EqualsIgnoringAsciiCase(job_name, name)) folded = type;
  }
  if (exact) return *exact;
  if (folded) return *folded;
  return NotFound("no job named " + QuoteForMessage(name) + " on " + client.base_url() +
                  "; `webjobs list` shows the jobs");
}

Status RequireJobType(ApiClient& client, const std::string& name, JobType wanted,
                      std::string_view command) {
  Result<JobType> type = FindJobType(client, name);
  if (!type.ok()) return type.error();
  if (*type == wanted) return Status::Ok();
  return InvalidArgument("job " + QuoteForMessage(name) + " is a " +
                         std::string(JobTypeName(*type)) + " job, but `webjobs " +
                         std::string(command) + "` applies to " + std::string(JobTypeName(wanted)) +
                         " jobs");
}

std::string JobPath(JobType type, std::string_view name) {
  return "/api/" + std::string(JobTypeName(type)) + "webjobs/" + PercentEncode(name);
}

std::string PathOfUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string_view::npos) return "/";
  return std::string(url.substr(path_start));
}

int ReportFailure(const Error& error, std::ostream& err) {
  err << "webjobs: error: " << error.message << "\n";
  return error.code == ErrorCode::kUnavailable ? kExitUnreachable : kExitRequestFailed;
}

}  // namespace webjobs
