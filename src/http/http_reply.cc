#include "http/http_reply.h"

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
