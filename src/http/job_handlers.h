// Handlers of the job routes: list, get, upload (PUT) and delete jobs, read
// and replace settings.job, start and stop continuous jobs. Each handler
// turns one matched route into JobService calls and writes the whole
// response, errors included (plain text, status from the error code).
//
// Thread-safe: the handlers keep no state of their own, and JobService is
// thread-safe.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>

#include "http/api_route.h"
#include "http/job_list_batcher.h"
#include "http/job_list_cache.h"
#include "http/request_context.h"
#include "jobs/job_service.h"
#include "package/job_settings.h"

namespace webjobs {

// Upper bound of a PUT .../settings body, far above any real settings.job.
inline constexpr size_t kMaxSettingsBodyBytes = 1 << 20;

class JobHandlers {
 public:
  // `service` must outlive the handlers. Upload bodies are written to
  // `upload_dir` and may be at most `max_upload_bytes` long.
  JobHandlers(JobService& service, std::filesystem::path upload_dir, uint64_t max_upload_bytes);

  // 200 with a JSON array and an ETag, or 304 when If-None-Match matches.
  void ListJobs(const Route& route, RequestContext& context, httplib::Response& response);
  void GetJob(const Route& route, RequestContext& context, httplib::Response& response);
  // Needs Content-Disposition with a filename. Content-Type application/zip
  // (also application/x-zip-compressed and application/x-zip) means a zip,
  // anything else one script file. Query extensions: schedule=EXPR,
  // singleton=true|false, time_zone=ZONE. 200 with the job JSON, whose
  // "warnings" include the upload's warnings.
  void PutJob(const Route& route, RequestContext& context, httplib::Response& response);
  // 200 also when the job does not exist, as in Kudu.
  void DeleteJob(const Route& route, RequestContext& context, httplib::Response& response);
  void GetSettings(const Route& route, RequestContext& context, httplib::Response& response);
  // The body must be a JSON object, with comments allowed as in
  // settings.job. Otherwise 400 names the problem (see ParseSettingsBody).
  void PutSettings(const Route& route, RequestContext& context, httplib::Response& response);
  // Merges a JSON merge patch (RFC 7396) into the settings: a member
  // replaces the setting, a null member removes it. 400 for a body that is
  // not a JSON object or a result that the upload rules reject.
  void PatchSettings(const Route& route, RequestContext& context, httplib::Response& response);
  void StartJob(const Route& route, RequestContext& context, httplib::Response& response);
  void StopJob(const Route& route, RequestContext& context, httplib::Response& response);

 private:
  JobService& service_;
  std::filesystem::path upload_dir_;
  uint64_t max_upload_bytes_;
  JobListCache list_cache_;
  JobListBatcher list_batcher_;
};

// Parses and checks a PUT .../settings body for a job of `type` as an
// uploaded settings.job is checked, by ParseJobSettings and then the
// schedule and time zone checks. Returns kInvalidArgument for an empty body
// and for every fault an upload would report, with the same message (one
// "settings.job" prefix, the key or the line and column, and the fix).
Result<JobSettings> ParseSettingsBody(std::string_view body, JobType type);

// Builds the DeployRequest of a PUT /api/{type}webjobs/{name} from its
// headers and query (body_path left empty). kInvalidArgument when
// Content-Disposition or its file name is missing or unusable, the
// singleton query value is not true or false, or LocateTimeZone rejects
// the time_zone value (an empty time_zone counts as not given).
Result<DeployRequest> DescribeUpload(const Route& route, const httplib::Request& request);

}  // namespace webjobs
