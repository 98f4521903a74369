#include "http/passthrough_handler.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/log.h"
#include "http/cookie_header.h"
#include "http/http_reply.h"
#include "package/ascii_case.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(5);
// A read from or write to the job that waits longer ends the exchange.
constexpr auto kIoTimeout = std::chrono::seconds(120);
// Response bytes received from the job but not yet sent to the client.
// The connection to the job pauses while this much is buffered.
constexpr size_t kMaxBufferedBytes = 1u << 20;
// How often a response waiting for the job checks that the client is
// still connected.
constexpr auto kClientCheckInterval = std::chrono::seconds(1);

bool IsAnyOf(const std::string& name, std::initializer_list<std::string_view> names) {
  for (std::string_view candidate : names) {
    if (EqualsIgnoringAsciiCase(name, candidate)) return true;
  }
  return false;
}

bool IsDroppedRequestHeader(const std::string& name) {
  // httplib's client sends its own Host. Our server handles Expect itself,
  // so the job must not send a second 100 Continue.
  return IsAnyOf(name, {"Host", "Authorization", "Proxy-Authorization", "Connection", "Keep-Alive",
                        "Proxy-Connection", "TE", "Upgrade", "Expect", "REMOTE_ADDR", "REMOTE_PORT",
                        "LOCAL_ADDR", "LOCAL_PORT"});
}

bool IsDroppedResponseHeader(const std::string& name) {
  // The framing headers are set again by our server for its own response.
  return IsAnyOf(name, {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
                        "Transfer-Encoding", "Upgrade", "Content-Length", "Content-Type"});
}

// A Set-Cookie of the host's own cookies: a job must not replace the
// portal session or language of the browser that visits it.
bool SetsHostCookie(const std::string& name, std::string_view value) {
  if (!EqualsIgnoringAsciiCase(name, "Set-Cookie")) return false;
  std::string_view cookie = TrimHttpWhitespace(value.substr(0, value.find('=')));
  return cookie == kSessionCookie || cookie == kLanguageCookie;
}

// The policy of every response of a job: the page runs in an opaque origin,
// so its scripts cannot read the portal's session, its CSRF token or the
// host's API with the visitor's cookie.
constexpr std::string_view kJobContentSecurityPolicy =
    "sandbox allow-scripts allow-forms allow-popups allow-downloads";

std::optional<size_t> ParseContentLength(const std::string& text) {
  size_t length = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, length);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return length;
}

// State shared by the request thread, the thread that talks to the job,
// and the content provider that sends the job's response body on.
struct Exchange {
  std::mutex mutex;
  std::condition_variable changed;
  bool has_headers = false;  // status and headers of the job's response are set
  bool finished = false;     // the exchange with the job has ended
  bool cancelled = false;    // the client's response is done or abandoned
  int status = 0;
  httplib::Headers headers;
  std::deque<std::string> chunks;
  size_t buffered = 0;
  httplib::Error error = httplib::Error::Success;
  // Of reading the client's request body: kIo when the job stopped taking
  // it, another code when the client's body was invalid.
  Status body_status;
};

