// A free TCP port on 127.0.0.1 for a continuous job's WEBJOBS_PORT, where
// the job may serve HTTP for the passthrough route.
#pragma once

#include "core/result.h"

namespace webjobs {

// Binds a socket to 127.0.0.1 port 0, reads the port the kernel chose and
// closes the socket. Returns kIo naming the failed call and errno's text.
// NOTE: the port is free when this returns, but nothing reserves it, so
// another process may bind it before the job does.
Result<int> PickFreeLoopbackPort();

}  // namespace webjobs
