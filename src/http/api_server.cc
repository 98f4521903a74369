#include "http/api_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "core/log.h"
#include "http/bind_failure.h"
#include "http/cookie_header.h"
#include "http/dashboard_page.h"
#include "http/http_reply.h"
#include "http/openapi_document.h"
#include "http/request_limits.h"
#include "http/request_path.h"
#include "http/route_policy.h"
#include "http/swagger_json.h"
#include "http/version.h"
#include "http/vfs_handler.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

constexpr time_t kKeepAliveTimeoutSeconds = 2;
// A client that polls (the CLI waiting for a run) reuses one connection for
// this many requests before httplib closes it.
constexpr size_t kKeepAliveMaxRequests = 1000;
constexpr auto kStartTimeout = std::chrono::seconds(5);
// Connections the kernel completes before the accept loop takes them.
// httplib 0.11 listens with a backlog of 5, built into Debian's shared
// library, so a burst of new clients lost SYNs and waited 1 s or more for
// the retransmission. Linux caps this at net.core.somaxconn (4096).
constexpr int kListenBacklog = 1024;
constexpr const char* kBasicChallenge = "Basic realm=\"webjobs\", charset=\"UTF-8\"";

// Returns a GET request with only the credentials of `request` (its
// Authorization and Cookie headers and its address), for checking them
// again while a long response lasts.
httplib::Request CredentialsOf(const httplib::Request& request) {
  httplib::Request credentials;
  credentials.method = "GET";
  credentials.remote_addr = request.remote_addr;
  for (const char* name : {"Authorization", "Cookie"}) {
    auto [begin, end] = request.headers.equal_range(name);
    for (auto it = begin; it != end; ++it) credentials.headers.emplace(it->first, it->second);
  }
  return credentials;
}

// httplib 0.11 applies a request's Range header to every response body,
// JSON and error text included. Only data files reply with a range (206),
// so any other body goes out through a chunked provider, which httplib
// does not slice.
void ProtectBodyFromRanges(const httplib::Request& request, httplib::Response& response) {
  if (request.ranges.empty() || response.status == 206 || response.body.empty()) return;
  auto body = std::make_shared<const std::string>(std::move(response.body));
  response.body.clear();
  std::string content_type = response.get_header_value("Content-Type");
  response.headers.erase("Content-Type");
  response.set_chunked_content_provider(content_type, [body](size_t, httplib::DataSink& sink) {
    bool written = sink.write(body->data(), body->size());
    sink.done();
    return written;
  });
}

std::string DescribeHttplibError(int status, uint64_t max_upload_bytes) {
  switch (status) {
    case 400:
      return "malformed HTTP request";
    case 404:
      return "no route for this method and path";
    case 413:
      return "the request body is larger than the upload limit of " +
             std::to_string(max_upload_bytes) +
             " bytes; raise --max-upload-bytes of `webjobs serve` or send a smaller body";
    case 414:
      return "the request line is longer than " + std::to_string(kMaxRequestLineBytes) +
             " bytes; shorten the URL";
    case 415:
      return "unsupported Content-Encoding of the request body";
    default:
      return "HTTP error " + std::to_string(status);
  }
}

void LogRequest(const httplib::Request& request, const httplib::Response& response,
                std::chrono::steady_clock::time_point started) {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::string path = Quote(RequestTargetPath(request.target));
  spdlog::debug("event=http_request method={} path={} status={} duration_ms={}", request.method,
                path, response.status, elapsed.count());
  if (response.status >= 500) {
    spdlog::error("event=http_error method={} path={} status={} error={}", request.method, path,
                  response.status, Quote(response.body));
  }
}

}  // namespace

