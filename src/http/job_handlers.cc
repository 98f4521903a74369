#include "http/job_handlers.h"

#include <algorithm>

#include "cron/time_zone.h"
#include "http/http_reply.h"
#include "http/job_json.h"
#include "http/upload_receiver.h"
#include "jobs/job_definition.h"
#include "package/ascii_case.h"
#include "package/content_disposition.h"
#include "package/job_name.h"
#include "package/message_value.h"
#include "package/text_encoding.h"

namespace webjobs {
namespace {

using nlohmann::json;

constexpr std::string_view kMissingDisposition =
    "missing Content-Disposition header with a filename, e.g. Content-Disposition: attachment; "
    "filename=run.sh";

std::string MediaType(const httplib::Request& request) {
  std::string value = request.get_header_value("Content-Type");
  value = value.substr(0, value.find(';'));
  size_t begin = value.find_first_not_of(" \t");
  size_t end = value.find_last_not_of(" \t");
  if (begin == std::string::npos) return {};
  return ToLowerAscii(std::string_view(value).substr(begin, end - begin + 1));
}

bool IsZipMediaType(const std::string& media_type) {
  return media_type == "application/zip" || media_type == "application/x-zip-compressed" ||
         media_type == "application/x-zip";
}

Result<std::optional<bool>> ParseSingleton(const httplib::Request& request) {
  if (!request.has_param("singleton")) return std::optional<bool>();
  std::string value = ToLowerAscii(request.get_param_value("singleton"));
  if (value == "true") return std::optional<bool>(true);
  if (value == "false") return std::optional<bool>(false);
  return InvalidArgument(
      "invalid query value singleton=" + QuoteForMessage(request.get_param_value("singleton")) +
      ": use singleton=true or singleton=false");
}

// Reads the time_zone query value. An empty value counts as not given, as
// in GET /api/schedule/preview. The zone is checked here, before the body
// is received, with the rule that settings.job's "time_zone" follows.
Result<std::optional<std::string>> ParseTimeZone(const httplib::Request& request) {
  if (!request.has_param("time_zone")) return std::optional<std::string>();
  std::string value = request.get_param_value("time_zone");
  if (value.empty()) return std::optional<std::string>();
  Result<const date::time_zone*> zone = LocateTimeZone(value);
  if (!zone.ok()) {
    return Error{zone.error().code, "invalid query value time_zone=" + QuoteForMessage(value) +
                                        ": " + zone.error().message};
  }
  return std::optional<std::string>(std::move(value));
}

void AddUploadWarnings(const std::vector<std::string>& warnings, json& job) {
  json& listed = job["warnings"];
  if (!listed.is_array()) listed = json::array();
  for (const std::string& warning : warnings) {
    if (std::find(listed.begin(), listed.end(), warning) == listed.end()) {
      listed.push_back(warning);
    }
  }
}

}  // namespace

Result<JobSettings> ParseSettingsBody(std::string_view body, JobType type) {
  // Decoded first, so that a body of only a byte-order mark counts as empty.
  Result<std::string> text = DecodeTextToUtf8(body, "settings.job");
  if (!text.ok()) return text.error();
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument(
        "settings.job: the request body is empty; send a JSON object such as "
        "{\"schedule\": \"0 */5 * * * *\"}, or {} to remove every setting");
  }
  // Parses the body as sent, not `text`, because the size limit applies to
  // the bytes.
  Result<JobSettings> settings = ParseJobSettings(body);
  if (!settings.ok()) return settings.error();
  // The same prefix as an uploaded settings.job gets for these checks.
  if (Status checked = ValidateScheduleSettings(type, *settings); !checked.ok()) {
    return InvalidArgument("settings.job: " + checked.error().message);
  }
  return settings;
}

Result<DeployRequest> DescribeUpload(const Route& route, const httplib::Request& request) {
  std::string disposition = request.get_header_value("Content-Disposition");
  if (disposition.find_first_not_of(" \t") == std::string::npos) {
    return InvalidArgument(std::string(kMissingDisposition));
  }
  Result<std::string> raw_name = ParseContentDispositionFileName(disposition);
  if (!raw_name.ok()) return raw_name.error();
  Result<std::optional<bool>> singleton = ParseSingleton(request);
  if (!singleton.ok()) return singleton.error();
  Result<std::optional<std::string>> time_zone = ParseTimeZone(request);
  if (!time_zone.ok()) return time_zone.error();

  DeployRequest deploy;
  deploy.type = *route.type;
  deploy.name = route.job_name;
  deploy.is_zip = IsZipMediaType(MediaType(request));
  // A zip's own file name is never stored, so only a single file's name
  // has to be a valid file name (a job named with 255 bytes uploads as
  // "<name>.zip").
  if (!deploy.is_zip) {
    Result<std::string> file_name = SanitizeUploadFileName(*raw_name);
    if (!file_name.ok()) return file_name.error();
    deploy.file_name = std::move(file_name.value());
  } else {
    deploy.file_name = *raw_name;
  }
  if (request.has_param("schedule")) deploy.schedule = request.get_param_value("schedule");
  deploy.singleton = *singleton;
  deploy.time_zone = std::move(time_zone.value());
  return deploy;
}

