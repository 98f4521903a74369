// Entry point of the client commands (everything except `serve`).
#pragma once

#include <ostream>

#include "cli/command_line.h"

namespace webjobs {

// Runs `command` against the host at command.client.url. Results go to
// `out`, and errors go to `err` as "webjobs: error: <message>". Returns
// kExitSuccess, kExitRequestFailed (the host rejected the request or the
// run failed), kExitCliUsage (invalid --url) or kExitUnreachable.
int RunClientCommand(const CommandLine& command, std::ostream& out, std::ostream& err);

}  // namespace webjobs
