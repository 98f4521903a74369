// Daemon logging: one line per event, key=value fields, UTC timestamps.
//
// Call sites use spdlog directly with key=value format strings, for example
//   spdlog::info("event=run_start job={} run={} pid={}", name, run_id, pid);
// Values that may contain spaces go through Quote(). Never log a secret.
#pragma once

#include <string>
#include <string_view>

namespace webjobs {

// Sets the default spdlog logger to stderr with the line format
// "2026-12-04T19:30:15.123Z level=info event=... key=value". `level` is one
// of trace, debug, info, warn, error; unknown names mean info. A later
// call only changes the level.
void InitLogging(std::string_view level);

// Returns `value` in double quotes with `"`, `\` and control characters
// escaped, for use as a log field value.
std::string Quote(std::string_view value);

}  // namespace webjobs
