#include "package/staging_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "package/message_value.h"

namespace webjobs {
namespace {

constexpr mode_t kFolderMode = 0755;

std::string JoinComponents(std::span<const std::string> components) {
  std::string joined;
  for (const std::string& component : components) {
    if (!joined.empty()) joined += '/';
    joined += component;
  }
  return joined;
}

}  // namespace

Result<StagingTree> StagingTree::Open(const std::filesystem::path& dir) {
  bool created = ::mkdir(dir.c_str(), kFolderMode) == 0;
  if (!created && errno != EEXIST) {
    return ErrnoError("cannot create staging folder " + QuoteForMessage(dir.string()), errno);
  }
  OwnedFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root.valid()) {
    return ErrnoError("cannot open staging folder " + QuoteForMessage(dir.string()), errno);
  }
  if (created) {
    // mkdir applies the umask; the tree must be readable by the job's user.
    if (::fchmod(root.get(), kFolderMode) != 0) {
      return ErrnoError("cannot set mode of " + QuoteForMessage(dir.string()), errno);
    }
  } else {
    std::error_code error;
    if (!std::filesystem::is_empty(dir, error) || error) {
      return InternalError("staging folder " + QuoteForMessage(dir.string()) +
                           " is not empty; pass a new or empty folder");
    }
  }
  return StagingTree(dir, std::move(root));
}

Result<OwnedFd> StagingTree::OpenFolder(std::span<const std::string> components) {
  OwnedFd current(::dup(root_.get()));
  if (!current.valid()) return ErrnoError("cannot duplicate staging folder descriptor", errno);
  for (size_t i = 0; i < components.size(); ++i) {
    const char* name = components[i].c_str();
    bool created = ::mkdirat(current.get(), name, kFolderMode) == 0;
    if (!created && errno != EEXIST) {
      return ErrnoError(
          "cannot create folder " + QuoteForMessage(JoinComponents(components.first(i + 1))),
          errno);
    }
    OwnedFd next(::openat(current.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      if (errno == ENOTDIR || errno == ELOOP) {
        return InvalidArgument(QuoteForMessage(JoinComponents(components.first(i + 1))) +
                               " is a file and a folder in the package");
      }
      return ErrnoError(
          "cannot open folder " + QuoteForMessage(JoinComponents(components.first(i + 1))), errno);
    }
    if (created && ::fchmod(next.get(), kFolderMode) != 0) {
      return ErrnoError("cannot set mode of folder " + QuoteForMessage(components[i]), errno);
    }
    current = std::move(next);
  }
  return current;
}

Status StagingTree::MakeDirectories(std::span<const std::string> components) {
  Result<OwnedFd> folder = OpenFolder(components);
  if (!folder.ok()) return folder.error();
  return Status::Ok();
}

Result<OwnedFd> StagingTree::CreateFile(std::span<const std::string> components) {
  if (components.empty()) return InternalError("CreateFile needs a file name");
  Result<OwnedFd> parent = OpenFolder(components.first(components.size() - 1));
  if (!parent.ok()) return parent.error();
  OwnedFd file(::openat(parent->get(), components.back().c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file.valid()) {
    if (errno == EEXIST) {
      return InvalidArgument(QuoteForMessage(JoinComponents(components)) +
                             " appears twice in the package");
    }
    return ErrnoError("cannot create " + QuoteForMessage(JoinComponents(components)), errno);
  }
  return file;
}

}  // namespace webjobs
