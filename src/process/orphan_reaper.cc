#include "process/orphan_reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace webjobs {

namespace {

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

// Appends the pids listed in one /proc/self/task/<tid>/children file
// (space-separated).
void AppendChildrenOfTask(std::string_view tid, std::vector<pid_t>& children) {
  std::string path = "/proc/self/task/" + std::string(tid) + "/children";
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return;

  std::string text;
  char chunk[4096];
  ssize_t length;
  while ((length = read(fd.get(), chunk, sizeof chunk)) > 0 || (length < 0 && errno == EINTR)) {
    if (length > 0) text.append(chunk, static_cast<size_t>(length));
  }

  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  while (cursor < end) {
    pid_t pid = 0;
    auto [next, error] = std::from_chars(cursor, end, pid);
    if (error == std::errc()) children.push_back(pid);
    cursor = next == cursor ? cursor + 1 : next;
  }
}

// Lists the children of every thread of this process: a child belongs to
// the thread that forked it, and an orphan to the thread that adopted it.
std::vector<pid_t> ListChildren() {
  std::vector<pid_t> children;
  std::unique_ptr<DIR, DirCloser> tasks(opendir("/proc/self/task"));
  if (!tasks) return children;
  while (dirent* entry = readdir(tasks.get())) {
    if (entry->d_name[0] == '.') continue;
    AppendChildrenOfTask(entry->d_name, children);
  }
  return children;
}

}  // namespace

Status BecomeSubreaper() {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    return ErrnoError("prctl(PR_SET_CHILD_SUBREAPER) failed", errno);
  }
  return Status::Ok();
}

size_t ReapOrphans(const std::function<bool(pid_t)>& is_tracked) {
  size_t reaped = 0;
  for (pid_t pid : ListChildren()) {
    if (is_tracked(pid)) continue;
    // __WALL also matches children whose exit signal is not SIGCHLD.
    pid_t rc;
    do {
      rc = waitpid(pid, nullptr, WNOHANG | __WALL);
    } while (rc < 0 && errno == EINTR);
    if (rc == pid) ++reaped;
  }
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
