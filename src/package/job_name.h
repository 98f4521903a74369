// Checks for names that come from a request and become part of a path:
// job names, run ids and upload file names. Nothing from a request reaches
// the file system without passing one of these. All functions are pure and
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

inline constexpr size_t kMaxNameBytes = 255;  // NAME_MAX on Linux file systems

// Accepts a job name that follows the Azure portal's rule: a letter or digit,
// then letters, digits, '-' and '_' (`^[A-Za-z0-9][A-Za-z0-9_-]*$`), at most
// 255 bytes. The value is the already URL-decoded route segment, so "..",
// ".", separators, '%', NUL and anything else outside the rule fail.
// Returns kInvalidArgument naming the value and stating the rule.
Status ValidateJobName(std::string_view name);

// Accepts a run id: exactly 18 ASCII digits, the form Kudu uses (the UTC
// start time as yyyyMMddHHmmssffff). Returns kInvalidArgument otherwise.
Status ValidateRunId(std::string_view run_id);

// Turns the file name of an upload's Content-Disposition header into a safe
// single file name, as Kudu does: one pair of surrounding double quotes is
// removed, then everything up to the last '/' or '\' (so
// "../../../etc/x.sh" becomes "x.sh"). Returns kInvalidArgument when the
// result is empty, "." or "..", contains a control character, is not valid
// UTF-8, or is longer than 255 bytes.
Result<std::string> SanitizeUploadFileName(std::string_view content_disposition_filename);

}  // namespace webjobs
