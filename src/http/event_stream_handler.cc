#include "http/event_stream_handler.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <optional>
#include <string>

#include "core/log.h"
#include "http/http_reply.h"
#include "http/job_json.h"
#include "package/message_value.h"
#include "process/log_follower.h"
#include "process/log_position.h"

namespace webjobs {
namespace {

constexpr std::chrono::milliseconds kWaitSlice{250};
// How often a stream whose run has no live feed (the run ended before the
// stream began, or has not started) reads the run's record.
constexpr std::chrono::seconds kRunCheckInterval{1};

bool IsActiveStatus(const std::string& status) {
  return status == run_status::kInitializing || status == run_status::kRunning;
}

// Formats `lines` (whole lines, the last one maybe without LF) as one
// output event that ends at `position`.
std::string FormatOutputEvent(std::string_view lines, const LogPosition& position) {
  std::string event = "event: output\nid: " + FormatLogPosition(position) + "\n";
  event.reserve(event.size() + lines.size() + lines.size() / 16 + 8);
  while (!lines.empty()) {
    size_t end = lines.find('\n');
    std::string_view line = lines.substr(0, end);
    event += "data: ";
    event += line;
    event += '\n';
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
  }
  event += '\n';
  return event;
}

// One client's stream. Lives as long as httplib keeps the response.
struct StreamSession {
  std::shared_ptr<EventStreamHandler::Shared> shared;
  JobService* service = nullptr;
  std::shared_ptr<LogFeed> feed;
  std::unique_ptr<LogFollower> follower;
  bool is_run = false;
  std::string job_name;
  std::string run_id;
  std::string base_url;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_run_check{};
  std::chrono::steady_clock::time_point next_credentials_check = std::chrono::steady_clock::now();
  std::function<bool()> credentials_valid;
  std::string end_reason = "done";
  uint64_t events = 0;

  ~StreamSession() {
    shared->active.fetch_sub(1);
    spdlog::info("event=event_stream_ended job={} run={} events={} reason={}", job_name,
                 run_id.empty() ? "none" : run_id, events, Quote(end_reason));
  }

  bool Write(httplib::DataSink& sink, const std::string& text) {
    last_write = std::chrono::steady_clock::now();
    return sink.write(text.data(), text.size());
  }

  // Checks the request's credentials again every credentials_check: a
  // stream must not outlive a sign-out, a revoked token or a new password.
  bool CredentialsStillValid() {
    auto now = std::chrono::steady_clock::now();
    if (!credentials_valid || now < next_credentials_check) return true;
    next_credentials_check = now + shared->credentials_check;
    return credentials_valid();
  }

  // A run whose feed no writer opened: ended before the stream began (or
  // the host restarted since), or still waiting to start.
  void CheckRunEnded() {
    auto now = std::chrono::steady_clock::now();
    if (!is_run || feed->opened() || now < next_run_check) return;
    next_run_check = now + kRunCheckInterval;
    Result<RunRecord> run = service->GetRun(job_name, run_id);
    if (!run.ok() || !IsActiveStatus(run->status)) follower->Finish();
  }

  bool WriteStatus(httplib::DataSink& sink) {
    Result<RunRecord> run = service->GetRun(job_name, run_id);
    if (!run.ok()) {
      spdlog::warn("event=event_stream_status_failed job={} run={} error={}", job_name, run_id,
                   Quote(run.error().message));
      return true;
    }
    nlohmann::json json = RunToJson(*run, base_url, std::chrono::system_clock::now());
    ++events;
    return Write(sink, "event: status\ndata: " + DumpJson(json) + "\n\n");
  }

