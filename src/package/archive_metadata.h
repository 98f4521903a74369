// Files that archivers and file browsers add beside a user's files: macOS
// Archive Utility's `__MACOSX/` folder, Finder's `.DS_Store` and Windows
// Explorer's `Thumbs.db`. They are left out when a zip is unpacked and
// ignored when a job folder is searched for its entry point.
#pragma once

#include <string_view>

namespace webjobs {

// Returns true when one path component (a file or folder name, no
// separators) is archive metadata. The comparison ignores ASCII case, since
// the files come from case-insensitive file systems.
bool IsArchiveMetadataName(std::string_view component);

}  // namespace webjobs
