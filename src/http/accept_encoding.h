// Reading a request's Accept-Encoding header (RFC 9110, section 12.5.3).
// Pure functions, thread-safe.
#pragma once

#include <string_view>

namespace webjobs {

// Returns true when `accept_encoding`, the header's value (several headers
// joined with commas), allows a gzip body: "gzip" or "x-gzip" with a
// q-value above 0, or "*" above 0 while gzip is not listed. A q-value of 0
// rejects the coding. Names and the "q" parameter are case-insensitive, and
// a member that cannot be parsed (a bad q-value) counts as absent.
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace webjobs
