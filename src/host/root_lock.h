// The lock that keeps a second host off a data root.
//
// Two hosts on one root would each run every scheduled slot and mark the
// other's runs as aborted at start. The host takes an exclusive flock(2) on
// data/host.lock before it opens the store, and holds it until it exits.
// The kernel releases it when the process dies, so a crash leaves no stale
// lock. The file carries the holder's pid for the error message.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "process/unique_fd.h"

namespace webjobs {

// Locks `file`, creating it when needed, and writes this process's pid
// into it. The returned descriptor holds the lock; it is close-on-exec, so
// job processes never inherit it. kConflict, naming the root and the
// holder's pid, when another process holds the lock; kIo when the file
// cannot be opened.
Result<UniqueFd> LockRoot(const std::filesystem::path& file, const std::filesystem::path& root);

}  // namespace webjobs
