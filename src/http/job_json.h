// JSON shapes of jobs and runs as Kudu's REST API returns them, plus our
// extensions. Keys and value formats follow Kudu (Json.NET): nulls are
// written, dates are ISO-8601 UTC, durations are .NET TimeSpan text. Pure
// functions, thread-safe.
//
// Job: name, run_command, url, extra_info_url, type, error, using_sdk,
// settings. Continuous jobs add status, detailed_status, log_url.
// Triggered jobs add latest_run, history_url, scheduler_logs_url, and ours
// schedule, next_scheduled_run and next_run (the same instant; null when
// no slot is armed). Ours for both: warnings.
// Run: id, name (= id), status, start_time, end_time, duration,
// output_url, error_url (always null), url, job_name, trigger. Ours:
// exit_code, error, arguments.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "jobs/job_service.h"

namespace webjobs {

// Builds the JSON of `job`. `base_url` is "http://host:port" without a
// trailing '/'. `now` sets the duration of a latest run still in progress.
nlohmann::json JobToJson(const JobView& job, std::string_view base_url, TimePoint now);

// Builds the JSON of one run of a triggered job. While the run has no end
// time, end_time is "0001-01-01T00:00:00" and duration is now - start_time.
nlohmann::json RunToJson(const RunRecord& run, std::string_view base_url, TimePoint now);

// Returns "{base_url}/api/triggeredwebjobs/{name}/history", the URL of the
// job's run history.
std::string HistoryUrl(std::string_view base_url, std::string_view job_name);

// Returns "{base_url}/api/triggeredwebjobs/{name}/history/{run_id}", the
// URL of one run (also the Location of POST .../run).
std::string RunUrl(std::string_view base_url, std::string_view job_name, std::string_view run_id);

}  // namespace webjobs
