#include "package/package_importer.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "package/ascii_case.h"
#include "package/job_name.h"
#include "package/message_value.h"
#include "package/staging_tree.h"
#include "package/zip_plan.h"
#include "package/zip_reader.h"

namespace webjobs {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kExecutableMode = 0755;
constexpr mode_t kRegularMode = 0644;
constexpr size_t kSniffBytes = 4;
constexpr size_t kCopyChunkBytes = 64 * 1024;
constexpr std::string_view kElfMagic =
    "\x7F"
    "ELF";

// Chooses a file's mode from its Unix permissions (when the archive has
// them) and its first bytes: programs and scripts become executable,
// everything else is read-only for others. Set-id and sticky bits and
// world-writable permissions never carry over.
mode_t ChooseFileMode(std::optional<uint32_t> unix_permissions, std::string_view head,
                      std::string_view file_name) {
  bool executable = (unix_permissions && (*unix_permissions & 0111) != 0) ||
                    head.starts_with(kElfMagic) || head.starts_with("#!") ||
                    ToLowerAscii(file_name).ends_with(".sh");
  return executable ? kExecutableMode : kRegularMode;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return ErrnoError("cannot write " + QuoteForMessage(path), errno);
    data.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

// Sets the final mode and time, then closes, reporting a failed close
// (a delayed write error on some file systems).
Status FinishFile(OwnedFd& file, mode_t mode, std::optional<std::time_t> modified,
                  const std::string& path) {
  if (::fchmod(file.get(), mode) != 0) {
    return ErrnoError("cannot set mode of " + QuoteForMessage(path), errno);
  }
  if (modified) {
    struct timespec times[2] = {{*modified, 0}, {*modified, 0}};
    if (::futimens(file.get(), times) != 0) {
      return ErrnoError("cannot set time of " + QuoteForMessage(path), errno);
    }
  }
  int close_error = file.Close();
  if (close_error != 0) return ErrnoError("cannot write " + QuoteForMessage(path), close_error);
  return Status::Ok();
}

// Counts bytes as they are unpacked and enforces the limits on the actual
// amount, whatever sizes the archive declares.
class UnpackBudget {
 public:
  UnpackBudget(const PackageLimits& limits, uint64_t archive_bytes)
      : limits_(limits), archive_bytes_(archive_bytes == 0 ? 1 : archive_bytes) {}

  Status Consume(size_t bytes) {
    unpacked_ += bytes;
    if (limits_.max_unpacked_bytes != 0 && unpacked_ > limits_.max_unpacked_bytes) {
      return TooLarge("zip archive unpacks to more than " +
                      std::to_string(limits_.max_unpacked_bytes) +
                      " bytes; the limit is set with webjobs serve --max-unpacked-bytes");
    }
    unsigned __int128 allowed =
        static_cast<unsigned __int128>(limits_.max_compression_ratio) * archive_bytes_;
    if (limits_.max_compression_ratio != 0 && unpacked_ > kRatioCheckFloorBytes &&
        unpacked_ > allowed) {
      return TooLarge("zip archive of " + std::to_string(archive_bytes_) +
                      " bytes unpacks to more than " +
                      std::to_string(limits_.max_compression_ratio) +
                      " times its size, which looks like a zip bomb; the limit is set with "
                      "webjobs serve --max-compression-ratio");
    }
    return Status::Ok();
  }

  uint64_t unpacked() const { return unpacked_; }

 private:
  const PackageLimits& limits_;
  uint64_t archive_bytes_;
  uint64_t unpacked_ = 0;
};

Status UnpackFile(const ZipReader& reader, const PlannedEntry& entry, StagingTree& tree,
                  UnpackBudget& budget) {
  std::string path = entry.path.Joined();
  Result<OwnedFd> file = tree.CreateFile(entry.path.components);
  if (!file.ok()) return file.error();

  std::string head;
  Status read = reader.ReadEntry(entry.index, [&](std::string_view chunk) -> Status {
    Status within_limits = budget.Consume(chunk.size());
    if (!within_limits.ok()) return within_limits;
    if (head.size() < kSniffBytes) head.append(chunk.substr(0, kSniffBytes - head.size()));
    return WriteAll(file->get(), chunk, path);
  });
  if (!read.ok()) return read;

  mode_t mode = ChooseFileMode(entry.unix_permissions, head, entry.path.components.back());
  return FinishFile(*file, mode, entry.modified, path);
}

Status UnpackPlan(const ZipReader& reader, const ZipPlan& plan, StagingTree& tree,
                  UnpackBudget& budget) {
  for (const PlannedEntry& folder : plan.directories) {
    Status made = tree.MakeDirectories(folder.path.components);
    if (!made.ok()) return made;
  }
  for (const PlannedEntry& file : plan.files) {
    Status unpacked = UnpackFile(reader, file, tree, budget);
    if (!unpacked.ok()) return unpacked;
  }
  return Status::Ok();
}

void RemoveTree(const fs::path& dir) {
  std::error_code error;
  fs::remove_all(dir, error);
  if (error) {
    spdlog::warn("event=staging_cleanup_failed path={} error={}", dir.string(), error.message());
  }
}

Status CopyFileContents(const fs::path& source, int target_fd, const std::string& target_name,
                        std::string& head) {
  OwnedFd input(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!input.valid()) {
    return ErrnoError("cannot open uploaded file " + QuoteForMessage(source.string()), errno);
  }
  std::string buffer(kCopyChunkBytes, '\0');
  for (;;) {
    ssize_t count = ::read(input.get(), buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      return ErrnoError("cannot read uploaded file " + QuoteForMessage(source.string()), errno);
    }
    if (count == 0) return Status::Ok();
    std::string_view chunk(buffer.data(), static_cast<size_t>(count));
    if (head.size() < kSniffBytes) head.append(chunk.substr(0, kSniffBytes - head.size()));
    Status written = WriteAll(target_fd, chunk, target_name);
    if (!written.ok()) return written;
  }
}

Result<StagedPackage> CopySingleFile(const fs::path& body_file, const std::string& file_name,
                                     StagingTree& tree) {
  std::string components[] = {file_name};
  Result<OwnedFd> file = tree.CreateFile(components);
  if (!file.ok()) return file.error();
  std::string head;
  Status copied = CopyFileContents(body_file, file->get(), file_name, head);
  if (!copied.ok()) return copied.error();
  Status finished =
      FinishFile(*file, ChooseFileMode(std::nullopt, head, file_name), std::nullopt, file_name);
  if (!finished.ok()) return finished.error();

  StagedPackage staged;
  staged.dir = tree.dir();
  staged.file_count = 1;
  std::error_code error;
  staged.unpacked_bytes = fs::file_size(tree.dir() / file_name, error);
  return staged;
}

// Swaps the two trees when the file system supports RENAME_EXCHANGE.
// Returns the errno of renameat2, 0 on success.
int ExchangeTrees(const fs::path& staging_dir, const fs::path& job_dir) {
  if (::renameat2(AT_FDCWD, staging_dir.c_str(), AT_FDCWD, job_dir.c_str(), RENAME_EXCHANGE) == 0) {
    return 0;
  }
  return errno;
}

// For file systems without RENAME_EXCHANGE: two renames, with a short
// window in which `job_dir` does not exist.
Status ReplaceInTwoSteps(const fs::path& staging_dir, const fs::path& job_dir) {
  fs::path old_dir = staging_dir;
  old_dir += ".old";
  if (::rename(job_dir.c_str(), old_dir.c_str()) != 0) {
    return ErrnoError("cannot move " + QuoteForMessage(job_dir.string()) + " aside", errno);
  }
  if (::rename(staging_dir.c_str(), job_dir.c_str()) != 0) {
    int rename_errno = errno;
    if (::rename(old_dir.c_str(), job_dir.c_str()) != 0) {
      spdlog::error("event=package_restore_failed path={} old={}", job_dir.string(),
                    old_dir.string());
    }
    return ErrnoError("cannot move new version into " + QuoteForMessage(job_dir.string()),
                      rename_errno);
  }
  RemoveTree(old_dir);
  return Status::Ok();
}

// For file systems whose rename takes no flags (renameat2 fails with EINVAL).
Status RenameWithoutFlags(const fs::path& staging_dir, const fs::path& job_dir) {
  std::error_code error;
  if (fs::exists(job_dir, error)) return ReplaceInTwoSteps(staging_dir, job_dir);
  if (::rename(staging_dir.c_str(), job_dir.c_str()) != 0) {
    return ErrnoError("cannot move " + QuoteForMessage(staging_dir.string()) + " to " +
                          QuoteForMessage(job_dir.string()),
                      errno);
  }
  return Status::Ok();
}

}  // namespace

Result<StagedPackage> StageZip(const fs::path& zip_file, const fs::path& staging_dir,
                               const PackageLimits& limits) {
  Result<ZipReader> reader = ZipReader::Open(zip_file);
  if (!reader.ok()) return reader.error();
  Result<ZipPlan> plan = PlanZipExtraction(*reader, limits);
  if (!plan.ok()) return plan.error();
  Result<StagingTree> tree = StagingTree::Open(staging_dir);
  if (!tree.ok()) return tree.error();

  std::error_code error;
  uint64_t archive_bytes = fs::file_size(zip_file, error);
  UnpackBudget budget(limits, error ? 0 : archive_bytes);
  Status unpacked = UnpackPlan(*reader, *plan, *tree, budget);
  if (!unpacked.ok()) {
    RemoveTree(staging_dir);
    return unpacked.error();
  }

  StagedPackage staged;
  staged.dir = staging_dir;
  staged.file_count = plan->files.size();
  staged.directory_count = plan->folder_count;
  staged.unpacked_bytes = budget.unpacked();
  staged.skipped_entries = std::move(plan->skipped);
  return staged;
}

Result<StagedPackage> StageSingleFile(const fs::path& body_file, std::string_view file_name,
                                      const fs::path& staging_dir) {
  Result<std::string> sanitized = SanitizeUploadFileName(file_name);
  if (!sanitized.ok()) return sanitized.error();
  if (*sanitized != file_name) {
    return InvalidArgument("upload file name " + QuoteForMessage(file_name) +
                           " is not a plain file name; pass it through SanitizeUploadFileName");
  }
  Result<StagingTree> tree = StagingTree::Open(staging_dir);
  if (!tree.ok()) return tree.error();

  Result<StagedPackage> staged = CopySingleFile(body_file, *sanitized, *tree);
  if (!staged.ok()) RemoveTree(staging_dir);
  return staged;
}

Status ActivateStaged(const fs::path& staging_dir, const fs::path& job_dir) {
  std::error_code error;
  fs::create_directories(job_dir.parent_path(), error);
  if (error) {
    return IoError("cannot create " + QuoteForMessage(job_dir.parent_path().string()) + ": " +
                   error.message());
  }
  // RENAME_NOREPLACE makes "the job folder does not exist yet" and the
  // rename one step, so a concurrent creation is never overwritten.
  if (::renameat2(AT_FDCWD, staging_dir.c_str(), AT_FDCWD, job_dir.c_str(), RENAME_NOREPLACE) ==
      0) {
    return Status::Ok();
  }
  int rename_errno = errno;
  if (rename_errno == EINVAL) return RenameWithoutFlags(staging_dir, job_dir);
  if (rename_errno != EEXIST) {
    return ErrnoError("cannot move " + QuoteForMessage(staging_dir.string()) + " to " +
                          QuoteForMessage(job_dir.string()),
                      rename_errno);
  }

  int exchange_errno = ExchangeTrees(staging_dir, job_dir);
  if (exchange_errno == EINVAL) return ReplaceInTwoSteps(staging_dir, job_dir);
  if (exchange_errno != 0) {
    return ErrnoError("cannot swap " + QuoteForMessage(staging_dir.string()) + " into " +
                          QuoteForMessage(job_dir.string()),
                      exchange_errno);
  }
  RemoveTree(staging_dir);  // now contains the previous version
  return Status::Ok();
}

}  // namespace webjobs
