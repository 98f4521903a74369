// The Swagger 2.0 document of GET /api/triggeredwebjobsswagger, in the
// shape Kudu returns: one POST operation per triggered job on its
// deprecated run route /api/triggeredjobs/{name}/run, with the job name as
// operationId and one optional `arguments` query parameter. As in Kudu,
// `host` is the literal "placeHolder" and `schemes` is ["https"], so a
// consumer (Logic Apps, for example) fills in the real address. Pure
// function, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "jobs/job_service.h"

namespace webjobs {

// Builds the document for the triggered jobs among `jobs`.
nlohmann::json TriggeredJobsSwagger(const std::vector<JobView>& jobs);

}  // namespace webjobs
