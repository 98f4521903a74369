// Size limits on request lines and headers, and the replies that reject a
// request over them.
//
// cpp-httplib 0.11.4 (the version Debian 12 ships) reads each line whole
// before it checks the line's length. A request line over 8192 bytes gets
// 414. A header line over 8192 bytes makes it give up on the headers with
// 400, the same status it uses when the client stops sending them within
// the read timeout. It has no limit on the number of header lines, so the
// API server adds one on their total size (kMaxRequestHeaderBytes).
#pragma once

#include <httplib.h>

#include <cstddef>
#include <string>

namespace webjobs {

// httplib's CPPHTTPLIB_REQUEST_URI_MAX_LENGTH and
// CPPHTTPLIB_HEADER_MAX_LENGTH, compiled into the shared library.
inline constexpr size_t kMaxRequestLineBytes = 8192;
inline constexpr size_t kMaxHeaderLineBytes = 8192;
// Largest total of all header lines of a request, as sent.
inline constexpr size_t kMaxRequestHeaderBytes = 64 * 1024;

// The size of the request's header lines as sent: name, ": ", value and
// CRLF of each. Leaves out the fields that httplib adds itself
// (REMOTE_ADDR, REMOTE_PORT, LOCAL_ADDR, LOCAL_PORT).
size_t RequestHeaderBytes(const httplib::Request& request);

// True when httplib accepted the request line and then failed while it read
// the header lines: one was longer than kMaxHeaderLineBytes, or the client
// stopped sending. Meaningful only inside the error handler of a 400.
bool HeaderReadFailed(const httplib::Request& request);

// Replies with `status` and `text` as plain text, then makes httplib close
// the connection. Rejected requests may leave unread bytes (more headers,
// a body) that would otherwise be parsed as the next request.
void ReplyTextAndClose(httplib::Response& response, int status, std::string text);

}  // namespace webjobs