ApiServer::ApiServer(JobService& service, Store& store, ApiServerOptions options)
    : service_(service),
      store_(store),
      options_(std::move(options)),
      authenticator_(store),
      accounts_(store, clock_),
      account_handlers_(accounts_, store),
      job_handlers_(service, options_.upload_dir, options_.max_upload_bytes),
      run_handlers_(service),
      schedule_handlers_(options_.default_time_zone),
      event_streams_(service, options_.max_event_streams, EventStreamHandler::kDefaultHeartbeat,
                     options_.stream_credentials_check),
      passthrough_handler_(service, options_.max_upload_bytes),
      portal_handler_(authenticator_, store, options_.tls != nullptr) {}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Configure() {
  if (options_.tls) {
    server_ = std::make_unique<httplib::SSLServer>(
        [this](SSL_CTX& context) { return SetUpTlsContext(context); });
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  // Streams at their limit leave `threads` workers for other requests.
  size_t threads = options_.threads + options_.max_event_streams;
  // httplib takes ownership of the pool it gets from this factory.
  // NOTE: httplib gives each connection a thread, so about `threads` clients
  // that send their headers slowly can hold every worker; the API listens
  // on loopback by default.
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib 0.11 sets SO_REUSEPORT by default, which lets a second host bind
  // the same port and take half of the connections. SO_REUSEADDR alone
  // still allows a restart while old connections linger in TIME_WAIT.
  // The last socket httplib set up is the one it bound, as it stops at the
  // first address that binds.
  server_->set_socket_options([this](socket_t socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket_ = socket;
  });
  server_->set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  server_->set_keep_alive_max_count(kKeepAliveMaxRequests);
  server_->set_read_timeout(options_.read_timeout.count());
  server_->set_write_timeout(options_.write_timeout.count());
  // httplib sends headers and body in separate writes; with Nagle's
  // algorithm on, the body then waits for the client's delayed ACK (about
  // 40 ms on Linux) on every response.
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(options_.max_upload_bytes);
  // A client that asks before sending (curl does for bodies over 1 MiB)
  // learns that its body is too large before it sends any of it.
  uint64_t max_upload_bytes = options_.max_upload_bytes;
  server_->set_expect_100_continue_handler([this, max_upload_bytes](const httplib::Request& request,
                                                                    httplib::Response& response) {
    // Credentials are checked before the body is sent: without valid ones
    // the response is 401 (or 429 while the address is throttled) whatever
    // the body contains. A failure counts once, as the request ends here. The
    // portal's pages send the session cookie instead, and sign in with a
    // body, which its handler checks.
    if (!PortalHandler::Handles(RequestTargetPath(request.target))) {
      bool by_session = false;
      Result<Principal> principal = AuthenticateRequest(request, by_session);
      if (!principal.ok()) {
        ReplyAuthFailure(principal.error(), request.remote_addr, !by_session, response);
        LogRequest(request, response, std::chrono::steady_clock::now());
        return response.status;
      }
    }
    std::string length = request.get_header_value("Content-Length");
    uint64_t bytes = 0;
    auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bytes);
    bool too_large =
        error == std::errc::result_out_of_range ||
        (error == std::errc() && end == length.data() + length.size() && bytes > max_upload_bytes);
    if (!too_large) return 100;
    ReplyText(response, 413, DescribeHttplibError(413, max_upload_bytes));
    return 413;
  });

  RegisterRoutes();
  InstallHeaderLimit();
  InstallErrorHandler();
}

bool ApiServer::SetUpTlsContext(SSL_CTX& context) {
  SSL_CTX_set_options(&context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION) != 1) return false;
  // OpenSSL calls SelectCertificate in each handshake.
  // TODO: reload the files on SIGHUP by swapping the credentials here.
  SSL_CTX_set_cert_cb(&context, &ApiServer::SelectCertificate, this);
  return true;
}

int ApiServer::SelectCertificate(SSL* ssl, void* server) {
  auto* self = static_cast<ApiServer*>(server);
  const std::shared_ptr<const TlsCredentials>& credentials = self->options_.tls;
  if (credentials && credentials->ApplyTo(ssl)) return 1;
  spdlog::error("event=tls_handshake_failed error=\"the certificate and key were not accepted\"");
  return 0;
}

void ApiServer::InstallHeaderLimit() {
  // httplib limits each header line but not their number. This handler
  // runs once all of them are read, before any body.
  server_->set_pre_routing_handler(
      [](const httplib::Request& request, httplib::Response& response) {
        size_t header_bytes = RequestHeaderBytes(request);
        if (header_bytes <= kMaxRequestHeaderBytes)
          return httplib::Server::HandlerResponse::Unhandled;
        spdlog::debug("event=http_rejected status=431 header_bytes={}", header_bytes);
        ReplyTextAndClose(response, 431,
                          "the request headers total " + std::to_string(header_bytes) +
                              " bytes, more than the limit of " +
                              std::to_string(kMaxRequestHeaderBytes) +
                              "; send fewer or shorter headers");
        return httplib::Server::HandlerResponse::Handled;
      });
}

