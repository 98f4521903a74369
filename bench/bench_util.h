// Shared parts of the benchmark programs in bench/. They cover a temporary
// data root, a webjobs host started as a child process on a free loopback
// port, the REST calls that deploy and run a triggered job, a bare
// posix_spawn and waitpid of a command, and small statistics.
//
// Header-only because CMake builds each bench/*.cc as one executable. The
// REST helpers keep no state, so threads may call them with a client each.
// HostProcess::Start sets an environment variable and is not thread-safe.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.h"

extern char** environ;

namespace webjobs::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------
// Command line

// Flags of the form `--name value`, read in order. Unknown flags are kept
// so the caller can reject them with its own usage text.
class BenchFlags {
 public:
  // Returns kInvalidArgument when a flag has no value or a word is not a flag.
  static Result<BenchFlags> Parse(int argc, char** argv) {
    BenchFlags flags;
    for (int i = 1; i < argc; ++i) {
      std::string name = argv[i];
      if (name.rfind("--", 0) != 0) return InvalidArgument("unexpected argument: " + name);
      if (i + 1 >= argc) return InvalidArgument("flag " + name + " needs a value");
      flags.values_[name.substr(2)] = argv[++i];
    }
    return flags;
  }

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Text(const std::string& name, const std::string& fallback) const {
    auto found = values_.find(name);
    return found == values_.end() ? fallback : found->second;
  }

  // Returns the value as a positive integer, `fallback` when the flag is
  // absent, or kInvalidArgument naming the flag and value.
  Result<uint64_t> Count(const std::string& name, uint64_t fallback) const {
    auto found = values_.find(name);
    if (found == values_.end()) return fallback;
    const std::string& text = found->second;
    char* end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno != 0 || value == 0) {
      return InvalidArgument("--" + name + " must be a positive integer, got \"" + text + "\"");
    }
    return static_cast<uint64_t>(value);
  }

  // Names of the flags that are not in `known`, for a usage error.
  std::vector<std::string> Unknown(const std::vector<std::string>& known) const {
    std::vector<std::string> unknown;
    for (const auto& [name, value] : values_) {
      if (std::find(known.begin(), known.end(), name) == known.end()) unknown.push_back(name);
    }
    return unknown;
  }

 private:
  std::map<std::string, std::string> values_;
};

// ---------------------------------------------------------------------------
// Statistics

struct Summary {
  double median = 0;
  double min = 0;
  double max = 0;
};

// Median (mean of the middle two for an even count), minimum and maximum.
// `values` must not be empty.
inline Summary Summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  double median =
      values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  return Summary{median, values.front(), values.back()};
}

// ---------------------------------------------------------------------------
// Files and processes

// A fresh directory under the system temporary directory, removed with
// everything in it when the object is destroyed. Move-only.
class TempDir {
 public:
  // Returns kIo naming the template when mkdtemp fails.
  static Result<TempDir> Create(const std::string& prefix) {
    std::error_code error;
    std::filesystem::path base = std::filesystem::temp_directory_path(error);
    if (error) base = "/tmp";
    std::string pattern = (base / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return ErrnoError("cannot create a temporary directory " + pattern, errno);
    }
    return TempDir(pattern);
  }

  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Returns the first directory of $PATH that contains an executable `name`,
// joined with it. The host resolves a runner such as bash the same way.
inline Result<std::string> FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view search = path != nullptr && *path != '\0' ? path : "/bin:/usr/bin";
  size_t start = 0;
  while (start <= search.size()) {
    size_t end = std::min(search.find(':', start), search.size());
    std::filesystem::path candidate =
        std::filesystem::path(search.substr(start, end - start)) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return NotFound(name + " is in no directory of PATH=" + std::string(search));
}

// Working directory and stdout and stderr of a spawned child. The child
// inherits this process's environment.
struct SpawnSetup {
  std::filesystem::path working_dir;  // empty: the caller's
  std::filesystem::path output_path;  // stdout and stderr, truncated; empty: inherited
  int stdout_fd = -1;  // when >= 0 and output_path is empty: becomes the child's stdout
};

// Starts argv[0] (an absolute path) with posix_spawn. Returns the pid, or
// kIo naming the program and the failed step.
inline Result<pid_t> Spawn(const std::vector<std::string>& argv, const SpawnSetup& setup) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int rc = 0;
  if (!setup.working_dir.empty()) {
    rc = posix_spawn_file_actions_addchdir_np(&actions, setup.working_dir.c_str());
  }
  if (rc == 0 && !setup.output_path.empty()) {
    rc = posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, setup.output_path.c_str(),
                                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else if (rc == 0 && setup.stdout_fd >= 0) {
    rc = posix_spawn_file_actions_adddup2(&actions, setup.stdout_fd, STDOUT_FILENO);
  }

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  if (rc == 0) rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return ErrnoError("posix_spawn of " + argv[0] + " failed", rc);
  return pid;
}

// Waits for `pid` and returns its exit code, or 128 + the signal number.
inline Result<int> WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid of pid " + std::to_string(pid), errno);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Returns a loopback TCP port that was free a moment ago. Another process
// can take it before the host binds it. The host then fails to start and
// the caller reports its log.
inline Result<int> FindFreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket() for a free port", errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  if (rc == 0) rc = getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int saved = errno;
  close(fd);
  if (rc != 0) return ErrnoError("bind() to 127.0.0.1:0 for a free port", saved);
  return static_cast<int>(ntohs(address.sin_port));
}

