// Steps shared by the client commands: JSON requests, finding a job's type
// by its name, URL paths, and error reporting.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/api_client.h"
#include "core/job_type.h"

namespace webjobs {

// GETs `path` and parses the JSON body. HTTP errors become ResponseError(),
// a body that is not JSON kInternal.
Result<nlohmann::json> GetJson(ApiClient& client, const std::string& path);

// Returns the type of the job called `name`, looked up in GET /api/webjobs.
// Names are unique across both types. An exact match wins over one that
// differs only in case. Returns kNotFound when no job has that name.
Result<JobType> FindJobType(ApiClient& client, const std::string& name);

// Like FindJobType, but kInvalidArgument when the job is not of `wanted`
// type, naming the command that applies to the other type.
Status RequireJobType(ApiClient& client, const std::string& name, JobType wanted,
                      std::string_view command);

// "/api/{type}webjobs/{name}" with the name percent-encoded.
std::string JobPath(JobType type, std::string_view name);

// The path and query of an absolute URL such as the output_url of a run
// ("http://host:8420/vfs/data/..." gives "/vfs/data/..."), so it is fetched
// from the host the client talks to. Returns `url` when it has no "://".
std::string PathOfUrl(std::string_view url);

// Writes "webjobs: error: <message>" to `err` and returns the exit code:
// kExitUnreachable for kUnavailable, kExitRequestFailed otherwise.
int ReportFailure(const Error& error, std::ostream& err);

}  // namespace webjobs
