#include "process/unique_fd.h"

#include <unistd.h>

namespace webjobs {

void UniqueFd::Reset(int fd) {
  // close() is not retried on EINTR: on Linux the descriptor is released
  // even when close() reports EINTR, and a retry could close a descriptor
  // that another thread has just been given.
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

}  // namespace webjobs
