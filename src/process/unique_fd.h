// Ownership of one file descriptor.
#pragma once

#include <utility>

namespace webjobs {

// Owns a file descriptor and closes it on destruction. Move-only. A value
// below zero means "no descriptor". Not thread-safe.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Gives up ownership and returns the descriptor (or -1).
  int Release() { return std::exchange(fd_, -1); }

  // Closes the owned descriptor, if any, and takes ownership of `fd`.
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace webjobs
