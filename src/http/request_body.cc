#include "http/request_body.h"

#include "package/ascii_case.h"

namespace webjobs {

RequestBody::RequestBody(const httplib::Request& request, httplib::Response& response,
                         const httplib::ContentReader* reader)
    : request_(request), response_(response), reader_(reader) {}

bool RequestBody::has_content() const {
  if (request_.has_header("Content-Length")) {
    return request_.get_header_value("Content-Length") != "0";
  }
  return EqualsIgnoringAsciiCase(request_.get_header_value("Transfer-Encoding"), "chunked");
}

bool RequestBody::IsMultipart() const {
  std::string type = ToLowerAscii(request_.get_header_value("Content-Type"));
  return type.rfind("multipart/form-data", 0) == 0;
}

Status RequestBody::Read(const std::function<Status(std::string_view chunk)>& sink) {
  if (consumed_) return InternalError("the request body was read twice");
  consumed_ = true;
  if (reader_ == nullptr || !has_content()) return Status::Ok();

  if (IsMultipart()) {
    // httplib parses multipart bodies itself and needs both callbacks,
    // because the plain reader would call an empty one.
    (*reader_)([](const httplib::MultipartFormData&) { return true; },
               [](const char*, size_t) { return true; });
    return InvalidArgument(
        "multipart/form-data bodies are not accepted: send the file itself as the request body "
        "with Content-Type application/zip or application/octet-stream");
  }

  // After the sink refuses the body, the rest is read and dropped, up to
  // kMaxDrainBytes. Closing a socket with unread input makes the kernel
  // send a reset, and a client that is still sending then loses the error
  // reply before it can read it.
  Status sink_status;
  uint64_t drained = 0;
  bool complete = (*reader_)([&](const char* data, size_t size) {
    if (!sink_status.ok()) {
      drained += size;
      return drained <= kMaxDrainBytes;
    }
    sink_status = sink(std::string_view(data, size));
    return true;
  });
  if (!sink_status.ok()) return sink_status;
  if (!complete) return ReadFailure();
  return Status::Ok();
}

Status RequestBody::ReadFailure() {
  // httplib stores why reading stopped in the response status.
  if (response_.status == 413) {
    return TooLarge(
        "the request body is larger than the server's upload limit; raise "
        "--max-upload-bytes of `webjobs serve` or send a smaller body");
  }
  return InvalidArgument(
      "failed to read the request body: the connection closed early or the chunked encoding "
      "is invalid");
}

Result<std::string> RequestBody::ReadToString(size_t max_bytes) {
  std::string body;
  Status read = Read([&](std::string_view chunk) -> Status {
    if (body.size() + chunk.size() > max_bytes) {
      return TooLarge("the request body is larger than " + std::to_string(max_bytes) +
                      " bytes, the limit for this request; send a smaller body");
    }
    body.append(chunk);
    return Status::Ok();
  });
  if (!read.ok()) return read.error();
  return body;
}

void RequestBody::Discard() {
  if (consumed_) return;
  uint64_t dropped = 0;
  Status ignored = Read([&dropped](std::string_view chunk) -> Status {
    dropped += chunk.size();
    if (dropped <= kMaxDrainBytes) return Status::Ok();
    return TooLarge("the unread request body exceeds the drain limit");
  });
  (void)ignored;
}

}  // namespace webjobs
