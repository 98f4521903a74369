// Read access to a zip archive through libzip, with the facts the importer
// checks for each entry. libzip does no path checks of its own.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct zip;

namespace webjobs {

enum class ZipEntryKind { kFile, kDirectory, kSymlink, kSpecial };

struct ZipEntryInfo {
  uint64_t index = 0;
  std::string raw_name;  // bytes as stored in the archive
  // The name in UTF-8: as stored when it is valid UTF-8, else converted
  // from code page 437 (what zip tools without the UTF-8 flag write).
  std::string name;
  // Taken from the Unix mode in the external attributes when the entry was
  // made on Unix. Otherwise a trailing '/' or '\', or the MS-DOS folder
  // bit, makes it a folder.
  ZipEntryKind kind = ZipEntryKind::kFile;
  uint64_t declared_size = 0;  // uncompressed size claimed by the archive
  bool encrypted = false;
  bool compression_supported = true;
  int32_t compression_method = 0;
  std::optional<uint32_t> unix_permissions;  // 07777 bits, when made on Unix
  std::optional<std::time_t> modified;
};

// One open archive. Move-only; not thread-safe.
class ZipReader {
 public:
  // Opens `file` read-only with libzip's consistency checks (central
  // directory against local headers). Returns kInvalidArgument "not a valid
  // zip archive" for anything that is not a readable zip, kIo when the file
  // cannot be read.
  static Result<ZipReader> Open(const std::filesystem::path& file);

  uint64_t entry_count() const { return entry_count_; }

  // Returns the facts of entry `index` (< entry_count()).
  Result<ZipEntryInfo> Stat(uint64_t index) const;

  // Decompresses entry `index` and passes its bytes to `sink` in chunks of
  // at most 64 KiB. Stops at the first error that `sink` returns and
  // returns it. Returns kInvalidArgument when the data is damaged (CRC or
  // size mismatch, bad compressed stream).
  Status ReadEntry(uint64_t index, const std::function<Status(std::string_view chunk)>& sink) const;

 private:
  struct Closer {
    void operator()(struct zip* archive) const;
  };

  ZipReader(std::unique_ptr<struct zip, Closer> archive, uint64_t entry_count);

  std::unique_ptr<struct zip, Closer> archive_;
  uint64_t entry_count_ = 0;
};

}  // namespace webjobs
