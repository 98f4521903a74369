// Turns an upload into a job folder. A zip is checked and unpacked, or a
// single file is copied, into a staging folder. ActivateStaged then swaps
// the staging folder into place in one step, so a job is replaced whole or
// not at all.
//
// A zip is rejected (kInvalidArgument naming the entry) rather than
// repaired when an entry:
// - would land outside the folder (absolute, "..", drive letter, also with
//   '\' separators);
// - is a symbolic link, device, FIFO or socket;
// - is encrypted or uses a compression method libzip cannot decompress;
// - appears twice, or is both a file and a folder.
// Archive metadata (`__MACOSX/`, `.DS_Store`, `Thumbs.db`) is left out.
// The names, types and declared sizes of all entries are checked before
// the first byte is written. Actual sizes and checksums are checked while
// unpacking. Writes are confined to the staging folder by construction
// (see StagingTree).
//
// Functions are thread-safe for distinct staging folders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "package/package_limits.h"

namespace webjobs {

struct StagedPackage {
  std::filesystem::path dir;  // the staging folder, now holding the job's files
  uint64_t file_count = 0;
  uint64_t directory_count = 0;  // folders created, implied ones included
  uint64_t unpacked_bytes = 0;
  std::vector<std::string> skipped_entries;  // archive metadata left out
};

// Unpacks `zip_file` into `staging_dir`, which must not exist (its parent
// must) or be an empty directory. File modes: 0755 when the entry has a
// Unix execute bit, or the content starts with an ELF header or "#!", or
// the name ends in .sh; 0644 otherwise. Folders get 0755. File times come
// from the entries.
// Errors:
// - kInvalidArgument for a body that is not a zip ("not a valid zip
//   archive") or for a rejected entry.
// - kTooLarge, naming the limit and its `webjobs serve` flag, when the
//   archive has more entries, more unpacked bytes or a higher ratio than
//   `limits` allow. Unpacked bytes are counted while reading, because the
//   sizes in the central directory can be false.
// - kInternal when `staging_dir` exists and is not an empty directory. It
//   is then left alone.
// - kIo for file system failures.
// After any other error nothing is left behind: `staging_dir` is removed
// if it was created or filled.
Result<StagedPackage> StageZip(const std::filesystem::path& zip_file,
                               const std::filesystem::path& staging_dir,
                               const PackageLimits& limits);

// Copies `body_file` into `staging_dir` (same rules as for StageZip) under
// `file_name`, which must be a plain file name as SanitizeUploadFileName
// returns. The mode follows the same rule as for zip entries without Unix
// attributes. `body_file` is left in place.
// Returns kInvalidArgument for a bad `file_name` (nothing is created),
// kInternal for a non-empty `staging_dir` (left alone), kIo for file
// system failures (`staging_dir` is removed).
Result<StagedPackage> StageSingleFile(const std::filesystem::path& body_file,
                                      std::string_view file_name,
                                      const std::filesystem::path& staging_dir);

// Moves `staging_dir` to `job_dir` in one step. When `job_dir` exists, the
// two are exchanged atomically (renameat2 with RENAME_EXCHANGE) and the old
// tree, now at `staging_dir`, is deleted. Otherwise `job_dir`'s parent
// folders are created and `staging_dir` is renamed. Both must be on the
// same file system. A failure to delete the old tree is logged, not
// returned, because the new version is already active.
// Returns kIo when the rename fails; `job_dir` is then unchanged.
Status ActivateStaged(const std::filesystem::path& staging_dir,
                      const std::filesystem::path& job_dir);

}  // namespace webjobs
