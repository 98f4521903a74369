// The passthrough route of continuous jobs:
// /api/continuouswebjobs/{name}/passthrough/{*path} forwards the request to
// http://127.0.0.1:{WEBJOBS_PORT}/{path} of the job's process on this
// instance and returns the job's response, as Kudu does.
//
// Forwarded: the method, the path below .../passthrough/ and the query as
// sent, every header except Host, Authorization (the host's credentials
// stay with the host), the hop-by-hop headers (Connection, Keep-Alive,
// Proxy-Connection, TE, Upgrade) and the pseudo-headers httplib adds
// (REMOTE_ADDR and the like), and the body of every method but GET and
// HEAD. Bodies stream in both directions: the request body goes to the job
// while it arrives, within the server's upload limit, and the response
// body reaches the client through a buffer of at most 1 MiB.
//
// Errors: 404 when the job is unknown, not running here, or its port
// refuses the connection or the exchange fails before the job's response
// headers arrive; the message names the job, the port and the reason.
//
// Thread-safe. Each forwarded request uses one extra thread for the
// connection to the job while its response streams.
#pragma once

#include <httplib.h>

#include "http/api_route.h"
#include "http/request_context.h"
#include "jobs/job_service.h"

namespace webjobs {

class PassthroughHandler {
 public:
  // `service` must outlive the handler.
  explicit PassthroughHandler(JobService& service) : service_(service) {}

  void Forward(const Route& route, RequestContext& context, httplib::Response& response);

 private:
  JobService& service_;
};

}  // namespace webjobs
