// The passthrough route of continuous jobs:
// /api/continuouswebjobs/{name}/passthrough/{*path} forwards the request to
// http://127.0.0.1:{WEBJOBS_PORT}/{path} of the job's process on this
// instance and returns the job's response, as Kudu does.
//
// The method, the path below .../passthrough/ and the query go to the job
// as sent, and so does the body of every method but GET and HEAD. Every
// request header is forwarded except Host, Authorization and
// Proxy-Authorization (the host's credentials stay with the host), Expect,
// the hop-by-hop headers (Connection, Keep-Alive, Proxy-Connection, TE,
// Upgrade) and the pseudo-headers httplib adds (REMOTE_ADDR and the like).
//
// Bodies stream in both directions. The request body goes to the job while
// it arrives, within the server's upload limit. The response body reaches
// the client through a buffer of at most 1 MiB.
//
// Errors: 404 when the job is unknown or not running here, or when the
// connection to its port fails before the job's response headers arrive.
// The message names the job, the port and the reason. 413 for a request
// body over the upload limit.
//
// Thread-safe. Each forwarded request uses one extra thread for the
// connection to the job while its response streams.
#pragma once

#include <httplib.h>

#include <cstdint>

#include "http/api_route.h"
#include "http/request_context.h"
#include "jobs/job_service.h"

namespace webjobs {

class PassthroughHandler {
 public:
  // `service` must outlive the handler. A request body over
  // `max_body_bytes` gets 413, chunked bodies included.
  PassthroughHandler(JobService& service, uint64_t max_body_bytes)
      : service_(service), max_body_bytes_(max_body_bytes) {}

  void Forward(const Route& route, RequestContext& context, httplib::Response& response);

 private:
  JobService& service_;
  uint64_t max_body_bytes_;
};

}  // namespace webjobs