JobHandlers::JobHandlers(JobService& service, std::filesystem::path upload_dir,
                         uint64_t max_upload_bytes)
    : service_(service), upload_dir_(std::move(upload_dir)), max_upload_bytes_(max_upload_bytes) {}

void JobHandlers::ListJobs(const Route& route, RequestContext& context,
                           httplib::Response& response) {
  bool gzip = RequestAcceptsGzip(context.http);
  auto build = [&](ListEncodings forms) -> Result<SerializedJobList> {
    Result<std::vector<JobView>> jobs = service_.ListJobs(route.type);
    if (!jobs.ok()) return jobs.error();
    // The list's tag must not change while a run is in progress, so the
    // cache leaves the ever-growing duration of a running latest run out of it.
    return list_cache_.Serialize(route.type, context.base_url, *jobs, context.now, forms);
  };
  Result<SerializedJobList> list = list_batcher_.Run(
      {route.type, context.base_url}, ListEncodings{.identity = !gzip, .gzip = gzip}, build);
  if (!list.ok()) return ReplyError(response, list.error());
  if (ReplyNotModifiedIfMatches(context.http, response, list->entity_tag)) return;
  if (gzip && list->gzip_body != nullptr) return ReplyGzipJson(response, 200, *list->gzip_body);
  ReplyJsonText(response, 200, *list->body);
}

void JobHandlers::GetJob(const Route& route, RequestContext& context, httplib::Response& response) {
  Result<JobView> job = service_.GetJob(*route.type, route.job_name);
  if (!job.ok()) return ReplyError(response, job.error());
  ReplyJson(response, 200, JobToJson(*job, context.base_url, context.now));
}

void JobHandlers::PutJob(const Route& route, RequestContext& context, httplib::Response& response) {
  // Headers are checked first, so a bad request is rejected before its
  // body is written to disk (the dispatcher drains it).
  Result<DeployRequest> deploy = DescribeUpload(route, context.http);
  if (!deploy.ok()) return ReplyError(response, deploy.error());

  Result<UploadFile> upload = ReceiveUpload(context.body, upload_dir_, max_upload_bytes_);
  if (!upload.ok()) return ReplyBodyReadError(response, upload.error());
  deploy->body_path = upload->path();

  Result<DeployResult> deployed = service_.DeployJob(*deploy);
  if (!deployed.ok()) return ReplyError(response, deployed.error());
  json job = JobToJson(deployed->job, context.base_url, context.now);
  AddUploadWarnings(deployed->warnings, job);
  ReplyJson(response, 200, job);
}

void JobHandlers::DeleteJob(const Route& route, RequestContext&, httplib::Response& response) {
  Status deleted = service_.DeleteJob(*route.type, route.job_name);
  if (!deleted.ok()) return ReplyError(response, deleted.error());
  ReplyEmpty(response);
}

void JobHandlers::GetSettings(const Route& route, RequestContext&, httplib::Response& response) {
  Result<json> settings = service_.GetSettings(*route.type, route.job_name);
  if (!settings.ok()) return ReplyError(response, settings.error());
  ReplyJson(response, 200, *settings);
}

void JobHandlers::PutSettings(const Route& route, RequestContext& context,
                              httplib::Response& response) {
  Result<std::string> body = context.body.ReadToString(kMaxSettingsBodyBytes);
  if (!body.ok()) return ReplyBodyReadError(response, body.error());
  // Checked here with the upload rules, because the service's own check
  // would add a second prefix to the message. So an invalid body gets 400
  // even for a job that does not exist.
  Result<JobSettings> settings = ParseSettingsBody(*body, *route.type);
  if (!settings.ok()) return ReplyError(response, settings.error());

  Status stored = service_.PutSettings(*route.type, route.job_name, settings->raw);
  if (!stored.ok()) return ReplyError(response, stored.error());
  ReplyEmpty(response);
}

void JobHandlers::PatchSettings(const Route& route, RequestContext& context,
                                httplib::Response& response) {
  Result<std::string> body = context.body.ReadToString(kMaxSettingsBodyBytes);
  if (!body.ok()) return ReplyBodyReadError(response, body.error());
  json patch = json::parse(*body, nullptr, false);
  if (patch.is_discarded() || !patch.is_object()) {
    return ReplyError(response,
                      InvalidArgument("the PATCH body must be a JSON object (a JSON merge patch "
                                      "such as {\"schedule\": \"0 */5 * * * *\", \"catch_up\": "
                                      "null}); a null member removes that setting"));
  }
  Status stored = service_.PatchSettings(*route.type, route.job_name, patch);
  if (!stored.ok()) return ReplyError(response, stored.error());
  ReplyEmpty(response);
}

void JobHandlers::StartJob(const Route& route, RequestContext&, httplib::Response& response) {
  Status started = service_.StartJob(route.job_name);
  if (!started.ok()) return ReplyError(response, started.error());
  ReplyEmpty(response);
}

void JobHandlers::StopJob(const Route& route, RequestContext&, httplib::Response& response) {
  Status stopped = service_.StopJob(route.job_name);
  if (!stopped.ok()) return ReplyError(response, stopped.error());
  ReplyEmpty(response);
}

}  // namespace webjobs
