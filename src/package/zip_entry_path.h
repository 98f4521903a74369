// Validation of the names of zip entries before anything is unpacked.
//
// A zip entry name is untrusted: it may be absolute, climb out with "..",
// use Windows separators or drive letters, or carry control characters.
// Kudu rewrites a few of these and unpacks the rest; we reject the whole
// archive instead and name the entry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace webjobs {

inline constexpr size_t kMaxZipPathBytes = 1024;
inline constexpr size_t kMaxZipPathDepth = 64;

struct ZipEntryPath {
  // Components of the path inside the job folder, none empty, "." or "..".
  // Empty for an entry that names the folder itself ("./").
  std::vector<std::string> components;
  bool is_directory = false;  // the name ends with '/' or '\'
  // Some component is archive metadata (__MACOSX, .DS_Store, Thumbs.db).
  bool is_archive_metadata = false;

  // The components joined with '/'.
  std::string Joined() const;
};

// Normalizes a zip entry name: '\' becomes '/' (zips made on Windows), and
// empty and "." components are dropped ("./a//b" is "a/b").
// Returns kInvalidArgument, quoting the name, when it:
// - contains a control character (bytes 0x01-0x1F, 0x7F);
// - starts with '/' (absolute, also "\\server\share") or a drive letter
//   ("C:");
// - has a ".." component or a component over 255 bytes;
// - is longer than 1024 bytes or deeper than 64 folders;
// - names no file ("", "." or "./" as a file).
// NOTE: libzip 1.7.3 (Debian 12) turns NUL bytes in names into spaces
// before this function gets them, so such a name passes with spaces.
Result<ZipEntryPath> NormalizeZipEntryName(std::string_view name);

}  // namespace webjobs
