// The table from script type to the command that starts it.
//
// Types are tried by discovery in a fixed order that extends Kudu's host
// order: .cmd, .bat, .exe, .ps1, .sh, .py, .php, .js (Kudu's), then .jar,
// then native executables without a known extension, then user-added
// extensions in the order they were added. Defaults:
//   .sh  -> bash <script> <args>        .py  -> python3 -u <script> <args>
//   .js  -> node <script> <args>        .php -> php <script> <args>
//   .jar -> java -jar <script> <args>   .ps1 -> pwsh -File <script> <args>
//   native Linux (ELF) executables, with any name including .exe -> run directly
// `.cmd`, `.bat` and a `.exe` that is not an ELF file cannot run on Linux,
// and `.ps1` can run only when `pwsh` is found. Such types stay in the
// table, marked not runnable, so discovery skips them and messages can
// give the reason. Interpreters are resolved to absolute paths when the
// table is built, by searching the PATH-style list given to the
// constructor (never the host's own PATH), so a job's PATH cannot change
// which interpreter runs.
//
// Thread-safety: configure (AddRunner, AddRunners) before sharing; the
// const methods are then safe to call from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace webjobs {

// A PATH value with system directories only. The host passes this (or its
// own explicit PATH) so that interpreters resolve to /usr/bin/python3 and
// not to a per-user shim that happens to be first on root's PATH.
inline constexpr std::string_view kSystemSearchPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The runner chosen for one file: its type and command.
struct FileRunner {
  // Position of the file's type in discovery order; lower is tried first.
  size_t priority = 0;
  // ".sh", ".exe", ... or "native" for an ELF file without a known extension.
  std::string type;
  bool runnable = false;
  // The interpreter's argv before the script path, with an absolute
  // program path; empty for a native executable, which runs directly.
  std::vector<std::string> command;
  // Reason the type cannot run here; empty when runnable.
  std::string reason;
};

class ScriptRunners {
 public:
  // Builds the default table, resolving interpreters in `search_path` (a
  // colon-separated list of absolute directories; relative and empty
  // entries are ignored).
  explicit ScriptRunners(std::string search_path = std::string(kSystemSearchPath));

  // Adds a runner for `extension`, or replaces the command of an existing
  // type while keeping its place in the order. An extension is a dot
  // followed by letters, digits, '_', '+' or '-' (".rb"), and its case is
  // ignored. For .exe the command applies only to files that are not ELF
  // executables.
  // `command` is split on spaces. Its first word is a program name, looked
  // up in the search path, or an absolute path. The other words are fixed
  // arguments placed before the script path ("perl -w").
  // Returns kInvalidArgument for a malformed extension, an empty command or
  // a program that is not found or not executable.
  Status AddRunner(std::string extension, std::string command);

  // Adds runners from a spec such as ".rb=ruby;.pl=perl -w" (entries
  // separated by ';', each "extension=command"). Stops at the first bad
  // entry and returns its error; entries before it stay added.
  Status AddRunners(std::string_view spec);

  // Returns how `file` would be started, or nullopt when its extension is
  // unknown and it is not an ELF executable (a readme, a library). Reads
  // the first bytes of `.exe` files and of files without a known extension
  // to recognize ELF executables. Shared libraries (*.so, *.so.N) and
  // object files are not treated as programs.
  std::optional<FileRunner> Classify(const std::filesystem::path& file) const;

  // Returns the argv that starts `script_path` with `arguments`: the
  // runner's command, the script path, then the words of `arguments` split
  // as SplitArguments does (no shell parses them). A native executable
  // given by a bare file name gets a "./" prefix so execvp cannot find a
  // program of that name on PATH instead.
  // Returns kInvalidArgument when the file has no runner, its type cannot
  // run here, or the arguments are malformed.
  Result<std::vector<std::string>> BuildArgv(const std::filesystem::path& script_path,
                                             std::string_view arguments) const;
  // The same for a file already classified as `runner` (by Classify() at
  // discovery), so a run start does not read the file again.
  static Result<std::vector<std::string>> BuildArgv(const FileRunner& runner,
                                                    const std::filesystem::path& script_path,
                                                    std::string_view arguments);

  // One line per runnable type, in discovery order, for error messages and
  // `webjobs serve --help`, such as ".py: /usr/bin/python3 -u <script>".
  std::vector<std::string> RunnableDescriptions() const;
  // One line per type that cannot run here, with the reason.
  std::vector<std::string> UnavailableDescriptions() const;

  const std::string& search_path() const { return search_path_; }

 private:
  struct Entry {
    std::string extension;             // lower case, with the dot
    std::vector<std::string> command;  // resolved; empty when not runnable
    std::string reason;                // why not runnable; empty when runnable
  };

  // Discovery order: the built-in types up to .jar keep their index,
  // native executables come next, then user-added extensions.
  size_t NativePriority() const { return builtin_count_; }
  size_t PriorityOf(size_t index) const { return index < builtin_count_ ? index : index + 1; }
  const Entry* FindEntry(std::string_view extension, size_t* index) const;

  std::string search_path_;
  std::vector<Entry> entries_;
  size_t builtin_count_ = 0;
};

// Looks `program` up in `search_path` and returns the absolute path of the
// first executable regular file found, or nullopt. A `program` containing
// '/' must be an absolute path to an executable file.
std::optional<std::string> FindExecutable(std::string_view program, std::string_view search_path);

// Returns true when `file` starts with an ELF header of an executable
// (ET_EXEC) or position-independent executable or shared object (ET_DYN).
bool IsElfExecutable(const std::filesystem::path& file);

}  // namespace webjobs
