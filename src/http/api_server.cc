#include "http/api_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>

#include "core/log.h"
#include "http/bind_failure.h"
#include "http/dashboard_page.h"
#include "http/http_reply.h"
#include "http/request_path.h"
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
      return "the request URI is too long";
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

ApiServer::ApiServer(JobService& service, ApiServerOptions options)
    : service_(service),
      options_(std::move(options)),
      job_handlers_(service, options_.upload_dir, options_.max_upload_bytes),
      run_handlers_(service),
      schedule_handlers_(options_.default_time_zone),
      passthrough_handler_(service, options_.max_upload_bytes) {}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Configure() {
  server_ = std::make_unique<httplib::Server>();
  size_t threads = options_.threads;
  // httplib takes ownership of the pool it gets from this factory.
  // NOTE: httplib gives each connection a thread, so about `threads` clients
  // that send their headers slowly can hold every worker; the API listens
  // on loopback by default.
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib 0.11 sets SO_REUSEPORT by default, which lets a second host bind
  // the same port and take half of the connections. SO_REUSEADDR alone
  // still allows a restart while old connections linger in TIME_WAIT.
  server_->set_socket_options([](socket_t socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_->set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  server_->set_keep_alive_max_count(kKeepAliveMaxRequests);
  // httplib sends headers and body in separate writes; with Nagle's
  // algorithm on, the body then waits for the client's delayed ACK (about
  // 40 ms on Linux) on every response.
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(options_.max_upload_bytes);
  // A client that asks before sending (curl does for bodies over 1 MiB)
  // learns that its body is too large before it sends any of it.
  uint64_t max_upload_bytes = options_.max_upload_bytes;
  server_->set_expect_100_continue_handler([max_upload_bytes](const httplib::Request& request,
                                                              httplib::Response& response) {
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
  InstallErrorHandler();
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
  httplib::Server::HandlerWithResponse error_handler = [max_upload_bytes](
                                                           const httplib::Request& request,
                                                           httplib::Response& response) {
    // Only errors httplib raised itself arrive here with neither a body
    // nor a content provider (a passthrough response streams through one).
    if (!response.body.empty() || response.content_provider_ || !request.ranges.empty() ||
        response.status == 416) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    ReplyText(response, response.status, DescribeHttplibError(response.status, max_upload_bytes));
    return httplib::Server::HandlerResponse::Handled;
  };
  server_->set_error_handler(std::move(error_handler));
}

Result<int> ApiServer::Start() {
  if (started_) return Conflict("the API server was already started; create a new one");
  started_ = true;
  Configure();

  std::string endpoint = options_.address + ":" + std::to_string(options_.port);
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
  spdlog::info("event=api_listen address={} port={}", options_.address, port);
  return port;
}

void ApiServer::Stop() {
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
    Result<Route> route = MatchRoute(request.method, request.target);
    if (route.ok()) {
      RequestContext context{request, body, RequestBaseUrl(request),
                             std::chrono::system_clock::now()};
      HandleRoute(*route, context, response);
    } else {
      ReplyError(response, route.error());
    }
  } catch (const std::exception& error) {
    ReplyText(response, 500, "internal error: " + DescribeLibraryError(error.what()));
  }
  body.Discard();
  ProtectBodyFromRanges(request, response);
  LogRequest(request, response, started);
}

void ApiServer::HandleRoute(const Route& route, RequestContext& context,
                            httplib::Response& response) {
  switch (route.kind) {
    case RouteKind::kHealth:
      return ReplyHealth(response);
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