// Returns the last `max_bytes` of the file at `path`, or "" when it cannot
// be read. The benchmarks show the host's log next to an error with it.
// Returns the user + system CPU time of process `pid` so far, from
// /proc/PID/stat (resolution: one clock tick, usually 10 ms). With
// `reaped_children`, returns instead that of its children it has reaped
// (cutime + cstime).
inline Result<double> ProcessCpuSeconds(pid_t pid, bool reaped_children = false) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::ifstream file(path);
  std::string stat;
  std::getline(file, stat);
  // utime, stime, cutime and cstime are fields 14 to 17. The command name
  // (field 2) ends at the last ')' and may contain spaces.
  size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return IoError("cannot read " + path);
  std::istringstream fields(stat.substr(name_end + 1));
  std::string skipped;
  for (int number = 3; number <= 13; ++number) fields >> skipped;
  unsigned long long times[4] = {0, 0, 0, 0};
  if (!(fields >> times[0] >> times[1] >> times[2] >> times[3])) {
    return IoError("cannot parse the CPU times in " + path);
  }
  unsigned long long ticks = reaped_children ? times[2] + times[3] : times[0] + times[1];
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Returns the user + system CPU time of the children this process has
// reaped so far.
inline double ReapedChildrenCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

inline std::string ReadFileTail(const std::filesystem::path& path, size_t max_bytes) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return {};
  std::fseek(file, 0, SEEK_END);
  long size = std::ftell(file);
  long start = size > static_cast<long>(max_bytes) ? size - static_cast<long>(max_bytes) : 0;
  std::fseek(file, start, SEEK_SET);
  std::string tail(static_cast<size_t>(size - start), '\0');
  size_t read = std::fread(tail.data(), 1, tail.size(), file);
  std::fclose(file);
  tail.resize(read);
  return tail;
}

// ---------------------------------------------------------------------------
// The host under test

// The first admin of every benchmark host (WEBJOBS_ADMIN_PASSWORD), whose
// credentials the clients send.
inline constexpr const char* kBenchUser = "admin";
inline constexpr const char* kBenchPassword = "bench-admin-password";

// A `webjobs serve` child on 127.0.0.1 with its own data root. The
// destructor stops it like Stop().
class HostProcess {
 public:
  // Starts `webjobs_path serve` on a free port with the data root `root`,
  // writing the host's own log to `log_path`, and waits up to 30 s until it
  // is ready. `extra_args` are appended to the serve command line. The host
  // inherits this process's environment. Returns kIo when it cannot start
  // or exits early, kUnavailable when it is not ready in time.
  static Result<std::unique_ptr<HostProcess>> Start(
      const std::string& webjobs_path, const std::filesystem::path& root,
      const std::filesystem::path& log_path, const std::vector<std::string>& extra_args = {}) {
    Result<int> port = FindFreeLoopbackPort();
    if (!port.ok()) return port.error();
    std::string listen = "127.0.0.1:" + std::to_string(*port);
    setenv("WEBJOBS_ADMIN_PASSWORD", kBenchPassword, 1);
    std::vector<std::string> argv = {webjobs_path,  "serve",    "--root",
                                     root.string(), "--listen", listen};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    Result<pid_t> pid = Spawn(argv, SpawnSetup{{}, log_path});
    if (!pid.ok()) return pid.error();

    std::unique_ptr<HostProcess> host(new HostProcess(*pid, *port, log_path));
    if (Status ready = host->WaitUntilHealthy(std::chrono::seconds(30)); !ready.ok()) {
      return ready.error();
    }
    return host;
  }

  ~HostProcess() { (void)Stop(); }
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // Sends SIGTERM and waits up to 20 s for the exit, then sends SIGKILL.
  // Returns the exit code (128 + signal when killed), or 0 if already
  // stopped.
  int Stop() {
    if (pid_ < 0) return 0;
    kill(pid_, SIGTERM);
    Clock::time_point start = Clock::now();
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (SecondsSince(start) > 20) {
        std::fprintf(stderr, "host pid %d did not exit 20 s after SIGTERM; sending SIGKILL\n",
                     pid_);
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid() const { return pid_; }
  int port() const { return port_; }

  // Returns a client for this host. It keeps the connection alive, so a
  // tight polling loop reuses one connection. It sets TCP_NODELAY as curl
  // does, so Nagle's algorithm does not hold back a request body written
  // after its headers.
  std::unique_ptr<httplib::Client> NewClient() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    client->set_connection_timeout(5);
    client->set_read_timeout(60);
    client->set_basic_auth(kBenchUser, kBenchPassword);
    return client;
  }

 private:
  HostProcess(pid_t pid, int port, std::filesystem::path log_path)
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}

