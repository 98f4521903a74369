#include "process/process_tree.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <set>
#include <thread>

#include "process/pidfd.h"
#include "process/proc_stat.h"
#include "process/unique_fd.h"

namespace webjobs {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kKillRoundWait{100};

// How long a scan waits for an execve() in progress: an execve() usually
// takes well under a millisecond, and the wait is capped at 40 x 0.5 ms.
constexpr int kExecRetries = 40;
constexpr std::chrono::microseconds kExecRetryPause{500};

// execve() limits arguments and environment together to a quarter of the
// stack limit (2 MiB with the usual 8 MiB stack), so this cap is generous.
constexpr size_t kMaxEnvironBytes = 16 << 20;

void AppendEscaped(std::string& out, std::string_view part) {
  for (char c : part) {
    if (c == '%') {
      out += "%25";
    } else if (c == ':') {
      out += "%3A";
    } else {
      out += c;
    }
  }
}

// Reads /proc/<pid>/environ into `buffer` ("KEY=VALUE\0KEY=VALUE\0...").
// Returns false when the process is gone or its environment is not
// readable; a zombie reads as empty.
bool ReadEnviron(pid_t pid, std::string& buffer) {
  buffer.clear();
  std::string path = "/proc/" + std::to_string(pid) + "/environ";
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;

  char chunk[16384];
  while (buffer.size() < kMaxEnvironBytes) {
    ssize_t length = read(fd.get(), chunk, sizeof chunk);
    if (length < 0 && errno == EINTR) continue;
    if (length < 0) return false;
    if (length == 0) break;
    buffer.append(chunk, static_cast<size_t>(length));
  }
  return true;
}

// True when `environ` contains `entry` as a whole NUL-separated entry. The
// last entry may lack its NUL when a process rewrote its environment.
bool EnvironContains(std::string_view environ, std::string_view entry) {
  size_t pos = 0;
  while ((pos = environ.find(entry, pos)) != std::string_view::npos) {
    size_t end = pos + entry.size();
    bool starts_entry = pos == 0 || environ[pos - 1] == '\0';
    bool ends_entry = end == environ.size() || environ[end] == '\0';
    if (starts_entry && ends_entry) return true;
    ++pos;
  }
  return false;
}

bool IsDeadState(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

bool IsValidMarker(std::string_view marker_entry) {
  size_t equals = marker_entry.find('=');
  return equals != std::string_view::npos && equals > 0 &&
         marker_entry.find('\0') == std::string_view::npos;
}

// Reads the environment like ReadEnviron(), but waits out an execve() in
// progress, which a scan would otherwise miss. A read of
// /proc/<pid>/environ comes back empty in two cases during an execve():
// the file was opened before the execve() and still refers to the old
// memory map, or the new map has no environment yet (environment_end 0).
bool ReadEnvironSettled(pid_t pid, std::string& buffer) {
  bool settled_once = false;
  for (int attempt = 0;; ++attempt) {
    if (!ReadEnviron(pid, buffer)) return false;
    if (!buffer.empty() || attempt == kExecRetries) return true;

    // Kernel threads and zombies have no environment to wait for.
    Result<ProcessStat> stat = ReadProcessStat(pid);
    if (!stat || IsKernelThread(*stat) || IsDeadState(stat->state)) return true;
    if (stat->environment_end != 0) {
      // Empty although the program is set up: one more read, opened
      // after this check, tells whether the environment really is empty.
      if (settled_once) return true;
      settled_once = true;
      continue;
    }
    settled_once = false;
    std::this_thread::sleep_for(kExecRetryPause);
  }
}

bool HasMarker(pid_t pid, std::string_view marker_entry, std::string& buffer) {
  return IsValidMarker(marker_entry) && ReadEnvironSettled(pid, buffer) &&
         EnvironContains(buffer, marker_entry);
}

bool IsLive(pid_t pid) {
  Result<ProcessStat> stat = ReadProcessStat(pid);
  return stat.ok() && !IsDeadState(stat->state);
}

// True when `pid` is alive and in `process_group` or carries the marker.
bool IsJobProcess(pid_t pid, pid_t process_group, std::string_view marker_entry,
                  std::string& buffer) {
  if (process_group > 0) {
    Result<ProcessStat> stat = ReadProcessStat(pid);
    if (!stat || IsDeadState(stat->state)) return false;
    if (stat->process_group == process_group) return true;
    return HasMarker(pid, marker_entry, buffer);
  }
  return HasMarker(pid, marker_entry, buffer) && IsLive(pid);
}

// Waits until every pidfd in `pidfds` is readable (its process exited) or
// `timeout` passes.
void WaitForExits(const std::vector<UniqueFd>& pidfds, milliseconds timeout) {
  std::vector<pollfd> pending;
  for (const UniqueFd& fd : pidfds) pending.push_back({fd.get(), POLLIN, 0});
  steady_clock::time_point deadline = steady_clock::now() + timeout;

  while (!pending.empty()) {
    auto left = std::chrono::ceil<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return;
    int ready = poll(pending.data(), pending.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return;
    std::erase_if(pending, [](const pollfd& entry) { return entry.revents != 0; });
    for (pollfd& entry : pending) entry.revents = 0;
  }
}

std::string JoinPids(const std::set<pid_t>& pids) {
  std::string text;
  for (pid_t pid : pids) {
    if (!text.empty()) text += ", ";
    text += std::to_string(pid);
  }
  return text;
}

// Outcome of signalling one process found by a scan.
enum class SignalOutcome { kSignalled, kGone, kDenied };

// Opens a pidfd first and checks the process again through it, so that a
// pid reused since the scan is never signalled.
SignalOutcome SignalVerified(pid_t pid, pid_t process_group, std::string_view marker_entry,
                             int signal, std::string& buffer, UniqueFd* pidfd_out) {
  Result<UniqueFd> pidfd = OpenPidfd(pid);
  if (!pidfd) return SignalOutcome::kGone;
  if (!IsJobProcess(pid, process_group, marker_entry, buffer)) return SignalOutcome::kGone;

  int error = SendSignalToPidfd(pidfd->get(), signal);
  if (error == ESRCH) return SignalOutcome::kGone;
  if (error != 0) return SignalOutcome::kDenied;
  if (pidfd_out != nullptr) *pidfd_out = std::move(*pidfd);
  return SignalOutcome::kSignalled;
}

}  // namespace

std::string MakeJobMarker(std::string_view instance, JobType type, std::string_view job_name,
                          std::string_view run_id) {
  std::string marker(kJobMarkerVariable);
  marker += '=';
  AppendEscaped(marker, instance);
  marker += ':';
  marker += JobTypeName(type);
  marker += ':';
  AppendEscaped(marker, job_name);
  if (!run_id.empty()) {
    marker += ':';
    AppendEscaped(marker, run_id);
  }
  return marker;
}

std::vector<pid_t> FindMarkedProcesses(std::string_view marker_entry) {
  return FindJobProcesses(0, marker_entry);
}

std::vector<pid_t> FindJobProcesses(pid_t process_group, std::string_view marker_entry) {
  std::vector<pid_t> found;
  if (process_group <= 0 && !IsValidMarker(marker_entry)) return found;

  pid_t self = getpid();
  std::string buffer;
  for (pid_t pid : ListProcessIds()) {
    if (pid == self) continue;
    if (IsJobProcess(pid, process_group, marker_entry, buffer)) found.push_back(pid);
  }
  return found;
}

Status SignalJobProcesses(pid_t process_group, std::string_view marker_entry, int signal) {
  std::set<pid_t> denied;
  if (process_group > 0 && kill(-process_group, signal) != 0 && errno == EPERM) {
    denied.insert(-process_group);
  }

  // Members of the group already have the signal; send it only to marked
  // processes that left the group.
  std::string buffer;
  for (pid_t pid : FindMarkedProcesses(marker_entry)) {
    Result<ProcessStat> stat = ReadProcessStat(pid);
    if (!stat) continue;
    if (process_group > 0 && stat->process_group == process_group) continue;
    if (SignalVerified(pid, 0, marker_entry, signal, buffer, nullptr) == SignalOutcome::kDenied) {
      denied.insert(pid);
    }
  }

  if (denied.empty()) return Status::Ok();
  return IoError("failed to send signal " + std::to_string(signal) + " to job processes (" +
                 std::string(marker_entry) + ", process group " + std::to_string(process_group) +
                 "): permission denied for " + JoinPids(denied) +
                 " (a negative number is a process group)");
}

Result<size_t> KillJobProcesses(pid_t process_group, std::string_view marker_entry) {
  std::set<pid_t> killed;
  std::set<pid_t> denied;
  std::string buffer;

  for (int round = 0; round < kMaxKillRounds; ++round) {
    std::vector<pid_t> targets = FindJobProcesses(process_group, marker_entry);
    if (targets.empty()) return killed.size();

    // Each process found is checked and signalled through its pidfd
    // first, so the count is exact. The group signal afterwards also
    // reaches members forked since the scan.
    std::vector<UniqueFd> dying;
    for (pid_t pid : targets) {
      UniqueFd pidfd;
      switch (SignalVerified(pid, process_group, marker_entry, SIGKILL, buffer, &pidfd)) {
        case SignalOutcome::kSignalled:
          killed.insert(pid);
          dying.push_back(std::move(pidfd));
          break;
        case SignalOutcome::kDenied:
          denied.insert(pid);
          break;
        case SignalOutcome::kGone:
          break;
      }
    }
    if (process_group > 0) kill(-process_group, SIGKILL);
    // More rounds cannot kill what we may not signal.
    if (dying.empty() && !denied.empty()) break;
    WaitForExits(dying, kKillRoundWait);
  }

  std::vector<pid_t> left = FindJobProcesses(process_group, marker_entry);
  if (left.empty()) return killed.size();
  std::set<pid_t> alive(left.begin(), left.end());
  std::string reason = denied.empty()
                           ? "; a process in uninterruptible sleep (state D in /proc/<pid>/stat) "
                             "dies only when its I/O completes"
                           : "; permission denied for " + JoinPids(denied) +
                                 ", so the host must run as their user or as root";
  return IoError("processes of job (" + std::string(marker_entry) + ", process group " +
                 std::to_string(process_group) + ") still alive after SIGKILL: " + JoinPids(alive) +
                 reason);
}

Result<uint64_t> SumCpuTicks(const std::vector<pid_t>& pids) {
  uint64_t total = 0;
  for (pid_t pid : pids) {
    Result<ProcessStat> stat = ReadProcessStat(pid);
    if (!stat && stat.error().code == ErrorCode::kNotFound) continue;
    if (!stat) return stat.error();
    total += stat->user_ticks + stat->system_ticks + stat->children_user_ticks +
             stat->children_system_ticks;
  }
  return total;
}

}  // namespace webjobs
