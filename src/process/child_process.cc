#include "process/child_process.h"

#include <sys/wait.h>

#include <cerrno>
#include <cstring>

namespace webjobs {

namespace {

std::string SignalName(int signal) {
  // sigabbrev_np() returns "KILL" for SIGKILL and nullptr for real-time and
  // unknown signals.
  const char* abbreviation = sigabbrev_np(signal);
  if (abbreviation == nullptr) return {};
  return std::string("SIG") + abbreviation;
}

}  // namespace

Result<ExitInfo> ReapChild(int pidfd, pid_t pid) {
  siginfo_t info{};
  int rc;
  do {
    rc = waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED | WNOHANG);
  } while (rc != 0 && errno == EINTR);
  std::string process = "pid " + std::to_string(pid);
  if (rc != 0) return ErrnoError("waitid for " + process + " failed", errno);
  // With WNOHANG, si_pid stays 0 when the child is still running.
  if (info.si_pid == 0) return Conflict(process + " has not exited yet; wait for its pidfd");

  ExitInfo exit;
  switch (info.si_code) {
    case CLD_EXITED:
      exit.exit_code = info.si_status;
      break;
    case CLD_KILLED:
    case CLD_DUMPED:
      exit.signaled = true;
      exit.signal = info.si_status;
      exit.exit_code = 128 + info.si_status;
      exit.core_dumped = info.si_code == CLD_DUMPED;
      break;
    default:
      return InternalError("waitid for " + process + " returned unexpected si_code " +
                           std::to_string(info.si_code));
  }
  return exit;
}

std::string DescribeExit(const ExitInfo& info) {
  if (!info.signaled) return "exit code " + std::to_string(info.exit_code);

  std::string text = "killed by signal " + std::to_string(info.signal);
  std::string name = SignalName(info.signal);
  if (!name.empty()) text += " (" + name + ")";
  if (info.core_dumped) text += ", core dumped";
  return text;
}

}  // namespace webjobs
