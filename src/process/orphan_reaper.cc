#include "process/orphan_reaper.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace webjobs {

Status BecomeSubreaper() {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    return ErrnoError("prctl(PR_SET_CHILD_SUBREAPER) failed", errno);
  }
  return Status::Ok();
}

namespace {

// Reaps waitable untracked children as waitid() reports them, peeking with
// WNOWAIT first. Returns false when it stopped at a tracked zombie, which
// may hide untracked ones behind it.
bool ReapReportedOrphans(const std::function<bool(pid_t)>& is_tracked, size_t& reaped) {
  for (;;) {
    siginfo_t info{};
    int rc = waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT | __WALL);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0 || info.si_pid == 0) return true;  // no children, or none has exited
    if (is_tracked(info.si_pid)) return false;
    pid_t done;
    do {
      done = waitpid(info.si_pid, nullptr, WNOHANG | __WALL);
    } while (done < 0 && errno == EINTR);
    if (done == info.si_pid) ++reaped;
  }
}

}  // namespace

size_t ReapOrphans(const std::function<bool(pid_t)>& is_tracked) {
  size_t reaped = 0;
  // A tracked zombie first in line hides the zombies behind it. They are
  // not searched for in /proc: its owner reaps it through its pidfd and
  // then calls ReapOrphans again, which reaches them. A scan here would
  // read every process's stat on each exit while many runs are active.
  (void)ReapReportedOrphans(is_tracked, reaped);
  return reaped;
}

Result<UniqueFd> CreateChildSignalFd() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  int rc = pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  if (rc != 0) return ErrnoError("pthread_sigmask(SIG_BLOCK, SIGCHLD) failed", rc);
  int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return ErrnoError("signalfd for SIGCHLD failed", errno);
  return UniqueFd(fd);
}

void DrainSignalFd(int signal_fd) {
  signalfd_siginfo info[16];
  while (true) {
    ssize_t length = read(signal_fd, info, sizeof info);
    if (length < 0 && errno == EINTR) continue;
    if (length <= 0) return;
  }
}

}  // namespace webjobs
