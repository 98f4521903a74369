#include "package/script_runners.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "core/words.h"
#include "package/argument_splitter.h"
#include "package/ascii_case.h"
#include "package/message_value.h"

namespace webjobs {
namespace {

struct BuiltinRunner {
  std::string_view extension;
  std::string_view command;  // empty: the type never runs on Linux by default
  std::string_view reason;   // why it never runs, when `command` is empty
};

constexpr std::string_view kBatchReason =
    "Windows batch files cannot run on Linux; add a run.sh that does the same work";

// Kudu's host order (.cmd .bat .exe .ps1 .sh .py .php .js), then ours.
constexpr BuiltinRunner kBuiltinRunners[] = {
    {".cmd", "", kBatchReason},
    {".bat", "", kBatchReason},
    {".exe", "", "Windows executables cannot run on Linux; build the program for Linux"},
    {".ps1", "pwsh -File", ""},
    {".sh", "bash", ""},
    {".py", "python3 -u", ""},
    {".php", "php", ""},
    {".js", "node", ""},
    {".jar", "java -jar", ""},
};

constexpr size_t kMaxExtensionBytes = 32;
constexpr std::string_view kElfMagic =
    "\x7F"
    "ELF";

std::vector<std::string> SplitOnSpaces(std::string_view text) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t begin = text.find_first_not_of(" \t", pos);
    if (begin == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t", begin);
    if (end == std::string_view::npos) end = text.size();
    words.emplace_back(text.substr(begin, end - begin));
    pos = end;
  }
  return words;
}

std::string_view TrimSpaces(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

bool IsExecutableFile(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// Resolves the first word of `command` to an absolute program path; the
// returned reason is empty on success.
std::string ResolveCommand(std::vector<std::string>& command, std::string_view search_path) {
  std::optional<std::string> program = FindExecutable(command.front(), search_path);
  if (!program) {
    return command.front() + " was not found in the search path " + QuoteForMessage(search_path);
  }
  command.front() = *program;
  return "";
}

Status ValidateExtension(std::string_view extension) {
  bool valid =
      extension.size() >= 2 && extension.size() <= kMaxExtensionBytes && extension.front() == '.';
  for (size_t i = 1; valid && i < extension.size(); ++i) {
    char ch = extension[i];
    valid =
        (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-';
  }
  if (valid) return Status::Ok();
  return InvalidArgument("invalid runner extension " + QuoteForMessage(extension) +
                         ": write a dot followed by letters, digits, '_', '+' or '-', such as .rb");
}

bool LooksLikeSharedLibrary(std::string_view file_name) {
  return file_name.ends_with(".so") || file_name.find(".so.") != std::string_view::npos;
}

}  // namespace

std::optional<std::string> FindExecutable(std::string_view program, std::string_view search_path) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string_view::npos) {
    std::string path(program);
    if (program.front() == '/' && IsExecutableFile(path)) return path;
    return std::nullopt;
  }
  size_t pos = 0;
  while (pos <= search_path.size()) {
    size_t end = search_path.find(':', pos);
    if (end == std::string_view::npos) end = search_path.size();
    std::string_view directory = search_path.substr(pos, end - pos);
    pos = end + 1;
    // An empty or relative entry means the current directory, which would
    // let a job's own files stand in for an interpreter.
    if (directory.empty() || directory.front() != '/') continue;
    std::string candidate = std::string(directory) + "/" + std::string(program);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return std::nullopt;
}

bool IsElfExecutable(const std::filesystem::path& file) {
  constexpr int kElfTypeExecutable = 2;
  constexpr int kElfTypeShared = 3;
  char header[18] = {};
  std::ifstream stream(file, std::ios::binary);
  if (!stream.read(header, sizeof header)) return false;
  if (std::string_view(header, 4) != kElfMagic) return false;
  // Byte 5 is EI_DATA (1: little-endian, 2: big-endian); e_type follows the
  // 16-byte identification.
  unsigned char low = static_cast<unsigned char>(header[header[5] == 2 ? 17 : 16]);
  unsigned char high = static_cast<unsigned char>(header[header[5] == 2 ? 16 : 17]);
  int type = low | (high << 8);
  return type == kElfTypeExecutable || type == kElfTypeShared;
}

ScriptRunners::ScriptRunners(std::string search_path) : search_path_(std::move(search_path)) {
  for (const BuiltinRunner& builtin : kBuiltinRunners) {
    Entry entry{std::string(builtin.extension), {}, std::string(builtin.reason)};
    if (!builtin.command.empty()) {
      entry.command = SplitOnSpaces(builtin.command);
      entry.reason = ResolveCommand(entry.command, search_path_);
      if (!entry.reason.empty()) entry.command.clear();
    }
    entries_.push_back(std::move(entry));
  }
  builtin_count_ = entries_.size();
}

Status ScriptRunners::AddRunner(std::string extension, std::string command) {
  extension = ToLowerAscii(extension);
  Status valid = ValidateExtension(extension);
  if (!valid.ok()) return valid;

  std::vector<std::string> words = SplitOnSpaces(command);
  if (words.empty()) {
    return InvalidArgument("runner for " + extension + " has an empty command; write for example " +
                           extension + "=ruby");
  }
  std::string reason = ResolveCommand(words, search_path_);
  if (!reason.empty()) {
    return InvalidArgument("runner for " + extension + ": " + reason +
                           "; install the program or give its absolute path");
  }

  size_t index = 0;
  if (FindEntry(extension, &index) != nullptr) {
    entries_[index].command = std::move(words);
    entries_[index].reason.clear();
  } else {
    entries_.push_back(Entry{std::move(extension), std::move(words), ""});
  }
  return Status::Ok();
}

Status ScriptRunners::AddRunners(std::string_view spec) {
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(';', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.find_first_not_of(" \t") == std::string_view::npos) continue;

    size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      return InvalidArgument("runner " + QuoteForMessage(item) +
                             " has no '='; write extension=command, such as .rb=ruby");
    }
    std::string_view extension = TrimSpaces(item.substr(0, equals));
    Status added = AddRunner(std::string(extension), std::string(item.substr(equals + 1)));
    if (!added.ok()) return added;
  }
  return Status::Ok();
}

