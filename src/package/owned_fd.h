// A file descriptor that closes itself.
#pragma once

namespace webjobs {

// Owns one open file descriptor (or none, -1). Move-only; not thread-safe.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(other.Release()) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership and returns the descriptor.
  int Release();
  // Closes the descriptor and returns close()'s errno, or 0 on success, so
  // that a writer can notice a failed final flush.
  int Close();

 private:
  int fd_ = -1;
};

}  // namespace webjobs
