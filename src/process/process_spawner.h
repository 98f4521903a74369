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

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "process/child_process.h"
#include "process/unique_fd.h"

namespace webjobs {

class ParkedProcess;

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

// A process ready to start: its program is found and its working
// directory checked, so ProcessSpawner::Start() does little more than the
// spawn itself. A scheduler prepares runs ahead of their instant this way.
// It contains no descriptor: every spawn copies the parent's descriptor table
// into the child, so descriptors made ahead would slow every spawn.
struct PreparedSpawn {
  SpawnOptions options;
  std::string program;  // the resolved argv[0] (see ResolveProgram)
};

// Starts processes. Each implementation documents whether it is
// thread-safe.
class ProcessSpawner {
 public:
  virtual ~ProcessSpawner() = default;

  // Checks a spawn and sets it up without starting anything. Errors name
  // argv[0] and the working dir. They are kInvalidArgument for an empty
  // argv or a program that is not executable, kNotFound for a missing
  // program or working dir, and kIo for other failures.
  virtual Result<PreparedSpawn> Prepare(SpawnOptions options) = 0;
  // Starts a prepared process. On success the caller owns the child and
  // must reap it. Errors are those of Prepare() (the files may have changed
  // since), plus kInvalidArgument for a script without a #! line and
  // kNotFound for a missing #! interpreter. No process is left behind on
  // error.
  virtual Result<ChildProcess> Start(PreparedSpawn prepared) = 0;
  // The part of a start that can wait until a burst of starts is done:
  // PosixProcessSpawner enlarges the output pipes here. Until then a
  // child that writes more than the kernel's default pipe buffer blocks.
  virtual void FinishStart(const ChildProcess& /*child*/) {}

  // Starts a prepared process ahead of its instant, held before the exec
  // of its program until ParkedProcess::Release(); FinishStart() is done.
  // kUnavailable when this spawner cannot hold processes (the default);
  // otherwise the errors of Start() for the launcher. Either way the
  // caller can still Start() the same prepared spawn.
  virtual Result<std::unique_ptr<ParkedProcess>> Park(const PreparedSpawn& prepared);

  // Prepare(), Start() and FinishStart() in one call.
  Result<ChildProcess> Spawn(SpawnOptions options);
};

// Spawns with posix_spawn(). Thread-safe: the pipes are close-on-exec, so
// a process spawned concurrently from another thread never inherits them.
class PosixProcessSpawner final : public ProcessSpawner {
 public:
  // Default size of each output pipe's kernel buffer. A large buffer lets
  // a chatty job write ahead while the event loop is busy.
  static constexpr int kDefaultPipeBytes = 1 << 20;
  static constexpr std::chrono::seconds kLauncherRetryInterval{60};

  // `pipe_bytes` is requested with F_SETPIPE_SZ for both pipes, in
  // FinishStart(); 0 keeps the kernel default (64 KiB). A rejected request
  // is ignored.
  // NOTE: for users without CAP_SYS_RESOURCE the kernel caps the total
  // pipe memory per user (fs.pipe-user-pages-soft, 64 MiB by default);
  // beyond it new pipes get tiny buffers, which slows output capture but
  // loses nothing.
  explicit PosixProcessSpawner(int pipe_bytes = kDefaultPipeBytes) : pipe_bytes_(pipe_bytes) {}

  Result<PreparedSpawn> Prepare(SpawnOptions options) override;
  Result<ChildProcess> Start(PreparedSpawn prepared) override;
  void FinishStart(const ChildProcess& child) override;
  // Uses the launcher image that EnableParking() passed; kUnavailable
  // without one. When the image cannot be executed, the kIo error reports it,
  // and Park() returns kUnavailable until a check kLauncherRetryInterval
  // later finds it executable again.
  Result<std::unique_ptr<ParkedProcess>> Park(const PreparedSpawn& prepared) override;

  // Lets Park() hold processes with the webjobs-launcher in
  // `launcher_image`, a descriptor of an executable file such as the memfd
  // of CreateLauncherImage(). Errors only when the descriptor cannot be
  // moved (EMFILE).
  Status EnableParking(UniqueFd launcher_image);

 private:
  int pipe_bytes_;
  UniqueFd launcher_image_;
  std::chrono::steady_clock::time_point launcher_retry_at_{};
};

// Describes a failed exec of `program` (errno `error`) as Start() reports
// it: a missing program, interpreter or working directory, a missing
// execute permission, or a file that is not executable.
Error DescribeSpawnFailure(const SpawnOptions& options, const std::string& program, int error);

// Returns the path that Spawn() executes for `options`: argv[0] itself
// when it contains a '/', else the first executable regular file named
// argv[0] in the PATH of `options.env`. kNotFound when the search finds
// nothing, kInvalidArgument for an empty argv.
Result<std::string> ResolveProgram(const SpawnOptions& options);

}  // namespace webjobs
