// The checking pass over a zip archive: every entry is validated and
// placed before anything is written, so a bad entry anywhere in the
// archive rejects it without side effects.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "package/package_limits.h"
#include "package/zip_entry_path.h"
#include "package/zip_reader.h"

namespace webjobs {

struct PlannedEntry {
  uint64_t index = 0;
  ZipEntryPath path;
  std::optional<uint32_t> unix_permissions;
  std::optional<std::time_t> modified;
};

struct ZipPlan {
  std::vector<PlannedEntry> directories;  // explicit folder entries
  std::vector<PlannedEntry> files;
  std::vector<std::string> skipped;  // names of archive metadata entries left out
  uint64_t declared_bytes = 0;       // sum of the sizes the archive claims
  uint64_t folder_count = 0;         // distinct folders, implied ones included
};

// Checks every entry of `reader` (see NormalizeZipEntryName for names) and
// returns what to create. Returns kInvalidArgument naming the entry for a
// symbolic link or special file, an encrypted entry, an unsupported
// compression method, a folder entry with data, a duplicate path, or a path
// that is both a file and a folder. Returns kTooLarge when the archive has
// more entries than `limits.max_entries` or claims more bytes than
// `limits.max_unpacked_bytes`.
Result<ZipPlan> PlanZipExtraction(const ZipReader& reader, const PackageLimits& limits);

}  // namespace webjobs
