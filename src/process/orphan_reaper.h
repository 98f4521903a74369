// Reaping orphaned descendants of job processes.
//
// A job may leave processes behind (`sleep 600 &`, double forks). When
// the daemon is a child subreaper, such orphans are re-parented to the
// daemon instead of to init, so they stay visible, and once they exit the
// daemon must reap them or they remain zombies.
//
// Tracked children (the job processes that the supervisor has a pidfd
// for) must not be reaped here, because ReapChild() collects their exit
// status. So
// there is no waitpid(-1): ReapOrphans() waits only for untracked ones. Never set SIGCHLD to
// SIG_IGN either: the kernel then reaps every child itself and ReapChild() fails with ECHILD.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>

#include "core/result.h"
#include "process/unique_fd.h"

namespace webjobs {

// Makes the calling process a child subreaper (prctl
// PR_SET_CHILD_SUBREAPER). kIo when the kernel rejects the call.
Status BecomeSubreaper();

// Reaps the exited children (zombies) of this process for which
// `is_tracked(pid)` returns false, and returns how many it reaped. It calls
// waitid(WNOWAIT) to find the child that exited and stops at the first tracked zombie,
// so it costs a few system calls and never scans /proc. The owner of that
// tracked child must call ReapOrphans again after reaping it, so that the
// zombies behind it are reached (JobProcess does this on every exit). Live
// children are left alone. Call it on the thread that spawns and tracks
// children (the event loop): a child spawned but not yet tracked would
// otherwise look like an orphan.
size_t ReapOrphans(const std::function<bool(pid_t)>& is_tracked);

// Blocks SIGCHLD in the calling thread and returns a non-blocking,
// close-on-exec signalfd that becomes readable when SIGCHLD arrives. Call
// it in the main thread before any other thread starts, so every thread
// inherits the blocked mask. Otherwise the kernel may deliver SIGCHLD to a
// thread that does not block it, and the signalfd never receives it. Children
// spawned by PosixProcessSpawner start with an empty mask.
Result<UniqueFd> CreateChildSignalFd();

// Reads all pending notifications from a signalfd made by
// CreateChildSignalFd(). Several exits may coalesce into one notification,
// so the caller then checks every child (ReapOrphans, tracked pidfds).
void DrainSignalFd(int signal_fd);

}  // namespace webjobs
