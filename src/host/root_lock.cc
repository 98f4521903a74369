#include "host/root_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace webjobs {

namespace {

// The pid the holder wrote, or "" when the file has none.
std::string ReadHolder(int fd) {
  char buffer[32] = {};
  ssize_t got = pread(fd, buffer, sizeof buffer - 1, 0);
  if (got <= 0) return {};
  std::string text(buffer, static_cast<size_t>(got));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<UniqueFd> LockRoot(const std::filesystem::path& file, const std::filesystem::path& root) {
  UniqueFd fd(open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoError("failed to open the lock file " + file.string(), errno);
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return ErrnoError("failed to lock " + file.string(), errno);
    }
    std::string holder = ReadHolder(fd.get());
    return Conflict("another webjobs host" + (holder.empty() ? "" : " (pid " + holder + ")") +
                    " is using the root " + root.string() +
                    "; stop it first, or start this host with another --root");
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd.get(), 0) != 0 ||
      pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return ErrnoError("failed to write the lock file " + file.string(), errno);
  }
  return fd;
}

}  // namespace webjobs
