#include "http/job_json.h"

#include <algorithm>

#include "http/dotnet_format.h"
#include "http/request_path.h"

namespace webjobs {
namespace {

using nlohmann::json;

std::string JobUrl(std::string_view base_url, JobType type, std::string_view name) {
  return std::string(base_url) + "/api/" + std::string(JobTypeName(type)) + "webjobs/" +
         PercentEncode(name);
}

std::string DataFileUrl(std::string_view base_url, JobType type, std::string_view name,
                        std::string_view file) {
  return std::string(base_url) + "/vfs/data/jobs/" + std::string(JobTypeName(type)) + "/" +
         PercentEncode(name) + "/" + std::string(file);
}

json OptionalText(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

bool HasStartTime(const RunRecord& run) { return run.start_time.time_since_epoch().count() != 0; }

json Duration(const RunRecord& run, TimePoint now) {
  if (!HasStartTime(run)) return nullptr;
  // A running run's clock may be read just before its start was recorded.
  TimePoint end = run.end_time ? *run.end_time : std::max(now, run.start_time);
  return FormatTimeSpan(end - run.start_time);
}

void AddContinuousFields(const JobView& job, std::string_view base_url, json& out) {
  out["status"] = job.status;
  out["detailed_status"] = job.detailed_status;
  out["log_url"] = DataFileUrl(base_url, JobType::kContinuous, job.name, "job_log.txt");
}

void AddTriggeredFields(const JobView& job, std::string_view base_url, TimePoint now, json& out) {
  out["latest_run"] = job.latest_run ? RunToJson(*job.latest_run, base_url, now) : json(nullptr);
  out["history_url"] = HistoryUrl(base_url, job.name);
  out["scheduler_logs_url"] =
      job.has_scheduler_log
          ? json(DataFileUrl(base_url, JobType::kTriggered, job.name, "job_scheduler.log"))
          : json(nullptr);
  out["schedule"] = OptionalText(job.schedule);
  json next_run =
      job.next_scheduled_run ? json(FormatIsoUtc(*job.next_scheduled_run)) : json(nullptr);
  out["next_scheduled_run"] = next_run;
  out["next_run"] = next_run;
}

}  // namespace

std::string HistoryUrl(std::string_view base_url, std::string_view job_name) {
  return JobUrl(base_url, JobType::kTriggered, job_name) + "/history";
}

std::string RunUrl(std::string_view base_url, std::string_view job_name, std::string_view run_id) {
  return JobUrl(base_url, JobType::kTriggered, job_name) + "/history/" + PercentEncode(run_id);
}

json JobToJson(const JobView& job, std::string_view base_url, TimePoint now) {
  json out = json::object();
  out["name"] = job.name;
  out["run_command"] = job.run_command;
  out["url"] = JobUrl(base_url, job.type, job.name);
  out["extra_info_url"] = std::string(base_url) + "/azurejobs/#/jobs/" +
                          std::string(JobTypeName(job.type)) + "/" + PercentEncode(job.name);
  out["type"] = JobTypeName(job.type);
  out["error"] = OptionalText(job.error);
  out["using_sdk"] = job.using_sdk;
  out["settings"] = job.settings.is_object() ? job.settings : json::object();
  out["warnings"] = job.warnings;
  if (job.type == JobType::kContinuous) {
    AddContinuousFields(job, base_url, out);
  } else {
    AddTriggeredFields(job, base_url, now, out);
  }
  return out;
}

json RunToJson(const RunRecord& run, std::string_view base_url, TimePoint now) {
  json out = json::object();
  out["id"] = run.run_id;
  out["name"] = run.run_id;
  out["status"] = run.status;
  out["start_time"] = HasStartTime(run) ? json(FormatIsoUtc(run.start_time)) : json(nullptr);
  out["end_time"] = run.end_time ? FormatIsoUtc(*run.end_time) : std::string(kUnsetDotNetDate);
  out["duration"] = Duration(run, now);
  out["output_url"] = DataFileUrl(base_url, JobType::kTriggered, run.job_name,
                                  PercentEncode(run.run_id) + "/output_log.txt");
  out["error_url"] = nullptr;
  out["url"] = RunUrl(base_url, run.job_name, run.run_id);
  out["job_name"] = run.job_name;
  out["trigger"] = run.trigger;
  out["exit_code"] = run.exit_code ? json(*run.exit_code) : json(nullptr);
  out["error"] = run.error.empty() ? json(nullptr) : json(run.error);
  out["arguments"] = run.arguments;
  return out;
}

}  // namespace webjobs