  Status WaitUntilHealthy(std::chrono::seconds timeout) {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(1);
    client.set_basic_auth(kBenchUser, kBenchPassword);
    Clock::time_point start = Clock::now();
    while (SecondsSince(start) < static_cast<double>(timeout.count())) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return IoError("the host exited during start-up; its log is " + log_path_.string());
      }
      // NOTE: /api/health returns 200 as soon as the port is bound, before
      // the job folders exist, and a PUT at that moment can fail with 500.
      // The job list is served by the event loop, which runs only after
      // start-up, so its 200 means the host is ready.
      httplib::Result health = client.Get("/api/health");
      httplib::Result jobs = client.Get("/api/triggeredwebjobs");
      if (health && health->status == 200 && jobs && jobs->status == 200) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Unavailable(
        "GET /api/health and GET /api/triggeredwebjobs did not both return 200 "
        "within " +
        std::to_string(timeout.count()) + " s; the host log is " + log_path_.string());
  }

  pid_t pid_;
  int port_;
  std::filesystem::path log_path_;
};

// ---------------------------------------------------------------------------
// REST calls

inline std::string DescribeReply(const httplib::Result& reply) {
  if (!reply) return "no response (" + httplib::to_string(reply.error()) + ")";
  return "HTTP " + std::to_string(reply->status) + " " + reply->body;
}

// Deploys `script` as the single file `file_name` of triggered job `job`.
inline Status DeployTriggeredScript(httplib::Client& client, const std::string& job,
                                    const std::string& file_name, const std::string& script) {
  httplib::Headers headers = {{"Content-Disposition", "attachment; filename=" + file_name}};
  httplib::Result reply =
      client.Put("/api/triggeredwebjobs/" + job, headers, script, "application/octet-stream");
  if (reply && reply->status / 100 == 2) return Status::Ok();
  return IoError("PUT /api/triggeredwebjobs/" + job + " failed: " + DescribeReply(reply));
}

// Starts a run of `job` and returns its id (the last segment of Location).
// Returns kConflict on 409, so a caller can retry while a run is active.
inline Result<std::string> StartRun(httplib::Client& client, const std::string& job) {
  std::string path = "/api/triggeredwebjobs/" + job + "/run";
  httplib::Result reply = client.Post(path, "", "text/plain");
  if (reply && reply->status == 409) return Conflict("a run of " + job + " is active");
  if (!reply || reply->status != 202) return IoError("POST " + path + ": " + DescribeReply(reply));
  std::string location = reply->get_header_value("Location");
  size_t slash = location.find_last_of('/');
  if (slash == std::string::npos || slash + 1 == location.size()) {
    return IoError("POST " + path + " returned no run id in Location \"" + location + "\"");
  }
  return location.substr(slash + 1);
}

struct FinalStatus {
  std::string status;  // Success, Failed, Aborted or Stopped
  uint64_t reads = 0;  // GET requests it took
};

// Polls the history entry of run `run_id` until its status is neither
// Initializing nor Running, sleeping `pause` between reads (zero: a tight
// loop). Returns the final status, kIo on a failed read, or kUnavailable
// when the run is still active after `timeout`.
inline Result<FinalStatus> WaitForFinalStatus(httplib::Client& client, const std::string& job,
                                              const std::string& run_id,
                                              std::chrono::microseconds pause,
                                              std::chrono::seconds timeout) {
  std::string path = "/api/triggeredwebjobs/" + job + "/history/" + run_id;
  FinalStatus result;
  Clock::time_point start = Clock::now();
  while (true) {
    if (Clock::now() - start > timeout) {
      return Unavailable("run " + run_id + " of " + job + " is still " + result.status + " after " +
                         std::to_string(timeout.count()) + " s");
    }
    httplib::Result reply = client.Get(path);
    ++result.reads;
    if (!reply || reply->status != 200) return IoError("GET " + path + ": " + DescribeReply(reply));
    nlohmann::json run = nlohmann::json::parse(reply->body, nullptr, false);
    if (run.is_discarded() || !run.contains("status") || !run["status"].is_string()) {
      return IoError("GET " + path + " returned no status: " + reply->body);
    }
    result.status = run["status"].get<std::string>();
    if (result.status != "Initializing" && result.status != "Running") return result;
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
  }
}

}  // namespace webjobs::bench