// Sends `request` to the job and feeds `exchange`. Runs on its own thread.
// `body` is read only while the request is written, which ends before the
// job's response headers arrive, so the request thread is still waiting
// then and the body outlives its use.
void ExchangeWithJob(std::shared_ptr<Exchange> exchange, int port, httplib::Request request,
                     RequestBody* body, uint64_t max_body_bytes) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(kConnectTimeout);
  client.set_read_timeout(kIoTimeout);
  client.set_write_timeout(kIoTimeout);
  // The body goes on as the job encoded it, with its Content-Encoding.
  client.set_decompress(false);

  if (body != nullptr) {
    bool chunked = request.is_chunked_content_provider_;
    request.content_provider_ = [exchange, body, chunked, max_body_bytes](size_t, size_t,
                                                                          httplib::DataSink& sink) {
      // httplib checks Content-Length against the server's limit, but not
      // the length of a chunked body.
      uint64_t received = 0;
      Status read = body->Read([&](std::string_view chunk) -> Status {
        received += chunk.size();
        if (received > max_body_bytes) {
          return TooLarge("the request body is larger than the limit of " +
                          std::to_string(max_body_bytes) +
                          " bytes; raise --max-upload-bytes of `webjobs serve` or send a "
                          "smaller body");
        }
        if (!sink.write(chunk.data(), chunk.size())) {
          return IoError("the job closed the connection while it received the request body");
        }
        return Status::Ok();
      });
      {
        std::lock_guard lock(exchange->mutex);
        exchange->body_status = read;
      }
      if (!read.ok()) return false;
      if (chunked) sink.done();
      return true;
    };
  }
  request.response_handler = [exchange](const httplib::Response& answer) {
    std::lock_guard lock(exchange->mutex);
    exchange->status = answer.status;
    exchange->headers = answer.headers;
    exchange->has_headers = true;
    exchange->changed.notify_all();
    return true;
  };
  request.content_receiver = [exchange](const char* data, size_t size, uint64_t, uint64_t) {
    std::unique_lock lock(exchange->mutex);
    exchange->changed.wait(
        lock, [&] { return exchange->buffered < kMaxBufferedBytes || exchange->cancelled; });
    if (exchange->cancelled) return false;
    exchange->chunks.emplace_back(data, size);
    exchange->buffered += size;
    exchange->changed.notify_all();
    return true;
  };

  httplib::Response answer;
  httplib::Error error = httplib::Error::Success;
  client.send(request, answer, error);

  std::lock_guard lock(exchange->mutex);
  // httplib calls no response handler for HEAD.
  if (!exchange->has_headers && error == httplib::Error::Success) {
    exchange->status = answer.status;
    exchange->headers = answer.headers;
    exchange->has_headers = true;
  }
  exchange->error = error;
  exchange->finished = true;
  exchange->changed.notify_all();
}

// Takes the next chunk of the job's response body. Returns nullopt when
// the body has ended or the client has disconnected, and then sets
// `complete` to true only for a body that ended normally.
std::optional<std::string> NextChunk(Exchange& exchange, httplib::DataSink& sink, bool& complete) {
  std::unique_lock lock(exchange.mutex);
  while (exchange.chunks.empty() && !exchange.finished) {
    if (!sink.is_writable()) {
      complete = false;
      return std::nullopt;
    }
    exchange.changed.wait_for(lock, kClientCheckInterval);
  }
  if (exchange.chunks.empty()) {
    complete = exchange.error == httplib::Error::Success;
    return std::nullopt;
  }
  std::string chunk = std::move(exchange.chunks.front());
  exchange.chunks.pop_front();
  exchange.buffered -= chunk.size();
  exchange.changed.notify_all();
  return chunk;
}

httplib::Request BuildJobRequest(const Route& route, const httplib::Request& http, bool with_body) {
  httplib::Request request;
  request.method = http.method;
  request.path = route.forward_target;
  for (const auto& [name, value] : http.headers) {
    if (IsDroppedRequestHeader(name)) continue;
    if (!with_body && IsAnyOf(name, {"Content-Length", "Transfer-Encoding"})) continue;
    if (EqualsIgnoringAsciiCase(name, "Cookie")) {
      // The portal's session cookie is a credential for the host, like
      // Authorization; the job's own cookies go on.
      std::string cookies = RemoveCookie(value, kSessionCookie);
      if (!cookies.empty()) request.headers.emplace(name, std::move(cookies));
      continue;
    }
    request.headers.emplace(name, value);
  }
  if (with_body) {
    std::optional<size_t> length = ParseContentLength(http.get_header_value("Content-Length"));
    request.is_chunked_content_provider_ = !length.has_value();
    request.content_length_ = length.value_or(0);
  }
  return request;
}

// Replies to an exchange that ended before the job's response headers.
void ReplyExchangeFailure(const Route& route, int port, const std::string& method,
                          const Exchange& exchange, httplib::Response& response) {
  // kIo is the job's side failing while it received the body; any other
  // error is the client's body (too large, cut off, multipart).
  const Status& body_status = exchange.body_status;
  if (!body_status.ok() && body_status.error().code != ErrorCode::kIo) {
    return ReplyBodyReadError(response, body_status.error());
  }
  std::string reason =
      body_status.ok() ? httplib::to_string(exchange.error) : body_status.error().message;
  spdlog::warn("event=passthrough_failed job={} port={} method={} error={}", route.job_name, port,
               method, Quote(reason));
  ReplyText(response, 404,
            "cannot forward the request to continuous job " + QuoteForMessage(route.job_name) +
                " at 127.0.0.1:" + std::to_string(port) + ": " + reason +
                "; the job must serve HTTP on the port in its WEBJOBS_PORT variable");
}

