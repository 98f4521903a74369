#include "http/http_reply.h"

#include "http/accept_encoding.h"
#include "http/deflate_piece.h"
#include "http/entity_tag.h"

namespace webjobs {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kTooLarge:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void ReplyText(httplib::Response& response, int status, std::string_view text) {
  response.status = status;
  response.headers.erase("Content-Type");
  response.set_content(text.data(), text.size(), std::string(kTextContentType));
}

void ReplyJson(httplib::Response& response, int status, const nlohmann::json& value) {
  response.status = status;
  response.headers.erase("Content-Type");
  response.set_content(DumpJson(value), std::string(kJsonContentType));
}

void ReplyJsonText(httplib::Response& response, int status, const std::string& text) {
  response.status = status;
  response.headers.erase("Content-Type");
  response.set_content(text, std::string(kJsonContentType));
}

void ReplyError(httplib::Response& response, const Error& error) {
  ReplyText(response, HttpStatusFor(error.code), error.message);
}

void ReplyBodyReadError(httplib::Response& response, const Error& error) {
  int status = error.code == ErrorCode::kTooLarge ? 413 : HttpStatusFor(error.code);
  ReplyText(response, status, error.message);
}

void ReplyEmpty(httplib::Response& response, int status) {
  response.status = status;
  response.body.clear();
}

bool ReplyNotModifiedIfMatches(const httplib::Request& request, httplib::Response& response,
                               const std::string& entity_tag) {
  response.set_header("ETag", entity_tag);
  if (!request.has_header("If-None-Match")) return false;
  if (!IfNoneMatchMatches(request.get_header_value("If-None-Match"), entity_tag)) return false;
  ReplyEmpty(response, 304);
  return true;
}

bool RequestAcceptsGzip(const httplib::Request& request) {
  size_t count = request.get_header_value_count("Accept-Encoding");
  if (count == 0) return false;
  std::string joined;
  for (size_t index = 0; index < count; ++index) {
    if (index > 0) joined += ',';
    joined += request.get_header_value("Accept-Encoding", index);
  }
  return AcceptsGzip(joined);
}

void ReplyGzipJson(httplib::Response& response, int status, const std::string& gzip) {
  ReplyJsonText(response, status, gzip);
  response.set_header("Content-Encoding", "gzip");
  response.set_header("Vary", "Accept-Encoding");
}

void EncodeJsonReply(const httplib::Request& request, httplib::Response& response) {
  bool json = response.get_header_value("Content-Type") == kJsonContentType;
  bool encoded = response.has_header("Content-Encoding");
  if (!json && response.status != 304) return;
  bool gzip = RequestAcceptsGzip(request);
  if (gzip && response.has_header("ETag")) {
    std::string tag = response.get_header_value("ETag");
    if (tag.starts_with('"')) {
      response.headers.erase("ETag");
      response.set_header("ETag", "W/" + tag);
    }
  }
  if (!json || encoded || response.body.size() < kMinGzipBodyBytes) return;
  response.set_header("Vary", "Accept-Encoding");
  if (!gzip) return;
  response.body = GzipText(response.body, kFastCompression);
  response.set_header("Content-Encoding", "gzip");
}

std::string RequestBaseUrl(const httplib::Request& request, bool tls) {
  std::string host = request.get_header_value("Host");
  if (host.empty()) {
    bool ipv6 = request.local_addr.find(':') != std::string::npos;
    host = ipv6 ? "[" + request.local_addr + "]" : request.local_addr;
    host += ":" + std::to_string(request.local_port);
  }
  return (tls ? "https://" : "http://") + host;
}

}  // namespace webjobs
