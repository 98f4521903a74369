// Implementation notes: posix_spawn() in glibc uses clone(CLONE_VFORK), so
// unlike fork() its cost does not grow with the daemon's memory, and it
// reports exec failures (ENOENT, EACCES) as its return value with no child
// left over. The pidfd is opened right after the spawn. That
// is race-free because nothing reaps an untracked child in between, as
// long as the orphan reaper runs on the same thread as Spawn().
#include "process/process_spawner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>
#include <system_error>
#include <utility>

#include "process/parked_process.h"
#include "process/pidfd.h"

namespace webjobs {

namespace {

constexpr std::string_view kDefaultSearchPath = "/bin:/usr/bin";

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// Owns a posix_spawn_file_actions_t.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// Owns a posix_spawnattr_t.
class SpawnAttributes {
 public:
  SpawnAttributes() { posix_spawnattr_init(&attributes_); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

std::string Describe(const SpawnOptions& options) {
  return options.argv.front() + " (working dir " + options.working_dir.string() + ")";
}

std::string_view FindEnvValue(const std::vector<std::string>& env, std::string_view key) {
  for (const std::string& entry : env) {
    std::string_view view = entry;
    if (view.size() > key.size() && view.substr(0, key.size()) == key && view[key.size()] == '=') {
      return view.substr(key.size() + 1);
    }
  }
  return {};
}

bool IsExecutableFile(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

// A descriptor below 3 would be clobbered by the dup2() actions that set up
// the child's stdio, which can happen when the daemon runs with a standard
// descriptor closed.
Status MoveAboveStdio(UniqueFd& fd) {
  if (fd.get() > STDERR_FILENO) return Status::Ok();
  int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) return ErrnoError("fcntl(F_DUPFD_CLOEXEC) for an output pipe failed", errno);
  fd.Reset(moved);
  return Status::Ok();
}

Result<Pipe> CreateOutputPipe() {
  // Only the daemon's end stays non-blocking: the child must block on a
  // full pipe, not fail its writes with EAGAIN. O_NONBLOCK belongs to each
  // end's open file, so clearing it on the write end leaves the read end.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return ErrnoError("pipe2 for child output failed", errno);
  }
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  for (UniqueFd* end : {&pipe.read_end, &pipe.write_end}) {
    if (Status moved = MoveAboveStdio(*end); !moved) return moved.error();
  }
  if (fcntl(pipe.write_end.get(), F_SETFL, 0) != 0) {
    return ErrnoError("fcntl(F_SETFL) on an output pipe failed", errno);
  }
  return pipe;
}

// The launcher's descriptors in the child: its socket to the host (see
// launcher_main.cc) and its own image, which the child executes as
// /proc/self/fd/4.
constexpr int kLauncherSocketFd = 3;
constexpr int kLauncherImageFd = 4;
constexpr const char* kLauncherPath = "/proc/self/fd/4";

// Descriptors a parked spawn passes to the launcher; each must be above
// kLauncherImageFd, so that no dup2() action overwrites it before its own.
struct LauncherFds {
  int socket = -1;
  int image = -1;
};

Status PrepareFileActions(FileActions& actions, const SpawnOptions& options, int stdout_fd,
                          int stderr_fd, const LauncherFds* launcher = nullptr) {
  posix_spawn_file_actions_t* raw = actions.get();
  int rc = posix_spawn_file_actions_addopen(raw, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(raw, stdout_fd, STDOUT_FILENO);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(raw, stderr_fd, STDERR_FILENO);
  int keep_below = STDERR_FILENO + 1;
  if (rc == 0 && launcher != nullptr) {
    rc = posix_spawn_file_actions_adddup2(raw, launcher->socket, kLauncherSocketFd);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(raw, launcher->image, kLauncherImageFd);
    keep_below = kLauncherImageFd + 1;
  }
  if (rc == 0) rc = posix_spawn_file_actions_addchdir_np(raw, options.working_dir.c_str());
  // Closes descriptors that a library opened without O_CLOEXEC.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(raw, keep_below);
  if (rc != 0) return ErrnoError("posix_spawn file actions for " + Describe(options), rc);
  return Status::Ok();
}

Status PrepareAttributes(SpawnAttributes& attributes, const SpawnOptions& options) {
  sigset_t empty;
  sigset_t all;
  sigemptyset(&empty);
  sigfillset(&all);
  short flags = POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  int rc = posix_spawnattr_setflags(attributes.get(), flags);
  if (rc == 0) rc = posix_spawnattr_setsigmask(attributes.get(), &empty);
  // sigfillset() leaves out glibc's internal signals, and the kernel keeps
  // SIGKILL and SIGSTOP at their defaults anyway.
  if (rc == 0) rc = posix_spawnattr_setsigdefault(attributes.get(), &all);
  if (rc != 0) return ErrnoError("posix_spawn attributes for " + Describe(options), rc);
  return Status::Ok();
}

std::vector<char*> MakeNullTerminated(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  // posix_spawn() takes char* const[] for historical reasons; it does not
  // modify the strings.
  for (const std::string& text : strings) pointers.push_back(const_cast<char*>(text.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

// Returns the interpreter named by the #! line of `path`, or "" when the
// file does not start with "#!".
std::string ReadShebangInterpreter(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::string line;
  if (!file || !std::getline(file, line) || line.rfind("#!", 0) != 0) return {};
  std::string_view rest = std::string_view(line).substr(2);
  size_t start = rest.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  rest = rest.substr(start);
  return std::string(rest.substr(0, rest.find_first_of(" \t")));
}

Error DescribeMissingProgram(const SpawnOptions& options, const std::string& program) {
  std::filesystem::path absolute = options.working_dir / program;
  std::string where = " (working dir " + options.working_dir.string() + ")";
  std::error_code ignored;
  if (!std::filesystem::exists(absolute, ignored)) {
    return NotFound("interpreter or script not found: " + program + where);
  }

  // The file exists, so execve() failed to find the interpreter it names.
  std::string interpreter = ReadShebangInterpreter(absolute.string());
  if (!interpreter.empty() && interpreter.back() == '\r') {
    interpreter.pop_back();
    return NotFound("the #! line of " + program + where +
                    " ends with a carriage return (Windows line endings), so the interpreter " +
                    interpreter + "\\r is not found; convert the script to LF line endings");
  }
  if (!interpreter.empty()) {
    return NotFound("interpreter not found: " + interpreter + " (named in the #! line of " +
                    program + ")" + where);
  }
  return NotFound("interpreter or script not found: " + program + where +
                  "; the file exists, so its ELF interpreter (dynamic loader) is missing");
}

Status CheckWorkingDir(const SpawnOptions& options) {
  std::error_code error;
  if (std::filesystem::is_directory(options.working_dir, error)) return Status::Ok();
  return NotFound("working directory not found: " + options.working_dir.string() + " (program " +
                  options.argv.front() + ")");
}

// Kills and reaps a child that cannot be tracked, so no process is left
// behind when Spawn() fails after the process started.
void KillUntrackedChild(pid_t pid) {
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Spawns `program` with `argv` and the environment and working dir of
// `options`; stdout and stderr go to new pipes. A parked spawn passes the
// launcher's descriptors.
Result<ChildProcess> SpawnWithPipes(const SpawnOptions& options, const std::string& program,
                                    std::vector<char*> argv,
                                    const LauncherFds* launcher = nullptr) {
  Result<Pipe> out = CreateOutputPipe();
  if (!out) return out.error();
  Result<Pipe> err = CreateOutputPipe();
  if (!err) return err.error();

  FileActions actions;
  SpawnAttributes attributes;
  if (Status status = PrepareFileActions(actions, options, out->write_end.get(),
                                         err->write_end.get(), launcher);
      !status) {
    return status.error();
  }
  if (Status status = PrepareAttributes(attributes, options); !status) return status.error();

  std::vector<char*> envp = MakeNullTerminated(options.env);
  pid_t pid = -1;
  int rc =
      posix_spawn(&pid, program.c_str(), actions.get(), attributes.get(), argv.data(), envp.data());
  if (rc != 0) return DescribeSpawnFailure(options, program, rc);

  // The child has its copies; closing ours lets the pipes report end of
  // file once the job's last writer exits.
  out->write_end.Reset();
  err->write_end.Reset();

  Result<UniqueFd> pidfd = OpenPidfd(pid);
  if (!pidfd) {
    KillUntrackedChild(pid);
    return IoError("started " + Describe(options) + " as pid " + std::to_string(pid) +
                   " but could not track it, so it was killed: " + pidfd.error().message);
  }
  return ChildProcess(pid, std::move(*pidfd), std::move(out->read_end), std::move(err->read_end));
}

}  // namespace

Error DescribeSpawnFailure(const SpawnOptions& options, const std::string& program, int error) {
  std::string where = " (working dir " + options.working_dir.string() + ")";
  switch (error) {
    case ENOENT:
      // The folder can have gone since Prepare() checked it.
      if (Status dir = CheckWorkingDir(options); !dir) return dir.error();
      return DescribeMissingProgram(options, program);
    case EACCES:
      return InvalidArgument("not executable: " + program + where +
                             "; set the execute permission (chmod +x) or move it off a noexec "
                             "mount");
    case ENOEXEC:
      return InvalidArgument("not an executable format: " + program + where +
                             "; add a #! line that names the interpreter");
    default:
      return ErrnoError("posix_spawn of " + program + where + " failed", error);
  }
}

Result<std::string> ResolveProgram(const SpawnOptions& options) {
  if (options.argv.empty() || options.argv.front().empty()) {
    return InvalidArgument("invalid spawn options: argv is empty (working dir " +
                           options.working_dir.string() + ")");
  }
  const std::string& name = options.argv.front();
  if (name.find('/') != std::string::npos) return name;

  std::string_view search_path = FindEnvValue(options.env, "PATH");
  if (search_path.empty()) search_path = kDefaultSearchPath;
  size_t start = 0;
  while (start <= search_path.size()) {
    size_t end = std::min(search_path.find(':', start), search_path.size());
    // An empty entry means the current directory, as in a shell.
    std::filesystem::path directory(search_path.substr(start, end - start));
    if (directory.empty()) directory = ".";
    std::filesystem::path candidate = options.working_dir / directory / name;
    if (IsExecutableFile(candidate.string())) return candidate.string();
    start = end + 1;
  }
  return NotFound("program not found: " + name + " is in no directory of PATH=" +
                  std::string(search_path) + " (working dir " + options.working_dir.string() + ")");
}

Result<ChildProcess> ProcessSpawner::Spawn(SpawnOptions options) {
  Result<PreparedSpawn> prepared = Prepare(std::move(options));
  if (!prepared) return prepared.error();
  Result<ChildProcess> child = Start(std::move(prepared).value());
  if (child) FinishStart(*child);
  return child;
}

void PosixProcessSpawner::FinishStart(const ChildProcess& child) {
  if (pipe_bytes_ <= 0) return;
  // A rejected size (over the per-user pipe budget) keeps the default.
  for (int fd : {child.stdout_fd(), child.stderr_fd()}) {
    if (fd >= 0) (void)fcntl(fd, F_SETPIPE_SZ, pipe_bytes_);
  }
}

Result<PreparedSpawn> PosixProcessSpawner::Prepare(SpawnOptions options) {
  Result<std::string> program = ResolveProgram(options);
  if (!program) return program.error();
  if (Status dir = CheckWorkingDir(options); !dir) return dir.error();
  PreparedSpawn prepared;
  prepared.options = std::move(options);
  prepared.program = std::move(program).value();
  return prepared;
}

Result<ChildProcess> PosixProcessSpawner::Start(PreparedSpawn prepared) {
  return SpawnWithPipes(prepared.options, prepared.program,
                        MakeNullTerminated(prepared.options.argv));
}

Result<std::unique_ptr<ParkedProcess>> ProcessSpawner::Park(const PreparedSpawn& prepared) {
  return Unavailable("this spawner cannot start " + prepared.program + " ahead of its instant");
}

Status PosixProcessSpawner::EnableParking(UniqueFd launcher_image) {
  // Kept above the launcher's own descriptor numbers (see LauncherFds).
  int moved = fcntl(launcher_image.get(), F_DUPFD_CLOEXEC, kLauncherImageFd + 1);
  if (moved < 0) return ErrnoError("fcntl(F_DUPFD_CLOEXEC) for the launcher image", errno);
  launcher_image_.Reset(moved);
  launcher_retry_at_ = {};
  return Status::Ok();
}

Result<std::unique_ptr<ParkedProcess>> PosixProcessSpawner::Park(const PreparedSpawn& prepared) {
  if (!launcher_image_.valid()) return ProcessSpawner::Park(prepared);
  auto now = std::chrono::steady_clock::now();
  if (now < launcher_retry_at_) return ProcessSpawner::Park(prepared);
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return ErrnoError("socketpair for the launcher of " + Describe(prepared.options), errno);
  }
  UniqueFd host_end(fds[0]);
  UniqueFd launcher_end(fds[1]);
  if (launcher_end.get() <= kLauncherImageFd) {
    int moved = fcntl(launcher_end.get(), F_DUPFD_CLOEXEC, kLauncherImageFd + 1);
    if (moved < 0) return ErrnoError("fcntl(F_DUPFD_CLOEXEC) for a launcher socket", errno);
    launcher_end.Reset(moved);
  }

  // The launcher's argv: its own name, the program to execute, then the
  // program's argv.
  std::vector<std::string> arguments;
  arguments.reserve(prepared.options.argv.size() + 2);
  arguments.push_back("webjobs-launcher");
  arguments.push_back(prepared.program);
  arguments.insert(arguments.end(), prepared.options.argv.begin(), prepared.options.argv.end());
  LauncherFds launcher{launcher_end.get(), launcher_image_.get()};
  Result<ChildProcess> child =
      SpawnWithPipes(prepared.options, kLauncherPath, MakeNullTerminated(arguments), &launcher);
  if (!child) {
    // A launcher image that cannot run would fail every slot the same way,
    // so parking pauses until a later check finds it executable. Other
    // failures (EMFILE, EAGAIN, a missing working dir) concern this spawn
    // only.
    std::string image = "/proc/self/fd/" + std::to_string(launcher_image_.get());
    if (access(image.c_str(), X_OK) != 0) {
      launcher_retry_at_ = now + kLauncherRetryInterval;
      return IoError("cannot execute webjobs-launcher (" + std::string(std::strerror(errno)) +
                     "); scheduled runs are spawned at their slot until it is executable "
                     "again, checked every " +
                     std::to_string(kLauncherRetryInterval.count()) + " s");
    }
    return IoError("failed to start the process of " + Describe(prepared.options) +
                   " ahead of its slot: " + child.error().message +
                   "; the run is spawned at its slot");
  }
  FinishStart(*child);
  return std::make_unique<ParkedProcess>(std::move(child).value(), std::move(host_end), prepared);
}

}  // namespace webjobs