void ApiServer::RegisterRoutes() {
  // Every route goes through Dispatch, which routes on the raw target. The
  // ContentReader forms keep httplib from reading bodies on its own. The
  // ".*" patterns are safe for std::regex's recursion because httplib
  // rejects request lines over 8 KiB with 414 before routing.
  auto without_body = [this](const httplib::Request& request, httplib::Response& response) {
    Dispatch(request, response, nullptr);
  };
  auto with_body = [this](const httplib::Request& request, httplib::Response& response,
                          const httplib::ContentReader& reader) {
    Dispatch(request, response, &reader);
  };
  server_->Get(".*", without_body);
  server_->Post(".*", with_body);
  server_->Put(".*", with_body);
  server_->Delete(".*", with_body);
  // Unused methods are routed too: httplib would otherwise read a PATCH
  // body into memory before it returns 404.
  server_->Patch(".*", with_body);
  server_->Options(".*", without_body);
}

void ApiServer::InstallErrorHandler() {
  uint64_t max_upload_bytes = options_.max_upload_bytes;
  long long read_timeout = options_.read_timeout.count();
  httplib::Server::HandlerWithResponse error_handler = [max_upload_bytes, read_timeout](
                                                           const httplib::Request& request,
                                                           httplib::Response& response) {
    // Only errors httplib raised itself arrive here without a body.
    // Only errors httplib raised itself arrive here with neither a body
    // nor a content provider (a passthrough response streams through one).
    if (!response.body.empty() || response.content_provider_ || !request.ranges.empty() ||
        response.status == 416) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    int status = response.status;
    if (status == 400 && HeaderReadFailed(request)) {
      // NOTE: httplib 0.11.4 reports both causes with the same 400.
      spdlog::debug("event=http_rejected status=400 reason=\"header line too long or timed out\"");
      ReplyTextAndClose(response, 400,
                        "the request headers could not be read: a header line is longer than " +
                            std::to_string(kMaxHeaderLineBytes) +
                            " bytes, or the client paused for longer than the read timeout (" +
                            std::to_string(read_timeout) + " s)");
    } else if (status == 400 || status == 414) {
      spdlog::debug("event=http_rejected status={}", status);
      ReplyTextAndClose(response, status, DescribeHttplibError(status, max_upload_bytes));
    } else {
      ReplyText(response, status, DescribeHttplibError(status, max_upload_bytes));
    }
    return httplib::Server::HandlerResponse::Handled;
  };
  server_->set_error_handler(std::move(error_handler));
}

Result<int> ApiServer::Start() {
  if (started_) return Conflict("the API server was already started; create a new one");
  started_ = true;
  Configure();

  std::string endpoint = options_.address + ":" + std::to_string(options_.port);
  if (!server_->is_valid()) {
    return InvalidArgument("failed to set up TLS on " + endpoint +
                           ": OpenSSL rejected the server settings");
  }
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.address);
  } else if (!server_->bind_to_port(options_.address, port)) {
    port = -1;
  }
  if (port < 0) {
    return Unavailable("failed to listen on " + endpoint + ": " +
                       DescribeBindFailure(options_.address, options_.port));
  }

  // Calling listen() again on a listening socket sets its backlog.
  if (::listen(listen_socket_, kListenBacklog) != 0) {
    spdlog::warn("event=listen_backlog_failed address={} port={} backlog={} error=\"{}\"",
                 options_.address, port, kListenBacklog, std::strerror(errno));
  }
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!server_->is_running()) {
    Stop();
    return Unavailable("failed to listen on " + endpoint + ": the server did not start within " +
                       std::to_string(kStartTimeout.count()) + " seconds");
  }
  spdlog::info("event=api_listen address={} port={} scheme={}", options_.address, port,
               options_.tls ? "https" : "http");
  if (options_.tls) spdlog::info("event=tls_certificate {}", options_.tls->Describe());
  return port;
}

void ApiServer::Stop() {
  // Streams end at their next wait, so the workers become free to join.
  event_streams_.Stop();
  if (server_) server_->stop();
  if (listener_.joinable()) {
    listener_.join();
    spdlog::info("event=api_stopped address={}", options_.address);
  }
}

