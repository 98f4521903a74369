// Finds a job's entry point in its folder, the way Kudu does, with the
// changes a Linux host needs.
//
// 1. Script directory: while the folder has exactly one entry and that
//    entry is a directory (not a symbolic link), descend into it. Archive
//    metadata (`__MACOSX`, `.DS_Store`, `Thumbs.db`) does not count.
// 2. Only the top level of the script directory is searched.
// 3. Each file is classified by ScriptRunners; types that cannot run on
//    this host are skipped. A file named run.<ext> (any case; a native
//    executable named just `run`) of the earliest type in discovery order
//    wins, so any run.* beats every other file. Without one, the first
//    file by name order (ASCII case ignored, ties broken byte-wise) of the earliest type that has a file
//    wins. Names are sorted here, so the result never depends on the order
//    in which the file system lists them.
//
// Functions only read the file system; they are thread-safe as long as
// the folder is not changed meanwhile.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "package/script_runners.h"

namespace webjobs {

struct EntryPoint {
  std::filesystem::path script_dir;   // absolute; the process's working directory
  std::filesystem::path script_path;  // absolute
  // Script path relative to the job root with '/' separators, as Kudu's
  // `run_command` field shows it ("inner/run.sh").
  std::string run_command;
  FileRunner runner;  // the file's type and interpreter command
  // Problems that let the job deploy but may make it fail, each with the
  // fix: a .sh script with CRLF line endings or a UTF-8 byte-order mark.
  std::vector<std::string> warnings;
};

// Returns the script directory of `job_root` (absolute): where the entry
// point, settings.job and disable.job live. kNotFound when `job_root` is
// not a directory, kIo when it cannot be read.
Result<std::filesystem::path> FindScriptDirectory(const std::filesystem::path& job_root);

// Finds the entry point of the job in `job_root`.
// Returns kInvalidArgument when there is none, with a message that lists
// the files found (up to 20), the ones skipped because they cannot run
// here, and the types this host can run. kNotFound / kIo as for
// FindScriptDirectory.
Result<EntryPoint> DiscoverEntryPoint(const std::filesystem::path& job_root,
                                      const ScriptRunners& runners);

}  // namespace webjobs
