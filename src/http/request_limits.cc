#include "http/request_limits.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string_view>

#include "http/http_reply.h"

namespace webjobs {
namespace {

// Fields httplib inserts after it has read the headers.
constexpr std::array<std::string_view, 4> kAddedFields = {"REMOTE_ADDR", "REMOTE_PORT",
                                                          "LOCAL_ADDR", "LOCAL_PORT"};

bool IsAddedField(std::string_view name) {
  return std::find(kAddedFields.begin(), kAddedFields.end(), name) != kAddedFields.end();
}

}  // namespace

size_t RequestHeaderBytes(const httplib::Request& request) {
  size_t total = 0;
  for (const auto& [name, value] : request.headers) {
    if (IsAddedField(name)) continue;
    total += name.size() + 2 + value.size() + 2;
  }
  return total;
}

bool HeaderReadFailed(const httplib::Request& request) {
  // httplib 0.11.4 sets the path only once method and version are valid,
  // and then still rejects a target with a second '?'. It adds REMOTE_ADDR
  // only after the headers were read.
  if (request.path.empty() || request.has_header("REMOTE_ADDR")) return false;
  return std::count(request.target.begin(), request.target.end(), '?') <= 1;
}

void ReplyTextAndClose(httplib::Response& response, int status, std::string text) {
  auto body = std::make_shared<const std::string>(std::move(text));
  response.status = status;
  response.body.clear();
  response.headers.erase("Content-Type");
  response.set_header("Connection", "close");
  // httplib closes the connection when a content provider returns false.
  // This one writes the whole body first, so the client still gets a
  // complete response with a correct Content-Length.
  response.set_content_provider(
      body->size(), std::string(kTextContentType),
      [body](size_t offset, size_t length, httplib::DataSink& sink) {
        sink.write(body->data() + offset, std::min(length, body->size() - offset));
        return false;
      });
}

}  // namespace webjobs
