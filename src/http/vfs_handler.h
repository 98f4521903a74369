// Read-only downloads of job logs and data below data/jobs, the files that
// log_url, output_url and scheduler_logs_url point to (Kudu serves them
// through its VFS API at /vfs/data/jobs/...).
//
// A request cannot leave the data root: the route has already rejected
// "..", "." and encoded separators in every segment, and the resolved path
// (symbolic links followed) must still lie below the resolved root.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/job_type.h"
#include "core/result.h"

namespace webjobs {

// Serves the regular file data_jobs_root/{type}/{name}/{segments...}.
// .txt and .log files are sent as UTF-8 text/plain, .json files as
// application/json, everything else as application/octet-stream (never
// HTML, so a job cannot serve script into the API's origin). A single
// Range that fits the file gives 206, a range starting after the end 416,
// other Range headers are ignored (200 with the whole file).
// Returns kNotFound when the file does not exist, is a folder, is not a
// regular file or resolves outside the root. Returns kIo when it exists but
// cannot be opened.
// On success the response streams the file from an open descriptor, so a
// file that grows meanwhile is served up to its size at open time.
Status ServeDataFile(const std::filesystem::path& data_jobs_root, JobType type,
                     const std::string& job_name, const std::vector<std::string>& segments,
                     const httplib::Request& request, httplib::Response& response);

}  // namespace webjobs
