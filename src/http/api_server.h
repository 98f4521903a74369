// The REST API server: Kudu's WebJobs routes (and their deprecated
// aliases), our extensions, and read-only downloads of job logs, on
// cpp-httplib 0.11.
//
// Routing happens on the raw request target (see api_route.h), so an
// encoded '/' can never turn into a path separator. Handlers only call
// JobService, or the cron library for the schedule preview, and there is
// no job logic here. Every request must carry credentials of a user or an
// API token (auth/authenticator.h), or the session cookie of the web
// portal. A change made with the cookie also needs the session's CSRF token
// in X-CSRF-Token. Without credentials the response is 401 before any
// routing, with a scope too narrow for the route it is 403, and a
// successful change is written to the store's audit log. The portal's
// pages and its sign-in route (portal_handler.h) are the only requests
// served without credentials. An error response is the
// error's message as plain text (text/plain, UTF-8) with the status of its
// code (http_reply.h). Each request is logged at debug
// level, and each 5xx response at error level as event=http_error. Bodies
// and query strings are never logged.
//
// With TLS credentials in the options it serves HTTPS (TLS 1.2 or later)
// instead of plain HTTP. Request lines, header lines and the total size of
// the headers are limited (request_limits.h), and a client that sends or
// reads nothing for the read or write timeout is disconnected.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "auth/account_service.h"
#include "auth/authenticator.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/account_handlers.h"
#include "http/event_stream_handler.h"
#include "http/job_handlers.h"
#include "http/passthrough_handler.h"
#include "http/portal_handler.h"
#include "http/run_handlers.h"
#include "http/schedule_handlers.h"
#include "http/tls_credentials.h"
#include "jobs/job_service.h"

namespace webjobs {

struct ApiServerOptions {
  // Host name or IP address to bind. Anything other than loopback makes the
  // API reachable from other machines.
  std::string address = "127.0.0.1";
  int port = 8420;  // 0 binds a free port (tests)
  // Worker threads. httplib serves one connection per thread, and an idle
  // keep-alive connection keeps its thread busy for up to 2 seconds. A
  // connection accepted while every thread is busy waits in a queue until
  // one is free, so the default covers a few hundred keep-alive clients.
  size_t threads = 512;
  // Largest request body; a larger Content-Length gets 413.
  uint64_t max_upload_bytes = 256ull << 20;
  // Live-output event streams served at once. Each holds a worker thread,
  // so the pool gets this many threads on top of `threads`.
  size_t max_event_streams = 100;
  // Temporary files for PUT bodies, on the file system of the data root so
  // the JobService can rename them.
  std::filesystem::path upload_dir;
  std::string instance_id;  // reported by GET /api/health
  // Zone of GET /api/schedule/preview when the request names none. The
  // host passes its default zone for schedules, and nullptr means UTC.
  const date::time_zone* default_time_zone = nullptr;
  // Certificate chain and key of the listener; nullptr serves plain HTTP.
  std::shared_ptr<const TlsCredentials> tls;
  // Longest wait for the next bytes of a request (TLS handshake, request
  // line, headers, body). httplib applies it to each read, so a client that
  // keeps sending a byte now and then is not cut off by it.
  std::chrono::seconds read_timeout{10};
  // Longest wait for the client to accept more bytes of a response.
  std::chrono::seconds write_timeout{10};
  // How often a live output stream checks its request's credentials again,
  // so that it ends after a sign-out or a token revocation.
  std::chrono::milliseconds stream_credentials_check = EventStreamHandler::kDefaultCredentialsCheck;
};

class ApiServer {
 public:
  // `service` and `store` (users, tokens, audit log) must outlive the
  // server.
  ApiServer(JobService& service, Store& store, ApiServerOptions options);
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
  bool SetUpTlsContext(SSL_CTX& context);
  static int SelectCertificate(SSL* ssl, void* server);
  void InstallHeaderLimit();
  void RegisterRoutes();
  void InstallErrorHandler();
  void Dispatch(const httplib::Request& request, httplib::Response& response,
                const httplib::ContentReader* reader);
  void HandleRoute(const Route& route, RequestContext& context, httplib::Response& response);
  void ReplyHealth(httplib::Response& response);
  // Authenticates, routes, checks the scope and runs the route's handler.
  void Serve(const httplib::Request& request, RequestBody& body, httplib::Response& response);
  // Authenticates with the Authorization header, or without one with the
  // portal's session cookie; sets `by_session` when the cookie was used.
  Result<Principal> AuthenticateRequest(const httplib::Request& request, bool& by_session);
  // Replies to a failed authentication. `challenge` adds the Basic
  // challenge to a 401, which a browser page's own requests must not get:
  // it would open the browser's password dialog.
  void ReplyAuthFailure(const Error& error, const std::string& address, bool challenge,
                        httplib::Response& response);
  // Records a successful change; a non-empty target replaces the route's.
  void Audit(const Route& route, const Principal& principal, const std::string& address, int status,
             const std::string& target);
  void ReplyTriggeredSwagger(httplib::Response& response);

  JobService& service_;
  Store& store_;
  ApiServerOptions options_;
  SystemClock clock_;
  Authenticator authenticator_;
  AccountService accounts_;
  AccountHandlers account_handlers_;
  JobHandlers job_handlers_;
  RunHandlers run_handlers_;
  ScheduleHandlers schedule_handlers_;
  EventStreamHandler event_streams_;
  PassthroughHandler passthrough_handler_;
  PortalHandler portal_handler_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  // The socket httplib bound, or -1 before Start().
  int listen_socket_ = -1;
  bool started_ = false;
};

}  // namespace webjobs
