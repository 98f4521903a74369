#include "cli/run_commands.h"

#include <optional>
#include <thread>

#include "cli/client_support.h"
#include "cli/event_stream_parser.h"
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

// Reconnections in a row without an event before giving up.
constexpr int kMaxReconnects = 10;

int RetryAfterSeconds(const ApiResponse& response) {
  std::string value = response.Header("Retry-After");
  int seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9' || seconds > 3600) return 5;
    seconds = seconds * 10 + (c - '0');
  }
  return value.empty() ? 5 : seconds;
}

// Follows the event stream at `path`: prints each output event's lines,
// and returns the run's JSON from the status event (nullopt for a stream
// that has none, a continuous job's).
Result<std::optional<json>> FollowStream(ApiClient& client, const std::string& path,
                                         std::ostream& out,
                                         std::chrono::milliseconds reconnect_delay) {
  std::string last_event_id;
  bool is_job_log = path.ends_with("/log/stream");
  bool connected = false;  // a response arrived once
  int failures = 0;         // connections in a row without an event
  while (true) {
    EventStreamParser parser;
    std::optional<json> status;
    bool received = false;
    auto on_event = [&](const ServerSentEvent& event) {
      received = true;
      if (event.type == "output") {
        out << event.data << '\n';
      } else if (event.type == "status") {
        status = json::parse(event.data, nullptr, false);
      }
    };
    httplib::Headers headers;
    if (!last_event_id.empty()) headers.emplace("Last-Event-ID", last_event_id);
    Result<ApiResponse> response = client.GetStream(path, headers, [&](std::string_view bytes) {
      parser.Feed(bytes, on_event);
      out.flush();
      return !status.has_value() && out.good();
    });
    if (!parser.last_event_id().empty()) last_event_id = parser.last_event_id();
    if (response.ok() || received) connected = true;
    if (status) {
      if (status->is_discarded()) return InternalError("the host sent a run status that is not JSON");
      return std::optional<json>(std::move(*status));
    }
    if (!out.good()) return IoError("failed to write the output");

    failures = received ? 0 : failures + 1;
    std::chrono::milliseconds delay = reconnect_delay;
    if (!response.ok()) {
      // Unreachable from the start is an error at once; a connection that
      // broke is tried again.
      if (!connected) return response.error();
      if (failures > kMaxReconnects) return response.error();
    } else if (response->status == 503) {
      if (failures > kMaxReconnects) return ResponseError(*response);
      delay = std::chrono::seconds(RetryAfterSeconds(*response));
    } else if (!response->ok()) {
      return ResponseError(*response);
    } else if (is_job_log) {
      // A continuous job's stream ends when the job is deleted or the host stops.
      return std::optional<json>();
    } else {
      if (failures > kMaxReconnects) {
        return Unavailable("the run's event stream ended " + std::to_string(failures) +
                           " times without its status");
      }
    }
    std::this_thread::sleep_for(delay);
  }
}

Status FollowLogs(ApiClient& client, const ClientFlags& flags, JobType type, std::ostream& out,
                  std::chrono::milliseconds reconnect_delay) {
  std::string path;
  if (type == JobType::kContinuous) {
    path = JobPath(JobType::kContinuous, flags.name) + "/log/stream";
  } else {
    Result<json> run = LatestOrNamedRun(client, flags);
    if (!run.ok()) return run.error();
    path = RunPath(flags.name, run->value("id", "")) + "/stream";
  }
  Result<std::optional<json>> status = FollowStream(client, path, out, reconnect_delay);
  if (!status.ok()) return status.error();
  if (!status->has_value()) return Status::Ok();
  return CheckRunSucceeded(**status, flags.name);
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

Status RunLogsCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                      std::chrono::milliseconds reconnect_delay) {
  Result<JobType> type = FindJobType(client, flags.name);
  if (!type.ok()) return type.error();
  if (*type == JobType::kContinuous && !flags.run_id.empty()) {
    return InvalidArgument("continuous job " + QuoteForMessage(flags.name) +
                           " has no runs; leave out RUN to print its job_log.txt");
  }
  if (flags.follow) return FollowLogs(client, flags, *type, out, reconnect_delay);

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
