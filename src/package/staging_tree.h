// Creates files and folders strictly inside one staging directory.
//
// Every path is walked component by component from a descriptor of the
// staging directory with openat(O_NOFOLLOW) and mkdirat, so a symbolic link
// or a ".." can never lead a write outside it, whatever the path contains.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "package/owned_fd.h"

namespace webjobs {

// Move-only; not thread-safe.
class StagingTree {
 public:
  // Creates `dir` with mode 0755, or uses it when it is an existing empty
  // directory (not a symbolic link). Its parent must exist. Returns kIo when
  // it cannot be created or opened, kInternal when it is not empty.
  static Result<StagingTree> Open(const std::filesystem::path& dir);

  // Creates the folder named by `components` and its parents with mode
  // 0755; existing folders are kept. Returns kInvalidArgument when a
  // component exists as something other than a folder, kIo on other
  // failures.
  Status MakeDirectories(std::span<const std::string> components);

  // Creates a new file (mode 0600 until the caller sets the final mode)
  // and its parent folders, and returns it open for writing. Returns
  // kInvalidArgument when the file already exists or a parent is not a
  // folder, kIo on other failures.
  Result<OwnedFd> CreateFile(std::span<const std::string> components);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  StagingTree(std::filesystem::path dir, OwnedFd root)
      : dir_(std::move(dir)), root_(std::move(root)) {}

  // Opens (creating when missing) the folder `components` below the root.
  Result<OwnedFd> OpenFolder(std::span<const std::string> components);

  std::filesystem::path dir_;
  OwnedFd root_;
};

}  // namespace webjobs
