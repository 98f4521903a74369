// A started job process and its exit status.
//
// ChildProcess owns the descriptors the spawner hands over: a pidfd and
// the read ends of the stdout and stderr pipes. The supervisor watches the
// pidfd for the exit and the pipes for output on its event loop, then
// calls ReapChild() once the pidfd is readable.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>

#include "core/result.h"
#include "process/unique_fd.h"

namespace webjobs {

// A running (or exited but not yet reaped) child process. Move-only.
// Destruction closes the descriptors but neither kills nor reaps the
// process: the owner stops it (KillJobProcesses) and reaps it
// (ReapChild) first. Not thread-safe.
class ChildProcess {
 public:
  ChildProcess(pid_t pid, UniqueFd pidfd, UniqueFd stdout_fd, UniqueFd stderr_fd)
      : pid_(pid),
        pidfd_(std::move(pidfd)),
        stdout_(std::move(stdout_fd)),
        stderr_(std::move(stderr_fd)) {}
  ChildProcess(ChildProcess&&) noexcept = default;
  ChildProcess& operator=(ChildProcess&&) noexcept = default;

  pid_t pid() const { return pid_; }
  // The child is a session and process-group leader, so its process group
  // id equals its pid.
  pid_t process_group() const { return pid_; }
  // Readable once the process has exited. -1 after TakePidfd().
  int pidfd() const { return pidfd_.get(); }
  // Non-blocking, close-on-exec read ends; -1 after Take*() or Close*().
  int stdout_fd() const { return stdout_.get(); }
  int stderr_fd() const { return stderr_.get(); }

  // Hand a descriptor to another owner (for example a pipe reader).
  UniqueFd TakePidfd() { return std::move(pidfd_); }
  UniqueFd TakeStdout() { return std::move(stdout_); }
  UniqueFd TakeStderr() { return std::move(stderr_); }

  // Close a pipe once it reported end of file.
  void CloseStdout() { stdout_.Reset(); }
  void CloseStderr() { stderr_.Reset(); }

 private:
  pid_t pid_;
  UniqueFd pidfd_;
  UniqueFd stdout_;
  UniqueFd stderr_;
};

// The exit status of a reaped process.
struct ExitInfo {
  bool signaled = false;  // true: killed by `signal`; false: exited with `exit_code`
  // The exit status (0-255). For a signal this is 128 + signal, the number
  // a shell reports, so a single number can be stored for every run.
  int exit_code = 0;
  int signal = 0;  // 0 unless signaled
  bool core_dumped = false;
};

// Reaps the exited child behind `pidfd` with waitid(P_PIDFD, WNOHANG);
// `pid` only names the process in messages. Call it once the pidfd is
// readable. Returns the exit information, kConflict when the process has
// not exited yet (nothing is reaped then), or kIo when waitid fails (ECHILD:
// something else already reaped it).
Result<ExitInfo> ReapChild(int pidfd, pid_t pid);

// Returns "exit code 3", "killed by signal 9 (SIGKILL)" or
// "killed by signal 11 (SIGSEGV), core dumped".
std::string DescribeExit(const ExitInfo& info);

}  // namespace webjobs
