#include "package/zip_plan.h"

#include <limits>
#include <unordered_set>

#include "package/message_value.h"

namespace webjobs {
namespace {

Error RejectEntry(const ZipEntryInfo& info, std::string_view problem) {
  return InvalidArgument("invalid zip entry " + QuoteForMessage(info.raw_name) + ": " +
                         std::string(problem));
}

Status CheckEntryType(const ZipEntryInfo& info) {
  switch (info.kind) {
    case ZipEntryKind::kSymlink:
      return RejectEntry(info,
                         "it is a symbolic link; a job package may contain only regular files and "
                         "folders, so put the file itself into the zip");
    case ZipEntryKind::kSpecial:
      return RejectEntry(info,
                         "it is a device, FIFO or socket; a job package may contain only regular "
                         "files and folders");
    case ZipEntryKind::kDirectory:
      if (info.declared_size > 0) {
        return RejectEntry(info, "it is a folder entry that carries " +
                                     std::to_string(info.declared_size) + " bytes of data");
      }
      break;
    case ZipEntryKind::kFile:
      break;
  }
  if (info.encrypted) {
    return RejectEntry(info, "it is encrypted; upload a zip made without a password");
  }
  if (!info.compression_supported) {
    return RejectEntry(info, "it uses compression method " +
                                 std::to_string(info.compression_method) +
                                 ", which this host cannot decompress; use deflate, the default "
                                 "of most zip tools");
  }
  return Status::Ok();
}

// Remembers every file and folder path seen so far, so a second entry for
// the same path, or a path used as both a file and a folder, is caught.
class PathIndex {
 public:
  Status Add(const ZipEntryInfo& info, const ZipEntryPath& path, bool is_folder) {
    size_t folder_components = is_folder ? path.components.size() : path.components.size() - 1;
    std::string prefix;
    for (size_t i = 0; i < folder_components; ++i) {
      if (i > 0) prefix += '/';
      prefix += path.components[i];
      if (files_.contains(prefix)) return BothFileAndFolder(info, prefix);
      folders_.insert(prefix);
    }
    if (is_folder) return Status::Ok();

    std::string file = path.Joined();
    if (folders_.contains(file)) return BothFileAndFolder(info, file);
    if (!files_.insert(file).second) {
      return RejectEntry(info,
                         "the path " + QuoteForMessage(file) + " appears twice in the archive");
    }
    return Status::Ok();
  }

  size_t folder_count() const { return folders_.size(); }

 private:
  static Error BothFileAndFolder(const ZipEntryInfo& info, const std::string& path) {
    return RejectEntry(info, QuoteForMessage(path) + " is both a file and a folder in the archive");
  }

  std::unordered_set<std::string> files_;
  std::unordered_set<std::string> folders_;
};

// Normalizes the stored bytes first, so control characters and structure
// are judged on what the archive holds, then the UTF-8 form that is
// written. Converting code page 437 keeps every ASCII byte, so both forms
// have the same structure.
Result<ZipEntryPath> NormalizeEntry(const ZipEntryInfo& info) {
  Result<ZipEntryPath> raw = NormalizeZipEntryName(info.raw_name);
  if (!raw.ok() || info.name == info.raw_name) return raw;
  return NormalizeZipEntryName(info.name);
}

Error TooManyEntries(uint64_t count, uint64_t limit) {
  return TooLarge("zip archive has " + std::to_string(count) + " entries; the limit is " +
                  std::to_string(limit) + ", set with webjobs serve --max-zip-entries");
}

Error TooManyDeclaredBytes(uint64_t limit) {
  return TooLarge("zip archive declares more than " + std::to_string(limit) +
                  " bytes of unpacked content; the limit is set with webjobs serve "
                  "--max-unpacked-bytes");
}

}  // namespace

Result<ZipPlan> PlanZipExtraction(const ZipReader& reader, const PackageLimits& limits) {
  if (limits.max_entries != 0 && reader.entry_count() > limits.max_entries) {
    return TooManyEntries(reader.entry_count(), limits.max_entries);
  }
  ZipPlan plan;
  PathIndex index;
  for (uint64_t i = 0; i < reader.entry_count(); ++i) {
    Result<ZipEntryInfo> info = reader.Stat(i);
    if (!info.ok()) return info.error();
    Result<ZipEntryPath> path = NormalizeEntry(*info);
    if (!path.ok()) return path.error();
    if (path->is_archive_metadata) {
      plan.skipped.push_back(info->name);
      continue;
    }
    Status type_ok = CheckEntryType(*info);
    if (!type_ok.ok()) return type_ok.error();

    bool is_folder = info->kind == ZipEntryKind::kDirectory;
    if (path->components.empty()) continue;  // "./": the job folder itself
    Status placed = index.Add(*info, *path, is_folder);
    if (!placed.ok()) return placed.error();

    uint64_t room = std::numeric_limits<uint64_t>::max() - plan.declared_bytes;
    plan.declared_bytes += std::min(info->declared_size, room);
    if (limits.max_unpacked_bytes != 0 && plan.declared_bytes > limits.max_unpacked_bytes) {
      return TooManyDeclaredBytes(limits.max_unpacked_bytes);
    }
    PlannedEntry planned{i, std::move(*path), info->unix_permissions, info->modified};
    planned.path.is_directory = is_folder;
    (is_folder ? plan.directories : plan.files).push_back(std::move(planned));
  }
  plan.folder_count = index.folder_count();
  return plan;
}

}  // namespace webjobs