void ApiServer::Dispatch(const httplib::Request& request, httplib::Response& response,
                         const httplib::ContentReader* reader) {
  auto started = std::chrono::steady_clock::now();
  RequestBody body(request, response, reader);
  try {
    Serve(request, body, response);
  } catch (const std::exception& error) {
    ReplyText(response, 500, "internal error: " + DescribeLibraryError(error.what()));
  }
  body.Discard();
  EncodeJsonReply(request, response);
  ProtectBodyFromRanges(request, response);
  LogRequest(request, response, started);
}

void ApiServer::Serve(const httplib::Request& request, RequestBody& body,
                      httplib::Response& response) {
  if (PortalHandler::Handles(RequestTargetPath(request.target))) {
    return portal_handler_.Serve(request, body, response);
  }
  const std::string& address = request.remote_addr;
  bool by_session = false;
  Result<Principal> principal = AuthenticateRequest(request, by_session);
  if (!principal.ok()) return ReplyAuthFailure(principal.error(), address, !by_session, response);

  Result<Route> route = MatchRoute(request.method, request.target);
  if (!route.ok()) return ReplyError(response, route.error());
  // "HELLO" reaches the job "hello", as in Kudu. An upload keeps the name
  // it was sent with, so that a second spelling gets its 409 (DeployJob).
  if (!route->job_name.empty() && route->kind != RouteKind::kPutJob) {
    route->job_name = service_.CanonicalJobName(route->job_name);
  }
  Scope needed = RequiredScope(route->kind);
  if (!ScopeAllows(principal->scope, needed)) {
    return ReplyError(
        response, PermissionDenied(
                      request.method + " " + QuoteForMessage(RequestTargetPath(request.target)) +
                      " needs the " + std::string(ScopeName(needed)) + " scope, and " +
                      principal->Describe() + " has " + std::string(ScopeName(principal->scope)) +
                      "; use credentials with a wider scope"));
  }
  RequestContext context{request,
                         body,
                         RequestBaseUrl(request, options_.tls != nullptr),
                         std::chrono::system_clock::now(),
                         *principal,
                         address,
                         {},
                         {}};
  context.credentials_valid = [this, request_copy = CredentialsOf(request)] {
    bool by_session = false;
    return AuthenticateRequest(request_copy, by_session).ok();
  };
  HandleRoute(*route, context, response);
  if (request.method != "GET" && request.method != "HEAD") {
    Audit(*route, *principal, address, response.status, context.audit_target);
  }
}

Result<Principal> ApiServer::AuthenticateRequest(const httplib::Request& request,
                                                 bool& by_session) {
  std::string authorization = request.get_header_value("Authorization");
  by_session = false;
  if (authorization.empty()) {
    auto [begin, end] = request.headers.equal_range("Cookie");
    for (auto it = begin; it != end; ++it) {
      std::optional<std::string> session = FindCookie(it->second, kSessionCookie);
      if (!session || session->empty()) continue;
      by_session = true;
      // GET and HEAD change nothing, and a page of another site cannot
      // read their responses, so only other methods need the CSRF token.
      std::optional<std::string> csrf_token;
      if (request.method != "GET" && request.method != "HEAD") {
        csrf_token = request.get_header_value(std::string(kCsrfHeader));
      }
      Result<SessionGrant> grant =
          authenticator_.AuthenticateSession(*session, csrf_token, request.remote_addr);
      if (!grant.ok()) return grant.error();
      Principal principal = grant->principal;
      principal.via_session = true;
      return principal;
    }
  }
  return authenticator_.Authenticate(authorization, request.remote_addr);
}

void ApiServer::ReplyAuthFailure(const Error& error, const std::string& address, bool challenge,
                                 httplib::Response& response) {
  if (error.code == ErrorCode::kTooManyRequests) {
    response.set_header("Retry-After",
                        std::to_string(std::max(1, authenticator_.RetryAfterSeconds(address))));
  } else if (error.code == ErrorCode::kUnauthenticated && challenge) {
    response.set_header("WWW-Authenticate", kBasicChallenge);
  }
  ReplyError(response, error);
}

void ApiServer::Audit(const Route& route, const Principal& principal, const std::string& address,
                      int status, const std::string& target) {
  std::string_view action = AuditAction(route.kind);
  if (action.empty() || status >= 400) return;
  std::string recorded_target = target.empty() ? AuditTarget(route) : target;
  AuditRecord record{0,
                     std::chrono::system_clock::now(),
                     principal.Describe(),
                     address,
                     std::string(action),
                     recorded_target,
                     status};
  if (Status appended = store_.AppendAudit(record); !appended.ok()) {
    spdlog::error("event=audit_failed action={} actor={} error={}", action, Quote(record.actor),
                  Quote(appended.error().message));
  }
}

