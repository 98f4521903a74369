// Client commands about triggered runs and logs: run, cancel, history,
// logs. Each writes its result to `out` and returns Ok, or the Error to
// report (kUnavailable when the host cannot be reached).
#pragma once

#include <chrono>
#include <ostream>

#include "cli/api_client.h"
#include "cli/command_line.h"

namespace webjobs {

// Starts a run and prints its id. With flags.wait, polls the run every
// `poll_interval` until it ends, prints its output, and returns an error
// naming the final status unless it is Success.
Status RunRunCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                     std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500));
Status RunCancelCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out);
// Prints the runs as a table (or the API's JSON with --json).
Status RunHistoryCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out);
// Prints the output of run flags.run_id (the latest run when empty) of a
// triggered job, or the job_log.txt of a continuous job, byte for byte.
// With flags.follow, prints the output as it arrives from the event stream
// instead, reconnecting with Last-Event-ID (after `reconnect_delay`) when
// the connection drops. For a run it returns when the run ends: Ok for
// Success, else an error naming the status. A continuous job is followed
// until it is deleted or the host goes away.
Status RunLogsCommand(ApiClient& client, const ClientFlags& flags, std::ostream& out,
                      std::chrono::milliseconds reconnect_delay = std::chrono::seconds(1));

}  // namespace webjobs
