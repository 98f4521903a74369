#include "package/script_discovery.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <system_error>

#include "package/archive_metadata.h"
#include "package/ascii_case.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxListedNames = 20;
// Line-ending and BOM checks read at most this much of a script.
constexpr std::streamsize kMaxScriptBytesChecked = 1 << 20;

struct FolderEntry {
  std::string name;
  bool is_directory = false;     // a real directory, not a link to one
  bool is_regular_file = false;  // after following a symbolic link
};

struct Candidate {
  const FolderEntry* entry;
  FileRunner runner;
  bool is_run = false;
};

// Returns `folder` as an absolute path without "." or ".." parts or a
// trailing separator, so relative paths computed from it are clean.
fs::path NormalizedFolder(const fs::path& folder) {
  fs::path normalized = fs::absolute(folder).lexically_normal();
  if (!normalized.has_filename() && normalized.has_parent_path() &&
      normalized != normalized.root_path()) {
    normalized = normalized.parent_path();
  }
  return normalized;
}

// Lists `folder` without archive metadata, sorted by name ignoring ASCII
// case (the order Kudu saw on NTFS, where "createdump.exe" comes before
// "ZZZ.exe"), with byte-wise order breaking ties so the result never
// depends on the file system.
Result<std::vector<FolderEntry>> ListFolder(const fs::path& folder) {
  std::error_code error;
  fs::directory_iterator iterator(folder, error);
  std::vector<FolderEntry> entries;
  for (; !error && iterator != fs::directory_iterator(); iterator.increment(error)) {
    FolderEntry entry;
    entry.name = iterator->path().filename().string();
    if (IsArchiveMetadataName(entry.name)) continue;
    std::error_code status_error;
    entry.is_directory =
        iterator->is_directory(status_error) && !iterator->is_symlink(status_error);
    entry.is_regular_file = iterator->is_regular_file(status_error);
    entries.push_back(std::move(entry));
  }
  if (error) {
    return IoError("cannot list job folder " + QuoteForMessage(folder.string()) + ": " +
                   error.message());
  }
  std::sort(entries.begin(), entries.end(), [](const FolderEntry& a, const FolderEntry& b) {
    std::string lower_a = ToLowerAscii(a.name);
    std::string lower_b = ToLowerAscii(b.name);
    return lower_a != lower_b ? lower_a < lower_b : a.name < b.name;
  });
  return entries;
}

bool IsRunName(const fs::path& file_name, const FileRunner& runner) {
  if (runner.type == "native") return EqualsIgnoringAsciiCase(file_name.string(), "run");
  return EqualsIgnoringAsciiCase(file_name.stem().string(), "run");
}

// Picks the entry point among runnable candidates: the run.* file of the
// earliest type, else the first file of the earliest type. `candidates`
// are in name order, so the first of equal priority is the first by name.
const Candidate* SelectCandidate(const std::vector<Candidate>& candidates) {
  const Candidate* best_run = nullptr;
  const Candidate* best_other = nullptr;
  for (const Candidate& candidate : candidates) {
    const Candidate*& best = candidate.is_run ? best_run : best_other;
    if (best == nullptr || candidate.runner.priority < best->runner.priority) best = &candidate;
  }
  return best_run != nullptr ? best_run : best_other;
}

std::string RelativeCommand(const fs::path& job_root, const fs::path& script_path) {
  return script_path.lexically_relative(job_root).generic_string();
}

std::vector<std::string> CheckShellScript(const fs::path& script_path,
                                          const std::string& run_command) {
  std::string head(kMaxScriptBytesChecked, '\0');
  std::ifstream stream(script_path, std::ios::binary);
  stream.read(head.data(), kMaxScriptBytesChecked);
  head.resize(static_cast<size_t>(stream.gcount()));

  std::vector<std::string> warnings;
  if (head.starts_with("\xEF\xBB\xBF")) {
    warnings.push_back(run_command +
                       " starts with a UTF-8 byte-order mark, so bash does not recognize its "
                       "first line and reports an error for it. Save the file as UTF-8 without "
                       "BOM, for example with `sed -i '1s/^\\xEF\\xBB\\xBF//' " +
                       run_command + "`.");
  }
  if (head.find("\r\n") != std::string::npos) {
    warnings.push_back(run_command +
                       " has Windows (CRLF) line endings. Bash reads the carriage return as part "
                       "of each command, so the run will fail. Convert the file with `dos2unix " +
                       run_command + "` and upload it again.");
  }
  return warnings;
}

