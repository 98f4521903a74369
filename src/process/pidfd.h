// Process file descriptors (pidfds, Linux 5.3 and later).
//
// A pidfd refers to one process and never to a later process that reuses
// its pid, so signalling through it cannot hit an unrelated process. It
// becomes readable (poll/epoll) when the process exits.
//
// The wrappers call syscall() directly because glibc 2.36's
// <sys/pidfd.h> lacks extern "C" and does not link from C++.
#pragma once

#include <sys/types.h>

#include "core/result.h"
#include "process/unique_fd.h"

namespace webjobs {

// Opens a close-on-exec pidfd for `pid`. Fails with kNotFound when no
// such process exists and with kIo for other errors (EMFILE, ENOSYS).
Result<UniqueFd> OpenPidfd(pid_t pid);

// Sends `signal` to the process behind `pidfd`. Returns 0 on success or
// the errno value (ESRCH when the process has already exited).
int SendSignalToPidfd(int pidfd, int signal);

}  // namespace webjobs