const ScriptRunners::Entry* ScriptRunners::FindEntry(std::string_view extension,
                                                     size_t* index) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].extension == extension) {
      if (index != nullptr) *index = i;
      return &entries_[i];
    }
  }
  return nullptr;
}

std::optional<FileRunner> ScriptRunners::Classify(const std::filesystem::path& file) const {
  std::string extension = ToLowerAscii(file.extension().string());
  size_t index = 0;
  const Entry* entry = extension.empty() ? nullptr : FindEntry(extension, &index);
  if (entry != nullptr) {
    if (extension == ".exe" && IsElfExecutable(file)) {
      return FileRunner{PriorityOf(index), extension, true, {}, ""};
    }
    return FileRunner{PriorityOf(index), extension, !entry->command.empty(), entry->command,
                      entry->reason};
  }
  if (!LooksLikeSharedLibrary(file.filename().string()) && IsElfExecutable(file)) {
    return FileRunner{NativePriority(), "native", true, {}, ""};
  }
  return std::nullopt;
}

Result<std::vector<std::string>> ScriptRunners::BuildArgv(const std::filesystem::path& script_path,
                                                          std::string_view arguments) const {
  std::optional<FileRunner> runner = Classify(script_path);
  if (!runner) {
    return InvalidArgument("no runner for " + QuoteForMessage(script_path.filename().string()) +
                           ": its extension is not one this host runs and it is not a Linux "
                           "executable");
  }
  return BuildArgv(*runner, script_path, arguments);
}

Result<std::vector<std::string>> ScriptRunners::BuildArgv(const FileRunner& runner,
                                                          const std::filesystem::path& script_path,
                                                          std::string_view arguments) {
  if (!runner.runnable) {
    return InvalidArgument("cannot run " + QuoteForMessage(script_path.filename().string()) + ": " +
                           runner.reason);
  }
  Result<std::vector<std::string>> words = SplitArguments(arguments);
  if (!words.ok()) return words.error();

  std::vector<std::string> argv = runner.command;
  std::string path = script_path.string();
  if (runner.command.empty() && path.find('/') == std::string::npos) path = "./" + path;
  argv.push_back(std::move(path));
  argv.insert(argv.end(), words->begin(), words->end());
  return argv;
}

std::vector<std::string> ScriptRunners::RunnableDescriptions() const {
  std::vector<std::string> lines;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i == NativePriority()) {
      lines.push_back("Linux (ELF) executables, with no extension or .exe: run directly");
    }
    const Entry& entry = entries_[i];
    if (!entry.command.empty()) {
      lines.push_back(entry.extension + ": " + JoinWords(entry.command) + " <script>");
    }
  }
  if (entries_.size() == NativePriority()) {
    lines.push_back("Linux (ELF) executables, with no extension or .exe: run directly");
  }
  return lines;
}

std::vector<std::string> ScriptRunners::UnavailableDescriptions() const {
  std::vector<std::string> lines;
  for (const Entry& entry : entries_) {
    if (entry.command.empty()) lines.push_back(entry.extension + ": " + entry.reason);
  }
  return lines;
}

}  // namespace webjobs
