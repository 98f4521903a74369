// Reading the process table from /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace webjobs {

// The fields of /proc/<pid>/stat that the host uses. CPU times are in
// clock ticks (sysconf(_SC_CLK_TCK) per second, 100 on common Linux builds).
struct ProcessStat {
  pid_t pid = 0;
  char state = '?';  // 'R', 'S', 'D', 'Z' (zombie), 'X' (dead), ...
  pid_t parent_pid = 0;
  pid_t process_group = 0;
  pid_t session = 0;
  uint32_t flags = 0;  // PF_* flags of the kernel's task_struct
  uint64_t user_ticks = 0;
  uint64_t system_ticks = 0;
  // CPU time of children that the process has waited for.
  uint64_t children_user_ticks = 0;
  uint64_t children_system_ticks = 0;
  // End address of the environment strings. 0 while an execve() is still
  // setting up the new program, for kernel threads and zombies, and when
  // the reader may not inspect the process.
  uint64_t environment_end = 0;
};

// True for kernel threads (PF_KTHREAD), which have no environment.
inline bool IsKernelThread(const ProcessStat& stat) { return (stat.flags & 0x00200000u) != 0; }

// Parses the text of /proc/<pid>/stat. The command name in parentheses may
// contain spaces and parentheses, so the fields are read after the last
// ')'. kInvalidArgument when the text is malformed.
Result<ProcessStat> ParseProcessStat(std::string_view text);

// Returns the pids of all processes (thread-group leaders) visible in
// /proc. The listing walks pids in increasing order, so processes that
// exit during the walk never hide others. Empty when /proc is missing.
std::vector<pid_t> ListProcessIds();

// Reads and parses /proc/<pid>/stat. kNotFound when the process does not
// exist (or has just exited and been reaped).
Result<ProcessStat> ReadProcessStat(pid_t pid);

}  // namespace webjobs
