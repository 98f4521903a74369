// Writing responses: status codes for error values, plain-text error
// bodies, JSON bodies, and the base URL that job and run JSON link to.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

inline constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";
inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// Maps an error code to its HTTP status: kInvalidArgument and kTooLarge
// 400 (limits of a package are a bad request, not a body over the server's
// limit), kNotFound 404, kConflict 409, kUnavailable 503, kIo and
// kInternal 500.
int HttpStatusFor(ErrorCode code);

// Serializes `value` compactly. Bytes that are not valid UTF-8 (job output,
// names from disk) become U+FFFD instead of throwing.
std::string DumpJson(const nlohmann::json& value);

void ReplyText(httplib::Response& response, int status, std::string_view text);
void ReplyJson(httplib::Response& response, int status, const nlohmann::json& value);
// Replies with `text`, already serialized JSON.
void ReplyJsonText(httplib::Response& response, int status, const std::string& text);
// Replies with the error's status and its message as plain text.
void ReplyError(httplib::Response& response, const Error& error);
// Replies to a request body that could not be read: 413 for kTooLarge
// (the body exceeds a server limit), the status of the error code otherwise.
void ReplyBodyReadError(httplib::Response& response, const Error& error);
// Replies with `status` and no body.
void ReplyEmpty(httplib::Response& response, int status = 200);

// Sets the ETag header to `entity_tag`. When the request's If-None-Match
// matches it, also replies 304 with no body and returns true.
bool ReplyNotModifiedIfMatches(const httplib::Request& request, httplib::Response& response,
                               const std::string& entity_tag);

// JSON bodies shorter than this go out uncompressed: below it gzip saves
// less than the cost of compressing for every request.
inline constexpr size_t kMinGzipBodyBytes = 1024;

// Returns true when the request's Accept-Encoding headers allow a gzip
// body (see AcceptsGzip()).
bool RequestAcceptsGzip(const httplib::Request& request);

// Replies with `gzip`, a JSON body already compressed as a gzip member,
// with Content-Encoding and Vary headers.
void ReplyGzipJson(httplib::Response& response, int status, const std::string& gzip);

// Prepares a finished reply for the request's Accept-Encoding. Compresses
// a JSON body of kMinGzipBodyBytes or more when the client accepts gzip.
// Marks the ETag of such a client's reply as weak (RFC 9110, 8.8.3.3)
// whether or not its body was compressed, so a 304 carries the tag of the
// 200. Plain-text bodies are left to httplib, which compresses text/* for
// clients that accept gzip. Sets Vary: Accept-Encoding on JSON replies
// whose body depends on it.
void EncodeJsonReply(const httplib::Request& request, httplib::Response& response);

// Returns "http://" ("https://" when `tls`) followed by the request's Host
// header, or by the local address and port when the request has none
// (HTTP/1.0).
std::string RequestBaseUrl(const httplib::Request& request, bool tls = false);

}  // namespace webjobs
