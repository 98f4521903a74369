#include "http/swagger_json.h"

#include <string>

#include "http/request_path.h"

namespace webjobs {

using nlohmann::json;

json TriggeredJobsSwagger(const std::vector<JobView>& jobs) {
  json paths = json::object();
  for (const JobView& job : jobs) {
    if (job.type != JobType::kTriggered) continue;
    json arguments = {
        {"name", "arguments"}, {"in", "query"}, {"required", false}, {"type", "string"}};
    json run = {
        {"deprecated", false},
        {"operationId", job.name},
        {"consumes", json::array()},
        {"produces", json::array()},
        {"responses",
         {{"200", {{"description", "Success"}}}, {"default", {{"description", "Success"}}}}},
        {"parameters", json::array({std::move(arguments)})},
    };
    paths["/api/triggeredjobs/" + PercentEncode(job.name) + "/run"] = {{"post", std::move(run)}};
  }
  return json{
      {"swagger", "2.0"},          {"info", {{"version", "v1"}, {"title", "WebJobs"}}},
      {"host", "placeHolder"},     {"schemes", json::array({"https"})},
      {"paths", std::move(paths)},
  };
}

}  // namespace webjobs
