// Composition root: builds one host from its configuration (store, event
// loop, job manager, HTTP server) and runs it until SIGTERM or SIGINT.
#pragma once

#include "host/host_config.h"

namespace webjobs {

// Exit codes of `webjobs serve`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;       // bad flags or settings
inline constexpr int kExitStartFailed = 70;  // root, store or listen address unusable

// Runs the host in the calling thread and returns an exit code above.
// Logs why it failed before returning a non-zero code.
int RunHost(const HostConfig& config);

}  // namespace webjobs
