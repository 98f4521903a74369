// The REST API server: Kudu's WebJobs routes (and their deprecated
// aliases), our extensions, and read-only downloads of job logs, on
// cpp-httplib 0.11.
//
// Routing happens on the raw request target (see api_route.h), so an
// encoded '/' can never turn into a path separator. Handlers only call
// JobService, or the cron library for the schedule preview, and there is
// no job logic here. An error response is the
// error's message as plain text (text/plain, UTF-8) with the status of its
// code (http_reply.h). Each request is logged at debug
// level, and each 5xx response at error level as event=http_error. Bodies
// and query strings are never logged.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "http/job_handlers.h"
#include "http/passthrough_handler.h"
#include "http/run_handlers.h"
#include "http/schedule_handlers.h"
#include "jobs/job_service.h"

namespace webjobs {

struct ApiServerOptions {
  // Host name or IP address to bind. Anything other than loopback exposes
  // the unauthenticated API to the network.
  std::string address = "127.0.0.1";
  int port = 8420;  // 0 binds a free port (tests)
  // Worker threads. httplib serves one connection per thread, and an idle
  // keep-alive connection keeps its thread busy for up to 2 seconds.
  size_t threads = 64;
  // Largest request body; a larger Content-Length gets 413.
  uint64_t max_upload_bytes = 256ull << 20;
  // Temporary files for PUT bodies, on the file system of the data root so
  // the JobService can rename them.
  std::filesystem::path upload_dir;
  std::string instance_id;  // reported by GET /api/health
  // Zone of GET /api/schedule/preview when the request names none. The
  // host passes its default zone for schedules, and nullptr means UTC.
  const date::time_zone* default_time_zone = nullptr;
};

class ApiServer {
 public:
  // `service` must outlive the server.
  ApiServer(JobService& service, ApiServerOptions options);
  // Stops the server if it runs.
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the address and serves on a background thread. Returns the bound
  // port, or kUnavailable naming address:port and the reason ("Address
  // already in use") when binding fails, kConflict when called twice.
  Result<int> Start();

  // Stops accepting connections and waits until the responses to requests
  // in progress are sent and the worker threads have ended. Safe to call more than
  // once and from any thread other than a request handler.
  void Stop();

 private:
  void Configure();
  void RegisterRoutes();
  void InstallErrorHandler();
  void Dispatch(const httplib::Request& request, httplib::Response& response,
                const httplib::ContentReader* reader);
  void HandleRoute(const Route& route, RequestContext& context, httplib::Response& response);
  void ReplyHealth(httplib::Response& response);
  void ReplyTriggeredSwagger(httplib::Response& response);

  JobService& service_;
  ApiServerOptions options_;
  JobHandlers job_handlers_;
  RunHandlers run_handlers_;
  ScheduleHandlers schedule_handlers_;
  PassthroughHandler passthrough_handler_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  bool started_ = false;
};

}  // namespace webjobs
