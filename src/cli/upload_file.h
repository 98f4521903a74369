// Zip detection and the Content-Disposition header of `webjobs deploy`.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace webjobs {

// True when `file` is a zip package: its name ends in ".zip" (any case) or
// it starts with a zip signature ("PK\3\4" for a local file header,
// "PK\5\6" for an empty archive). A ".jar" or ".war" file is never a
// package, because the file itself is the job. kIo when the file cannot be
// read.
Result<bool> IsZipFile(const std::filesystem::path& file);

// Returns a Content-Disposition value naming `file_name`:
// `attachment; filename="run.sh"`, with '"' and '\' escaped. A name that is
// not printable ASCII gets '_' for those bytes there, followed by
// `filename*=UTF-8''...` with the exact name, which the host prefers.
std::string ContentDispositionFor(std::string_view file_name);

}  // namespace webjobs
