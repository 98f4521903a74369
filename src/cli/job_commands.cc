#include "cli/job_commands.h"

#include "cli/client_support.h"
#include "cli/table_format.h"
#include "cli/upload_file.h"
#include "http/request_path.h"

namespace webjobs {
namespace {

using nlohmann::json;

std::string DeployPath(const ClientFlags& flags) {
  std::string path = JobPath(*flags.type, flags.name);
  std::string query;
  if (flags.schedule) query += "&schedule=" + PercentEncode(*flags.schedule);
  if (flags.singleton) query += std::string("&singleton=") + (*flags.singleton ? "true" : "false");
  if (!query.empty()) path += "?" + query.substr(1);
  return path;
}

void PrintDeployedJob(const json& job, std::ostream& out) {
  out << "deployed " << job.value("type", "") << " job " << job.value("name", "")
      << " (run_command " << job.value("run_command", "") << ")\n";
  if (job.contains("schedule") && job["schedule"].is_string()) {
    out << "schedule: " << job["schedule"].get<std::string>() << "\n";
  }
}

void PrintWarnings(const json& job, std::ostream& err) {
  if (!job.contains("warnings") || !job["warnings"].is_array()) return;
  for (const json& warning : job["warnings"]) {
    if (warning.is_string()) err << "webjobs: warning: " << warning.get<std::string>() << "\n";
  }
}

Status PostJobAction(ApiClient& client, JobType type, const std::string& name,
                     const std::string& action) {
  Result<ApiResponse> response = client.Post(JobPath(type, name) + "/" + action);
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);
  return Status::Ok();
}

}  // namespace

Status RunListCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                      std::ostream& err) {
  std::string path =
      flags.type ? "/api/" + std::string(JobTypeName(*flags.type)) + "webjobs" : "/api/webjobs";
  Result<json> jobs = GetJson(client, path);
  if (!jobs.ok()) return jobs.error();
  if (flags.json) {
    out << jobs->dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return Status::Ok();
  }
  out << FormatJobTable(*jobs);
  for (const json& job : *jobs) {
    if (job.contains("error") && job["error"].is_string()) {
      err << "webjobs: warning: job " << job.value("name", "") << ": "
          << job["error"].get<std::string>() << "\n";
    }
  }
  return Status::Ok();
}

Status RunDeployCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                        std::ostream& err) {
  std::filesystem::path file = flags.file;
  Result<bool> is_zip = IsZipFile(file);
  if (!is_zip.ok()) return is_zip.error();

  httplib::Headers headers{
      {"Content-Disposition", ContentDispositionFor(file.filename().string())}};
  std::string content_type = *is_zip ? "application/zip" : "application/octet-stream";
  Result<ApiResponse> response = client.PutFile(DeployPath(flags), file, content_type, headers);
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);

  json job = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (job.is_discarded()) return InternalError("the host sent a deploy response that is not JSON");
  if (flags.json) {
    out << job.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    PrintDeployedJob(job, out);
  }
  PrintWarnings(job, err);
  return Status::Ok();
}

Status RunStartCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Status type = RequireJobType(client, flags.name, JobType::kContinuous, "start");
  if (!type.ok()) return type;
  Status started = PostJobAction(client, JobType::kContinuous, flags.name, "start");
  if (!started.ok()) return started;
  out << "started continuous job " << flags.name << "\n";
  return Status::Ok();
}

Status RunStopCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Status type = RequireJobType(client, flags.name, JobType::kContinuous, "stop");
  if (!type.ok()) return type;
  Status stopped = PostJobAction(client, JobType::kContinuous, flags.name, "stop");
  if (!stopped.ok()) return stopped;
  out << "stopped continuous job " << flags.name << "\n";
  return Status::Ok();
}

Status RunDeleteCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Result<JobType> type = FindJobType(client, flags.name);
  if (!type.ok()) return type.error();
  Result<ApiResponse> response = client.Delete(JobPath(*type, flags.name));
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);
  out << "deleted " << JobTypeName(*type) << " job " << flags.name << "\n";
  return Status::Ok();
}

}  // namespace webjobs
