// The body of one request, read on demand and at most once.
//
// The API registers its POST, PUT, DELETE and PATCH routes with httplib's
// ContentReader form, so httplib reads nothing before the handler runs.
// Uploads stream to disk, and a POST without Content-Length is taken as
// empty instead of being read until the connection closes, as httplib 0.11
// otherwise does (RunWithoutContentLengthReturnsPromptly tests this). A
// body the handler did not read is drained by Discard(), so the next
// request on a keep-alive connection starts at the right byte.
//
// Not thread-safe: one request, one thread.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

class RequestBody {
 public:
  // How much of a refused body is read and dropped before the connection
  // is closed under a client that keeps sending.
  static constexpr uint64_t kMaxDrainBytes = 64ull << 20;

  // `reader` is null for requests routed without a ContentReader (GET).
  // All three must outlive this object.
  RequestBody(const httplib::Request& request, httplib::Response& response,
              const httplib::ContentReader* reader);

  // True when the request announces a body: Content-Length above zero or
  // chunked transfer encoding.
  bool has_content() const;

  // Passes the body in chunks to `sink` until it ends or `sink` returns an
  // error. That error is returned, after the rest of the body (up to
  // kMaxDrainBytes) is read and dropped: a client may still be sending,
  // and it must receive the reply. Returns kTooLarge when the body exceeds
  // the server's payload limit (httplib checks Content-Length), and
  // kInvalidArgument when the body cannot be read (connection closed, bad
  // chunked encoding) or is multipart/form-data, which the API does not
  // take. A second call returns kInternal.
  Status Read(const std::function<Status(std::string_view chunk)>& sink);

  // Reads the whole body into a string. Returns kTooLarge above `max_bytes`.
  Result<std::string> ReadToString(size_t max_bytes);

  // Reads and drops the body unless a handler has read it: at most about
  // 2 * kMaxDrainBytes, after which httplib closes the connection.
  void Discard();

 private:
  bool IsMultipart() const;
  Status ReadFailure();

  const httplib::Request& request_;
  httplib::Response& response_;
  const httplib::ContentReader* reader_;
  bool consumed_ = false;
};

}  // namespace webjobs
