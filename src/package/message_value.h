// Safe rendering of untrusted values (names from requests, zip entry names,
// settings values) inside error messages.
#pragma once

#include <string>
#include <string_view>

namespace webjobs {

// Returns `value` in double quotes for an error message. `"` and `\` are
// escaped, and control characters and bytes that are not well-formed UTF-8
// are written as \xNN. A value longer than `max_bytes` is cut at a
// character boundary and followed by "... (N bytes)". The result is always
// valid UTF-8 and of bounded size.
std::string QuoteForMessage(std::string_view value, size_t max_bytes = 120);

// Same as QuoteForMessage without the surrounding quotes and without
// escaping `"` and `\`, for text that is already a sentence (a library's
// error message that may echo input bytes).
std::string EscapeForMessage(std::string_view text, size_t max_bytes = 400);

// Returns the message of a library exception for a user: nlohmann::json's
// "[json.exception.type_error.302] " id is removed, because it names the
// library's class and not the problem, and the rest is escaped as by
// EscapeForMessage.
std::string DescribeLibraryError(std::string_view what);

}  // namespace webjobs