void ApiServer::HandleRoute(const Route& route, RequestContext& context,
                            httplib::Response& response) {
  switch (route.kind) {
    case RouteKind::kHealth:
      return ReplyHealth(response);
    case RouteKind::kOpenApi: {
      std::string_view document = OpenApiDocument();
      response.status = 200;
      response.set_content(document.data(), document.size(), "application/yaml; charset=utf-8");
      return;
    }
    case RouteKind::kListJobs:
      return job_handlers_.ListJobs(route, context, response);
    case RouteKind::kGetJob:
      return job_handlers_.GetJob(route, context, response);
    case RouteKind::kPutJob:
      return job_handlers_.PutJob(route, context, response);
    case RouteKind::kDeleteJob:
      return job_handlers_.DeleteJob(route, context, response);
    case RouteKind::kGetSettings:
      return job_handlers_.GetSettings(route, context, response);
    case RouteKind::kPutSettings:
      return job_handlers_.PutSettings(route, context, response);
    case RouteKind::kPatchSettings:
      return job_handlers_.PatchSettings(route, context, response);
    case RouteKind::kStartJob:
      return job_handlers_.StartJob(route, context, response);
    case RouteKind::kStopJob:
      return job_handlers_.StopJob(route, context, response);
    case RouteKind::kRunJob:
      return run_handlers_.RunJob(route, context, response);
    case RouteKind::kCancelRun:
      return run_handlers_.CancelRun(route, context, response);
    case RouteKind::kListRuns:
      return run_handlers_.ListRuns(route, context, response);
    case RouteKind::kGetRun:
      return run_handlers_.GetRun(route, context, response);
    case RouteKind::kCancelOneRun:
      return run_handlers_.CancelOneRun(route, context, response);
    case RouteKind::kSchedulePreview:
      return schedule_handlers_.Preview(route, context, response);
    case RouteKind::kWhoAmI:
      return account_handlers_.WhoAmI(route, context, response);
    case RouteKind::kListUsers:
      return account_handlers_.ListUsers(route, context, response);
    case RouteKind::kGetUser:
      return account_handlers_.GetUser(route, context, response);
    case RouteKind::kPutUser:
      return account_handlers_.PutUser(route, context, response);
    case RouteKind::kDeleteUser:
      return account_handlers_.DeleteUser(route, context, response);
    case RouteKind::kListTokens:
      return account_handlers_.ListTokens(route, context, response);
    case RouteKind::kCreateToken:
      return account_handlers_.CreateToken(route, context, response);
    case RouteKind::kDeleteToken:
      return account_handlers_.DeleteToken(route, context, response);
    case RouteKind::kListAudit:
      return account_handlers_.ListAudit(route, context, response);
    case RouteKind::kFollowRunOutput:
      return event_streams_.FollowRunOutput(route, context, response);
    case RouteKind::kFollowJobLog:
      return event_streams_.FollowJobLog(route, context, response);
    case RouteKind::kTriggeredSwagger:
      return ReplyTriggeredSwagger(response);
    case RouteKind::kPassthrough:
      return passthrough_handler_.Forward(route, context, response);
    case RouteKind::kDashboard: {
      std::string_view page = DashboardPage();
      response.status = 200;
      response.set_content(page.data(), page.size(), "text/html; charset=utf-8");
      return;
    }
    case RouteKind::kDataFile: {
      Status served = ServeDataFile(service_.DataJobsRoot(), *route.type, route.job_name,
                                    route.file_segments, context.http, response);
      if (!served.ok()) ReplyError(response, served.error());
      return;
    }
    case RouteKind::kCount:
      return ReplyError(response, InternalError("the route table matched no route kind"));
  }
}

void ApiServer::ReplyTriggeredSwagger(httplib::Response& response) {
  Result<std::vector<JobView>> jobs = service_.ListJobs(JobType::kTriggered);
  if (!jobs.ok()) return ReplyError(response, jobs.error());
  ReplyJson(response, 200, TriggeredJobsSwagger(*jobs));
}

void ApiServer::ReplyHealth(httplib::Response& response) {
  ReplyJson(response, 200,
            {{"status", "ok"},
             {"instance", options_.instance_id},
             {"version", std::string(kWebjobsVersion)}});
}

}  // namespace webjobs
