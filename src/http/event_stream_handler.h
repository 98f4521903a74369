// Live output over server-sent events (text/event-stream):
//
//   GET /api/triggeredwebjobs/{name}/history/{id}/stream   a run's output_log.txt
//   GET /api/continuouswebjobs/{name}/log/stream           a job_log.txt, across rotations
//
// Each `event: output` carries whole log lines, one `data:` field per line,
// and an `id:` (a LogPosition, see process/log_position.h) after its last
// byte. A client resumes after that event with the Last-Event-ID header,
// or with `?from=ID` where it cannot set headers. Without either, a run's
// stream starts at the start of its output and a continuous job's at the
// start of its current job_log.txt. A run's stream ends with
// `event: status`, whose data is the run's JSON as GET .../history/{id}
// returns it, and then the response ends. A comment line (": ping") is
// sent after 15 seconds without an event, so a dead client is noticed.
// Every 5 seconds the stream checks the request's credentials again and
// ends once they no longer authenticate (sign-out, revoked token).
//
// At most `max_streams` streams are served at once; another request gets
// 503 with Retry-After. Each stream holds one HTTP worker thread while it
// lasts, and waits in slices of at most 250 ms, so Stop() ends every
// stream within about that time.
//
// Thread-safe.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "http/api_route.h"
#include "http/request_context.h"
#include "jobs/job_service.h"

namespace webjobs {

class EventStreamHandler {
 public:
  static constexpr std::chrono::seconds kDefaultHeartbeat{15};
  static constexpr std::chrono::seconds kDefaultCredentialsCheck{5};
  static constexpr int kRetryAfterSeconds = 5;

  // `service` must outlive the handler and every stream it started.
  EventStreamHandler(JobService& service, size_t max_streams,
                     std::chrono::milliseconds heartbeat = kDefaultHeartbeat,
                     std::chrono::milliseconds credentials_check = kDefaultCredentialsCheck);

  // 404 for an unknown job or run, 400 for an invalid Last-Event-ID or
  // `from`, 503 above the limit; otherwise 200 and the stream.
  void FollowRunOutput(const Route& route, RequestContext& context, httplib::Response& response);
  void FollowJobLog(const Route& route, RequestContext& context, httplib::Response& response);

  // Makes every stream end at its next wait; new streams get 503.
  void Stop();
  size_t active_streams() const;

  // State shared with the streams, which httplib may destroy after the
  // handler.
  struct Shared {
    std::atomic<size_t> active{0};
    std::atomic<bool> stopping{false};
    size_t max_streams = 0;
    std::chrono::milliseconds heartbeat{0};
    std::chrono::milliseconds credentials_check{0};
  };

 private:
  void Serve(const Route& route, RequestContext& context, httplib::Response& response,
             Result<LogSource> source);

  JobService& service_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace webjobs
