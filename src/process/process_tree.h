// Finding, signalling and killing every process of a job.
//
// A job's processes are found two ways, because each alone misses some:
// - the process group: the job's main process leads its own group, and
//   its children stay in it unless they call setsid() or setpgid();
// - an environment marker: the supervisor puts WEBJOBS_JOB_MARKER=<value>
//   into the job's environment, every descendant inherits it, and a scan of
//   /proc/*/environ finds the processes that left the group (setsid, double
//   fork) and grandchildren orphaned to another parent.
// Kudu finds a job's processes by a per-job environment marker as well.
//
// NOTE: a process that both clears its environment and leaves the group
// escapes both searches. Placing each job in its own cgroup v2 and writing
// cgroup.kill would close that gap.
//
// The process-group id of a job is the main process's pid. Call these
// functions before that process is reaped: while it is a zombie its pid,
// and so the group id, cannot be reused by an unrelated process.
//
// Thread-safe (no shared state); the scans read /proc and may block
// briefly on it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/job_type.h"
#include "core/result.h"

namespace webjobs {

inline constexpr std::string_view kJobMarkerVariable = "WEBJOBS_JOB_MARKER";

// Returns the environment entry that marks a job's processes:
// "WEBJOBS_JOB_MARKER=<instance>:<type>:<job_name>" plus ":<run_id>" when
// `run_id` is not empty. '%' and ':' inside the parts are written as %25
// and %3A, so that no two jobs or runs share a marker.
std::string MakeJobMarker(std::string_view instance, JobType type, std::string_view job_name,
                          std::string_view run_id = {});

// Returns the live processes (zombies excluded) whose environment
// contains exactly the entry `marker_entry` ("KEY=VALUE"), skipping the
// calling process. Processes that exit during the scan or whose
// environment cannot be read are skipped. An entry without '=' finds
// nothing.
std::vector<pid_t> FindMarkedProcesses(std::string_view marker_entry);

// Returns the live processes that are in `process_group` (ignored when
// <= 0) or carry `marker_entry` (ignored when empty), each pid once.
std::vector<pid_t> FindJobProcesses(pid_t process_group, std::string_view marker_entry);

// Sends `signal` to the process group and to every marked process outside
// it. A process therefore gets the signal once, which matters because some
// programs treat a second SIGTERM as "exit now" (only a process that leaves
// the group during the call can get it twice). Signals go through pidfds
// after the marker is checked again, so a reused pid is never hit.
// Processes that are gone count as success. kIo lists the pids that could
// not be signalled (EPERM).
Status SignalJobProcesses(pid_t process_group, std::string_view marker_entry, int signal);

// Sends SIGKILL to the group and to every marked process, waits for them
// to die, and repeats until a scan finds none. A process that keeps
// forking races each scan, so this gives up after kMaxKillRounds rounds.
// Blocks for at most about kMaxKillRounds x 100 ms plus the scans, and
// usually for a few milliseconds. Returns the number of distinct processes
// it found alive and killed. kIo names the pids still alive after the last
// round or that could not be signalled.
inline constexpr int kMaxKillRounds = 50;
Result<size_t> KillJobProcesses(pid_t process_group, std::string_view marker_entry);

// Returns the CPU time of `pids` in clock ticks (sysconf(_SC_CLK_TCK) per
// second): user and system time, plus the time of children they have
// waited for. The children's share keeps the sum growing when the work
// happens in short-lived child processes that finish between two samples.
// Processes that no longer exist are skipped. kInvalidArgument when a
// stat line cannot be parsed, kIo when it cannot be read.
Result<uint64_t> SumCpuTicks(const std::vector<pid_t>& pids);

}  // namespace webjobs
