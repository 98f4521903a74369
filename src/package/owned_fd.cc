#include "package/owned_fd.h"

#include <unistd.h>

#include <cerrno>

namespace webjobs {

OwnedFd& OwnedFd::operator=(OwnedFd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.Release();
  }
  return *this;
}

OwnedFd::~OwnedFd() { Close(); }

int OwnedFd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

int OwnedFd::Close() {
  if (fd_ < 0) return 0;
  // Linux releases the descriptor even when close() fails, so it is never retried.
  int result = ::close(fd_);
  fd_ = -1;
  return result == 0 ? 0 : errno;
}

}  // namespace webjobs
