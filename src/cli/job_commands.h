// Client commands about jobs: list, deploy, start, stop, delete. Each
// writes its result to `out` and returns Ok, or the Error to report
// (kUnavailable when the host cannot be reached).
#pragma once

#include <ostream>

#include "cli/api_client.h"
#include "cli/command_line.h"

namespace webjobs {

// Prints the jobs as a table (or the API's JSON with --json). A job's
// error, if any, goes to `err` as a warning.
Status RunListCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                      std::ostream& err);
// Uploads flags.file, streamed, as a zip or a single script. Prints the
// job, and writes the upload's warnings to `err`.
Status RunDeployCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                        std::ostream& err);
Status RunStartCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out);
Status RunStopCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out);
Status RunDeleteCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out);

}  // namespace webjobs
