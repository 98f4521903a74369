#include "process/proc_stat.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <memory>
#include <string>

#include "process/unique_fd.h"

namespace webjobs {

namespace {

// Field positions counted from the first field after the command name
// (field 3, the state, in proc(5) numbering).
constexpr size_t kParentPidField = 1;
constexpr size_t kProcessGroupField = 2;
constexpr size_t kSessionField = 3;
constexpr size_t kFlagsField = 6;
constexpr size_t kUserTicksField = 11;
constexpr size_t kSystemTicksField = 12;
constexpr size_t kChildrenUserTicksField = 13;
constexpr size_t kChildrenSystemTicksField = 14;
constexpr size_t kFieldsNeeded = 15;
constexpr size_t kEnvironmentEndField = 48;  // since Linux 3.5

template <typename Number>
bool ParseNumber(std::string_view text, Number& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

Error Malformed(std::string_view text) {
  return InvalidArgument("malformed /proc stat line: " + std::string(text.substr(0, 200)));
}

}  // namespace

Result<ProcessStat> ParseProcessStat(std::string_view text) {
  size_t open = text.find(" (");
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Malformed(text);
  }

  ProcessStat stat;
  if (!ParseNumber(text.substr(0, open), stat.pid)) return Malformed(text);

  std::array<std::string_view, kEnvironmentEndField + 1> fields;
  std::string_view rest = text.substr(close + 1);
  size_t count = 0;
  while (count < fields.size()) {
    size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    size_t end = std::min(rest.find_first_of(" \n"), rest.size());
    fields[count++] = rest.substr(0, end);
    rest.remove_prefix(end);
  }
  if (count < kFieldsNeeded || fields[0].size() != 1) return Malformed(text);

  stat.state = fields[0][0];
  bool ok = ParseNumber(fields[kParentPidField], stat.parent_pid) &&
            ParseNumber(fields[kProcessGroupField], stat.process_group) &&
            ParseNumber(fields[kSessionField], stat.session) &&
            ParseNumber(fields[kFlagsField], stat.flags) &&
            ParseNumber(fields[kUserTicksField], stat.user_ticks) &&
            ParseNumber(fields[kSystemTicksField], stat.system_ticks) &&
            ParseNumber(fields[kChildrenUserTicksField], stat.children_user_ticks) &&
            ParseNumber(fields[kChildrenSystemTicksField], stat.children_system_ticks);
  if (count > kEnvironmentEndField) {
    ok = ok && ParseNumber(fields[kEnvironmentEndField], stat.environment_end);
  }
  if (!ok) return Malformed(text);
  return stat;
}

std::vector<pid_t> ListProcessIds() {
  std::vector<pid_t> pids;
  std::unique_ptr<DIR, DirCloser> proc(opendir("/proc"));
  if (!proc) return pids;
  while (dirent* entry = readdir(proc.get())) {
    pid_t pid = 0;
    if (ParseNumber(entry->d_name, pid) && pid > 0) pids.push_back(pid);
  }
  return pids;
}

Result<ProcessStat> ReadProcessStat(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ESRCH)
      return NotFound("no process with pid " + std::to_string(pid));
    return ErrnoError("failed to open " + path, errno);
  }

  // The line is at most a few hundred bytes: the command name is capped
  // at 64 bytes and the rest are about fifty numbers.
  char buffer[4096];
  ssize_t length;
  do {
    length = read(fd.get(), buffer, sizeof buffer);
  } while (length < 0 && errno == EINTR);
  if (length < 0) {
    if (errno == ESRCH) return NotFound("no process with pid " + std::to_string(pid));
    return ErrnoError("failed to read " + path, errno);
  }
  return ParseProcessStat(std::string_view(buffer, static_cast<size_t>(length)));
}

}  // namespace webjobs
