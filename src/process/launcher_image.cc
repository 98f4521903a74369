#include "process/launcher_image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "process/unique_fd.h"

extern "C" {
extern const char webjobs_launcher_image_begin[];
extern const char webjobs_launcher_image_end[];
}

namespace webjobs {

namespace {

constexpr const char* kLauncherName = "webjobs-launcher";

bool HoldsImage(const std::filesystem::path& path) {
  struct stat info {};
  std::string_view image = LauncherImage();
  if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<size_t>(info.st_size) != image.size() || access(path.c_str(), X_OK) != 0) {
    return false;
  }
  std::ifstream file(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return content == image;
}

Status WriteImage(const std::filesystem::path& path) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755));
  if (!fd.valid()) return ErrnoError("failed to create " + path.string(), errno);
  std::string_view image = LauncherImage();
  while (!image.empty()) {
    ssize_t written = write(fd.get(), image.data(), image.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return ErrnoError("failed to write " + path.string(), errno);
    image.remove_prefix(static_cast<size_t>(written));
  }
  // The mode of an existing file survives O_CREAT.
  if (fchmod(fd.get(), 0755) != 0) return ErrnoError("failed to chmod " + path.string(), errno);
  if (close(fd.Release()) != 0) return ErrnoError("failed to write " + path.string(), errno);
  return Status::Ok();
}

}  // namespace

std::string_view LauncherImage() {
  return std::string_view(
      webjobs_launcher_image_begin,
      static_cast<size_t>(webjobs_launcher_image_end - webjobs_launcher_image_begin));
}

Result<std::filesystem::path> InstallLauncher(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return IoError("failed to create folder " + dir.string() + ": " + error.message());
  struct statvfs mount {};
  if (statvfs(dir.c_str(), &mount) == 0 && (mount.f_flag & ST_NOEXEC) != 0) {
    return Unavailable(dir.string() + " is on a file system mounted noexec, so " +
                       std::string(kLauncherName) + " cannot run from it");
  }
  std::filesystem::path path = dir / kLauncherName;
  if (HoldsImage(path)) return path;
  std::filesystem::path temporary =
      dir / (std::string(kLauncherName) + "." + std::to_string(getpid()) + ".new");
  if (Status written = WriteImage(temporary); !written.ok()) {
    std::filesystem::remove(temporary, error);
    return written.error();
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    int rename_errno = errno;
    std::filesystem::remove(temporary, error);
    return ErrnoError("failed to rename " + temporary.string() + " to " + path.string(),
                      rename_errno);
  }
  return path;
}

}  // namespace webjobs
