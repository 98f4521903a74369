// Parser for the Content-Disposition header of a job upload (RFC 6266),
// which carries the name of the uploaded file.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

// Returns the file name from a Content-Disposition header value such as
// `attachment; filename="J.zip"`. The `filename` parameter may be a token
// or a quoted string (backslash escapes are removed). The RFC 5987 form
// `filename*=UTF-8''na%C3%AFve.sh` (charset UTF-8 or ISO-8859-1, result in
// UTF-8) takes precedence when both are present and it decodes. Parameter
// names are case-insensitive. The name is returned as sent: pass it through
// SanitizeUploadFileName before it touches a path.
// Returns kInvalidArgument when there is no usable filename parameter or
// the header is malformed (an unterminated quoted string, bad
// percent-encoding, an unknown charset).
Result<std::string> ParseContentDispositionFileName(std::string_view header_value);

}  // namespace webjobs
