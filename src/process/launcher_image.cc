#include "process/launcher_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

extern "C" {
extern const char webjobs_launcher_image_begin[];
extern const char webjobs_launcher_image_end[];
}

namespace webjobs {

std::string_view LauncherImage() {
  return std::string_view(
      webjobs_launcher_image_begin,
      static_cast<size_t>(webjobs_launcher_image_end - webjobs_launcher_image_begin));
}

Result<UniqueFd> CreateLauncherImage() {
  UniqueFd fd(memfd_create("webjobs-launcher", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) {
    int error = errno;
    if (error == EACCES || error == EPERM) {
      return Unavailable(
          "the kernel refuses an executable memfd for webjobs-launcher (vm.memfd_noexec is "
          "probably 2)");
    }
    return ErrnoError("failed to create a memfd for webjobs-launcher", error);
  }
  std::string_view image = LauncherImage();
  while (!image.empty()) {
    ssize_t written = write(fd.get(), image.data(), image.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return ErrnoError("failed to write webjobs-launcher into its memfd", errno);
    image.remove_prefix(static_cast<size_t>(written));
  }
  int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
  if (fcntl(fd.get(), F_ADD_SEALS, seals) != 0) {
    return ErrnoError("failed to seal the memfd of webjobs-launcher", errno);
  }
  return fd;
}

}  // namespace webjobs
