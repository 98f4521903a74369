// A process started ahead of its instant and held before the exec of its
// program.
//
// PosixProcessSpawner::Park() starts webjobs-launcher with the job's
// pipes, working directory, process group and environment; the launcher
// waits on a socket. Release() sends it the byte that makes it execute the
// job's program, so the work left at a run's scheduled instant is one
// write and one exec.
//
// Owned by the event loop thread, like the ChildProcess inside it.
#pragma once

#include <sys/types.h>

#include <optional>

#include "core/result.h"
#include "process/child_process.h"
#include "process/process_spawner.h"
#include "process/unique_fd.h"

namespace webjobs {

class ParkedProcess {
 public:
  // `host_socket` is the host's end of the launcher's socket. `prepared`
  // is what the launcher executes, kept to describe an exec failure.
  ParkedProcess(ChildProcess child, UniqueFd host_socket, PreparedSpawn prepared);
  // Kills and reaps an unreleased launcher, so it never executes the
  // program.
  ~ParkedProcess();
  ParkedProcess(const ParkedProcess&) = delete;
  ParkedProcess& operator=(const ParkedProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Lets the program start and hands over the child, which the caller
  // watches and reaps from now on. kUnavailable, naming the pid, when the
  // launcher is gone (killed from outside); nothing started then.
  // kConflict on a second call.
  Result<ChildProcess> Release();

  // After Release() and once the child has exited: the error of an exec
  // that failed (the launcher then exited with 127), described as
  // ProcessSpawner::Start() would describe it. Empty when the exec worked.
  std::optional<Error> ExecFailure();

 private:
  pid_t pid_;
  std::optional<ChildProcess> child_;
  UniqueFd host_socket_;
  PreparedSpawn prepared_;
};

}  // namespace webjobs
