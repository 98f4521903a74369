#include "process/pidfd.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace webjobs {

Result<UniqueFd> OpenPidfd(pid_t pid) {
  // pidfd_open() sets O_CLOEXEC on the new descriptor unconditionally.
  long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) {
    int saved = errno;
    std::string failure = "pidfd_open for pid " + std::to_string(pid) + " failed";
    if (saved == ESRCH) return NotFound(failure + ": no such process");
    return ErrnoError(failure, saved);
  }
  return UniqueFd(static_cast<int>(fd));
}

int SendSignalToPidfd(int pidfd, int signal) {
  if (syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) == 0) return 0;
  return errno;
}

}  // namespace webjobs