std::string DescribeNames(const std::vector<FolderEntry>& entries) {
  if (entries.empty()) return "the folder is empty";
  std::string text = "found ";
  for (size_t i = 0; i < entries.size() && i < kMaxListedNames; ++i) {
    if (i > 0) text += ", ";
    text += QuoteForMessage(entries[i].name + (entries[i].is_directory ? "/" : ""), 60);
  }
  if (entries.size() > kMaxListedNames) {
    text += " and " + std::to_string(entries.size() - kMaxListedNames) + " more";
  }
  return text;
}

std::string JoinLines(const std::vector<std::string>& lines, std::string_view separator) {
  std::string text;
  for (const std::string& line : lines) {
    if (!text.empty()) text += separator;
    text += line;
  }
  return text;
}

Error NoEntryPoint(const fs::path& job_root, const fs::path& script_dir,
                   const std::vector<FolderEntry>& entries, const std::vector<std::string>& skipped,
                   const ScriptRunners& runners) {
  std::string where = "the job folder";
  if (script_dir != job_root) {
    where = QuoteForMessage(RelativeCommand(job_root, script_dir) + "/") +
            " (the job folder contains only this folder, so it is searched instead)";
  }
  std::string message = "no runnable script found at the top level of " + where + ": " +
                        DescribeNames(entries) + "; sub-folders are not searched";
  if (!skipped.empty()) message += "; cannot run here: " + JoinLines(skipped, "; ");
  message += ". This host runs: " + JoinLines(runners.RunnableDescriptions(), "; ") +
             ". Add an entry point such as run.sh; a file named run.<ext> is chosen first";
  return InvalidArgument(std::move(message));
}

}  // namespace

Result<fs::path> FindScriptDirectory(const fs::path& job_root) {
  fs::path directory = NormalizedFolder(job_root);
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return NotFound("job folder " + QuoteForMessage(directory.string()) + " does not exist");
  }
  for (;;) {
    Result<std::vector<FolderEntry>> entries = ListFolder(directory);
    if (!entries.ok()) return entries.error();
    if (entries->size() != 1 || !entries->front().is_directory) return directory;
    directory /= entries->front().name;
  }
}

Result<EntryPoint> DiscoverEntryPoint(const fs::path& job_root, const ScriptRunners& runners) {
  Result<fs::path> script_dir = FindScriptDirectory(job_root);
  if (!script_dir.ok()) return script_dir.error();
  Result<std::vector<FolderEntry>> entries = ListFolder(*script_dir);
  if (!entries.ok()) return entries.error();

  std::vector<Candidate> candidates;
  std::vector<std::string> skipped;
  for (const FolderEntry& entry : *entries) {
    if (!entry.is_regular_file) continue;
    std::optional<FileRunner> runner = runners.Classify(*script_dir / entry.name);
    if (!runner) continue;
    if (!runner->runnable) {
      skipped.push_back(QuoteForMessage(entry.name, 60) + " (" + runner->reason + ")");
      continue;
    }
    bool is_run = IsRunName(entry.name, *runner);
    candidates.push_back(Candidate{&entry, std::move(*runner), is_run});
  }

  fs::path root = NormalizedFolder(job_root);
  const Candidate* chosen = SelectCandidate(candidates);
  if (chosen == nullptr) return NoEntryPoint(root, *script_dir, *entries, skipped, runners);

  EntryPoint entry_point;
  entry_point.script_dir = *script_dir;
  entry_point.script_path = *script_dir / chosen->entry->name;
  entry_point.run_command = RelativeCommand(root, entry_point.script_path);
  entry_point.runner = chosen->runner;
  if (entry_point.runner.type == ".sh") {
    entry_point.warnings = CheckShellScript(entry_point.script_path, entry_point.run_command);
  }
  return entry_point;
}

}  // namespace webjobs
