#include "cli/run_commands.h"

#include <thread>

#include "cli/client_support.h"
#include "cli/table_format.h"
#include "http/request_path.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

using nlohmann::json;

bool IsActive(const std::string& status) { return status == "Initializing" || status == "Running"; }

std::string RunPath(const std::string& name, const std::string& run_id) {
  return JobPath(JobType::kTriggered, name) + "/history/" + PercentEncode(run_id);
}

// Fetches a log file through the URL the API gave for it, as raw bytes.
Result<std::string> FetchLog(ApiClient& client, const json& url, const std::string& owner) {
  if (!url.is_string()) return NotFound("there is no log file for " + owner + " yet");
  Result<ApiResponse> response = client.Get(PathOfUrl(url.get<std::string>()));
  if (!response.ok()) return response.error();
  if (response->status == 404) return NotFound("there is no log file for " + owner + " yet");
  if (!response->ok()) return ResponseError(*response);
  return response->body;
}

Result<json> WaitForRunEnd(ApiClient& client, const std::string& name, const std::string& run_id,
                           std::chrono::milliseconds poll_interval) {
  while (true) {
    Result<json> run = GetJson(client, RunPath(name, run_id));
    if (!run.ok()) return run.error();
    if (!IsActive(run->value("status", ""))) return run;
    std::this_thread::sleep_for(poll_interval);
  }
}

Status CheckRunSucceeded(const json& run, const std::string& name) {
  std::string status = run.value("status", "");
  if (status == "Success") return Status::Ok();
  std::string message =
      "run " + run.value("id", "") + " of " + name + " ended with status " + status;
  if (run.contains("exit_code") && run["exit_code"].is_number_integer()) {
    message += " (exit code " + std::to_string(run["exit_code"].get<int>()) + ")";
  }
  if (run.contains("error") && run["error"].is_string()) {
    message += ": " + run["error"].get<std::string>();
  }
  return InternalError(message);
}

Result<json> LatestOrNamedRun(ApiClient& client, const ClientFlags& flags) {
  if (!flags.run_id.empty()) return GetJson(client, RunPath(flags.name, flags.run_id));
  Result<json> job = GetJson(client, JobPath(JobType::kTriggered, flags.name));
  if (!job.ok()) return job.error();
  if (!job->contains("latest_run") || !(*job)["latest_run"].is_object()) {
    return NotFound("triggered job " + QuoteForMessage(flags.name) + " has not run yet");
  }
  return (*job)["latest_run"];
}

}  // namespace

Status RunRunCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                     std::chrono::milliseconds poll_interval) {
  Status type = RequireJobType(client, flags.name, JobType::kTriggered, "run");
  if (!type.ok()) return type;
  std::string path = JobPath(JobType::kTriggered, flags.name) + "/run";
  if (flags.arguments) path += "?arguments=" + PercentEncode(*flags.arguments);
  Result<ApiResponse> response = client.Post(path);
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);

  std::string location = response->Header("Location");
  std::string run_id = location.substr(location.rfind('/') + 1);
  if (run_id.empty()) return InternalError("the host accepted the run but sent no Location header");
  out << run_id << std::endl;
  if (!flags.wait) return Status::Ok();

  Result<json> run = WaitForRunEnd(client, flags.name, run_id, poll_interval);
  if (!run.ok()) return run.error();
  Result<std::string> output = FetchLog(client, (*run)["output_url"], "run " + run_id);
  if (output.ok()) out << *output << std::flush;
  return CheckRunSucceeded(*run, flags.name);
}

Status RunCancelCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Status type = RequireJobType(client, flags.name, JobType::kTriggered, "cancel");
  if (!type.ok()) return type;
  Result<ApiResponse> response = client.Post(JobPath(JobType::kTriggered, flags.name) + "/cancel");
  if (!response.ok()) return response.error();
  if (!response->ok()) return ResponseError(*response);
  out << "cancelled the active and waiting runs of " << flags.name << "\n";
  return Status::Ok();
}

Status RunHistoryCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Status type = RequireJobType(client, flags.name, JobType::kTriggered, "history");
  if (!type.ok()) return type;
  Result<json> history = GetJson(client, JobPath(JobType::kTriggered, flags.name) + "/history");
  if (!history.ok()) return history.error();
  if (flags.json) {
    out << history->dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return Status::Ok();
  }
  json runs = history->value("runs", json::array());
  if (runs.empty()) {
    out << "triggered job " << flags.name << " has not run yet\n";
    return Status::Ok();
  }
  out << FormatRunTable(runs);
  return Status::Ok();
}

Status RunLogsCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out) {
  Result<JobType> type = FindJobType(client, flags.name);
  if (!type.ok()) return type.error();

  Result<std::string> log = std::string();
  if (*type == JobType::kContinuous) {
    if (!flags.run_id.empty()) {
      return InvalidArgument("continuous job " + QuoteForMessage(flags.name) +
                             " has no runs; leave out RUN to print its job_log.txt");
    }
    Result<json> job = GetJson(client, JobPath(JobType::kContinuous, flags.name));
    if (!job.ok()) return job.error();
    log = FetchLog(client, (*job)["log_url"], "continuous job " + flags.name);
  } else {
    Result<json> run = LatestOrNamedRun(client, flags);
    if (!run.ok()) return run.error();
    log = FetchLog(client, (*run)["output_url"], "run " + run->value("id", ""));
  }
  if (!log.ok()) return log.error();
  out << *log << std::flush;
  return Status::Ok();
}

}  // namespace webjobs
