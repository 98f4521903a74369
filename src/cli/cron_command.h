// `webjobs cron EXPR [--time-zone ZONE] [--from INSTANT] [--count N] [--json]`:
// prints the next occurrences of a schedule with notes on moved and
// repeated times. It is computed on this machine with the host's schedule
// engine, so it needs no running host. The default zone is
// WEBSITE_TIME_ZONE, else the system zone, as for a host started in the
// same environment.
//
// ParseCommandLine (cli/command_line.h) parses its arguments into CronFlags.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

#include "core/result.h"
#include "http/schedule_handlers.h"

namespace webjobs {

struct CronFlags {
  // The words of EXPR joined by single spaces, so both `cron '0 0 2 * * *'`
  // and `cron 0 0 2 '*' '*' '*'` work.
  std::string expression;
  std::optional<std::string> time_zone;
  std::optional<std::string> from;
  int count = kDefaultPreviewCount;
  bool json = false;
};

// Prints the preview to `out`: a header line with the expression, its
// expanded form and the zone, then one line per occurrence, or the JSON of
// GET /api/schedule/preview with flags.json. `default_zone` (nullptr means
// UTC) applies without --time-zone, and `now` without --from. Returns
// kInvalidArgument with the parser's message for an invalid expression,
// zone, instant or count.
Status PrintCronPreview(const CronFlags& flags, const date::time_zone* default_zone,
                        std::chrono::system_clock::time_point now, std::ostream& out);

// Runs the command with the default zone of the environment and the
// current time. Errors go to `err` as "webjobs: error: <message>". Returns
// kExitSuccess, kExitCliUsage for invalid input, or kExitRequestFailed
// when the zone's data file cannot be read.
int RunCronCommand(const CronFlags& flags, std::ostream& out, std::ostream& err);

}  // namespace webjobs
