// Splitting a request target into path segments, each decoded on its own.
//
// httplib 0.11 percent-decodes the whole path before its regex routes see
// it, so "/api/triggeredwebjobs/..%2F..%2Fx" would arrive there as
// "/api/triggeredwebjobs/../../x". The API routes on the raw target
// instead: it is split at '/' first and each segment is decoded afterwards,
// so an encoded '/' stays inside its segment, where name validation
// rejects it. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace webjobs {

// Returns the decoded segments of the path part of `target` (the query and
// fragment are cut off first). "/a/b%2Fc/" gives {"a", "b/c", ""}: empty
// segments are kept. '+' stays '+' (it means a space only in queries).
// Returns kInvalidArgument when the target does not start with '/' or
// contains a '%' not followed by two hex digits.
Result<std::vector<std::string>> SplitRequestPath(std::string_view target);

// Returns the path part of `target`, still encoded, for log lines: the
// query is left out because it may carry job arguments.
std::string_view RequestTargetPath(std::string_view target);

// Percent-encodes every byte except RFC 3986 unreserved characters
// (letters, digits, '-', '.', '_', '~'), for one path segment or one query
// value.
std::string PercentEncode(std::string_view text);

}  // namespace webjobs
