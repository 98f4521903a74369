// `webjobs serve`: runs the host in the foreground until SIGTERM or SIGINT.
#pragma once

#include <ostream>

#include "cli/command_line.h"

namespace webjobs {

// Builds the configuration from `flags` and the environment and runs the
// host. Returns the host's exit code, or 64 after writing why to `err`
// when a flag is invalid. Warns on `err` when the API will serve plain HTTP
// on an address other than loopback (allowed by --trusted-network).
int RunServeCommand(const ServeFlags& flags, std::ostream& err);

}  // namespace webjobs