  // One call of httplib's content provider: sends what arrived within one
  // wait slice. Returns false to drop the connection.
  bool Pump(httplib::DataSink& sink) {
    if (shared->stopping.load()) {
      end_reason = "host stopping";
      sink.done();
      return true;
    }
    if (!CredentialsStillValid()) {
      end_reason = "credentials no longer valid";
      sink.done();
      return true;
    }
    CheckRunEnded();
    LogFollower::Chunk chunk = follower->Next(kWaitSlice);
    switch (chunk.status) {
      case LogFollower::Status::kData:
        ++events;
        return Write(sink, FormatOutputEvent(chunk.bytes, follower->position()));
      case LogFollower::Status::kEnd:
        if (is_run && !WriteStatus(sink)) return false;
        sink.done();
        return true;
      case LogFollower::Status::kIdle:
        break;
    }
    if (std::chrono::steady_clock::now() - last_write >= shared->heartbeat) {
      return Write(sink, ": ping\n\n");
    }
    return true;
  }
};

}  // namespace

EventStreamHandler::EventStreamHandler(JobService& service, size_t max_streams,
                                       std::chrono::milliseconds heartbeat,
                                       std::chrono::milliseconds credentials_check)
    : service_(service), shared_(std::make_shared<Shared>()) {
  shared_->max_streams = max_streams;
  shared_->heartbeat = heartbeat;
  shared_->credentials_check = credentials_check;
}

void EventStreamHandler::Stop() { shared_->stopping.store(true); }

size_t EventStreamHandler::active_streams() const { return shared_->active.load(); }

void EventStreamHandler::FollowRunOutput(const Route& route, RequestContext& context,
                                         httplib::Response& response) {
  Serve(route, context, response, service_.FollowRunOutput(route.job_name, route.run_id));
}

void EventStreamHandler::FollowJobLog(const Route& route, RequestContext& context,
                                      httplib::Response& response) {
  Serve(route, context, response, service_.FollowJobLog(route.job_name));
}

void EventStreamHandler::Serve(const Route& route, RequestContext& context,
                               httplib::Response& response, Result<LogSource> source) {
  if (!source.ok()) return ReplyError(response, source.error());

  LogPosition start;
  const httplib::Request& request = context.http;
  std::string resume_from;
  std::string_view origin;
  if (request.has_header("Last-Event-ID")) {
    resume_from = request.get_header_value("Last-Event-ID");
    origin = "Last-Event-ID";
  } else if (request.has_param("from")) {
    resume_from = request.get_param_value("from");
    origin = "from";
  }
  if (!origin.empty()) {
    std::optional<LogPosition> parsed = ParseLogPosition(resume_from);
    if (!parsed) {
      return ReplyError(
          response,
          InvalidArgument("invalid " + std::string(origin) + " " + QuoteForMessage(resume_from) +
                          ": expected the id of an event of this stream, such as "
                          "1234 or 00c0ffee00c0ffee-1234"));
    }
    start = *parsed;
  }

  if (shared_->stopping.load()) {
    return ReplyError(response, Unavailable("the host is shutting down"));
  }
  if (shared_->active.fetch_add(1) >= shared_->max_streams) {
    shared_->active.fetch_sub(1);
    response.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
    return ReplyText(response, 503,
                     "too many event streams: this host serves at most " +
                         std::to_string(shared_->max_streams) +
                         " at once; retry later, or raise the limit with `webjobs serve "
                         "--max-event-streams N` (or WEBJOBS_MAX_EVENT_STREAMS)");
  }

  auto session = std::make_shared<StreamSession>();
  session->shared = shared_;
  session->service = &service_;
  session->feed = source->feed;
  session->follower =
      std::make_unique<LogFollower>(source->feed, source->path, source->rotation, start);
  session->is_run = route.kind == RouteKind::kFollowRunOutput;
  session->job_name = route.job_name;
  session->run_id = route.run_id;
  session->base_url = context.base_url;
  session->credentials_valid = context.credentials_valid;
  session->next_credentials_check = std::chrono::steady_clock::now() + shared_->credentials_check;
  spdlog::info("event=event_stream_started job={} run={} from={} active={}", route.job_name,
               route.run_id.empty() ? "none" : route.run_id, Quote(FormatLogPosition(start)),
               shared_->active.load());

  response.status = 200;
  response.set_header("Cache-Control", "no-cache");
  // Proxies such as nginx would otherwise hold the events back.
  response.set_header("X-Accel-Buffering", "no");
  // The stream holds a worker thread; end the connection with the stream.
  response.set_header("Connection", "close");
  response.set_chunked_content_provider(
      // Exactly this type: httplib compresses other text/* bodies for
      // clients that accept gzip, which would hold events back.
      "text/event-stream",
      [session](size_t, httplib::DataSink& sink) { return session->Pump(sink); });
}

}  // namespace webjobs