// Copies the job's status and headers into `response` and sets a content
// provider that streams the job's body. The provider's releaser, or this
// function when there is no body, ends the exchange and joins `worker`.
void SendJobResponse(const httplib::Request& http, std::shared_ptr<Exchange> exchange,
                     std::shared_ptr<std::thread> worker, httplib::Response& response) {
  response.status = exchange->status;
  std::string content_type = "application/octet-stream";
  std::optional<size_t> length;
  for (const auto& [name, value] : exchange->headers) {
    if (EqualsIgnoringAsciiCase(name, "Content-Type")) content_type = value;
    if (EqualsIgnoringAsciiCase(name, "Content-Length")) length = ParseContentLength(value);
    if (IsDroppedResponseHeader(name) || SetsHostCookie(name, value)) continue;
    response.headers.emplace(name, value);
  }
  response.headers.emplace("Content-Security-Policy", std::string(kJobContentSecurityPolicy));

  auto release = [exchange, worker](bool) {
    {
      std::lock_guard lock(exchange->mutex);
      exchange->cancelled = true;
    }
    exchange->changed.notify_all();
    if (worker->joinable()) worker->join();
  };
  if (http.method == "HEAD" && length.value_or(0) > 0) {
    // httplib writes the provider's length as Content-Length and never
    // calls the provider for HEAD.
    response.set_content_provider(
        *length, content_type, [](size_t, size_t, httplib::DataSink&) { return false; }, release);
    return;
  }
  bool has_body = http.method != "HEAD" && response.status >= 200 && response.status != 204 &&
                  response.status != 304 && length.value_or(1) > 0;
  if (!has_body) {
    release(true);
    if (response.status >= 400) {
      // An empty provider marks the response as the job's, so the
      // server's error handler leaves it alone instead of adding its text.
      response.set_chunked_content_provider(content_type, [](size_t, httplib::DataSink& sink) {
        sink.done();
        return true;
      });
    } else if (exchange->headers.count("Content-Type") > 0) {
      response.set_header("Content-Type", content_type);
    }
    return;
  }

  // httplib slices a body of known length by the request's Range header,
  // but the job has applied that header already. A chunked body is sent
  // as it is.
  if (length && http.ranges.empty()) {
    response.set_content_provider(
        *length, content_type,
        [exchange](size_t, size_t, httplib::DataSink& sink) {
          bool complete = false;
          std::optional<std::string> chunk = NextChunk(*exchange, sink, complete);
          // A body that ends before its Content-Length is cut off.
          return chunk && sink.write(chunk->data(), chunk->size());
        },
        release);
    return;
  }
  response.set_chunked_content_provider(
      content_type,
      [exchange](size_t, httplib::DataSink& sink) {
        bool complete = false;
        std::optional<std::string> chunk = NextChunk(*exchange, sink, complete);
        if (chunk) return sink.write(chunk->data(), chunk->size());
        if (complete) sink.done();
        return complete;
      },
      release);
}

}  // namespace

void PassthroughHandler::Forward(const Route& route, RequestContext& context,
                                 httplib::Response& response) {
  Result<JobView> job = service_.GetJob(JobType::kContinuous, route.job_name);
  if (!job.ok()) return ReplyError(response, job.error());
  if (!job->port) {
    return ReplyText(response, 404,
                     "continuous job " + QuoteForMessage(route.job_name) +
                         " is not running on this instance (status " + job->status +
                         "), so nothing receives passthrough requests; start it with POST "
                         "/api/continuouswebjobs/" +
                         route.job_name + "/start");
  }
  int port = *job->port;

  const httplib::Request& http = context.http;
  bool with_body = http.method != "GET" && http.method != "HEAD" && context.body.has_content();
  auto exchange = std::make_shared<Exchange>();
  auto worker = std::make_shared<std::thread>(ExchangeWithJob, exchange, port,
                                              BuildJobRequest(route, http, with_body),
                                              with_body ? &context.body : nullptr, max_body_bytes_);
  {
    std::unique_lock lock(exchange->mutex);
    exchange->changed.wait(lock, [&] { return exchange->has_headers || exchange->finished; });
  }

  if (!exchange->has_headers) {
    worker->join();
    return ReplyExchangeFailure(route, port, http.method, *exchange, response);
  }
  SendJobResponse(http, exchange, worker, response);
}

}  // namespace webjobs
