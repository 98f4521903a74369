// Starting job processes.
//
// ProcessSpawner is the seam between the job supervisor and the OS: the
// supervisor's tests use a fake, the daemon uses PosixProcessSpawner.
//
// A spawned child is a session and process-group leader with an empty
// signal mask and every signal at its default action (the daemon ignores
// SIGPIPE, and ignored signals survive exec otherwise). Its stdin reads
// /dev/null, stdout and stderr go to two separate pipes, and it inherits
// no other descriptor.
//
// NOTE: glibc 2.36's posix_spawn() leaves its two internal signals (32
// and 33) ignored in the child. glibc programs reinstall them at start;
// a program that uses these raw signal numbers itself would see them
// ignored.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "process/child_process.h"

namespace webjobs {

struct SpawnOptions {
  // argv[0] names the program. With a '/' it is a path, and a relative path
  // is taken relative to working_dir. Without a '/' it is searched in the
  // PATH entry of `env`, not in the daemon's own PATH. When `env` has no
  // PATH, the search uses "/bin:/usr/bin".
  std::vector<std::string> argv;
  // The complete environment of the child, "KEY=VALUE" entries.
  std::vector<std::string> env;
  std::filesystem::path working_dir;
};

// Starts processes. Each implementation documents whether it is
// thread-safe.
class ProcessSpawner {
 public:
  virtual ~ProcessSpawner() = default;

  // Starts the process described by `options`. On success the caller owns
  // the child and must reap it. Errors name argv[0] and the working dir:
  // kInvalidArgument for an empty argv, a program that is not executable
  // or has no #! line; kNotFound for a missing program, #! interpreter or
  // working dir; kIo for other failures. No process is left behind on error.
  virtual Result<ChildProcess> Spawn(const SpawnOptions& options) = 0;
};

// Spawns with posix_spawn(). Thread-safe: the pipes are close-on-exec, so
// a process spawned concurrently from another thread never inherits them.
class PosixProcessSpawner final : public ProcessSpawner {
 public:
  // Default size of each output pipe's kernel buffer. A large buffer lets
  // a chatty job write ahead while the event loop is busy.
  static constexpr int kDefaultPipeBytes = 1 << 20;

  // `pipe_bytes` is requested with F_SETPIPE_SZ for both pipes; 0 keeps
  // the kernel default (64 KiB). A rejected request is ignored.
  // NOTE: for users without CAP_SYS_RESOURCE the kernel caps the total
  // pipe memory per user (fs.pipe-user-pages-soft, 64 MiB by default);
  // beyond it new pipes get tiny buffers, which slows output capture but
  // loses nothing.
  explicit PosixProcessSpawner(int pipe_bytes = kDefaultPipeBytes) : pipe_bytes_(pipe_bytes) {}

  Result<ChildProcess> Spawn(const SpawnOptions& options) override;

 private:
  int pipe_bytes_;
};

// Returns the path that Spawn() executes for `options`: argv[0] itself
// when it contains a '/', else the first executable regular file named
// argv[0] in the PATH of `options.env`. kNotFound when the search finds
// nothing, kInvalidArgument for an empty argv.
Result<std::string> ResolveProgram(const SpawnOptions& options);

}  // namespace webjobs
