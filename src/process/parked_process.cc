#include "process/parked_process.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "process/pidfd.h"

namespace webjobs {

ParkedProcess::ParkedProcess(ChildProcess child, UniqueFd host_socket, PreparedSpawn prepared)
    : pid_(child.pid()),
      child_(std::move(child)),
      host_socket_(std::move(host_socket)),
      prepared_(std::move(prepared)) {}

ParkedProcess::~ParkedProcess() {
  if (!child_) return;
  // Still parked: the launcher has executed nothing and started no other
  // process, so it alone is killed. The pidfd keeps a reused pid safe, and
  // the launcher is reaped here because no other code tracks it. SIGKILL
  // ends a process blocked in read() at once.
  int pidfd = child_->pidfd();
  (void)SendSignalToPidfd(pidfd, SIGKILL);
  siginfo_t info{};
  while (waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED) < 0 &&
         errno == EINTR) {
  }
}

Result<ChildProcess> ParkedProcess::Release() {
  if (!child_) return Conflict("process " + std::to_string(pid_) + " was already released");
  const char go = 'g';
  ssize_t sent = 0;
  do {
    sent = send(host_socket_.get(), &go, 1, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent != 1) {
    return Unavailable("the launcher process " + std::to_string(pid_) + " for " +
                       prepared_.options.argv.front() + " ended before its start (" +
                       std::strerror(errno) + ")");
  }
  ChildProcess child = std::move(*child_);
  child_.reset();
  return child;
}

std::optional<Error> ParkedProcess::ExecFailure() {
  if (child_ || !host_socket_.valid()) return std::nullopt;
  int error = 0;
  ssize_t got = recv(host_socket_.get(), &error, sizeof error, MSG_DONTWAIT);
  host_socket_.Reset();
  if (got != static_cast<ssize_t>(sizeof error) || error == 0) return std::nullopt;
  return DescribeSpawnFailure(prepared_.options, prepared_.program, error);
}

}  // namespace webjobs
