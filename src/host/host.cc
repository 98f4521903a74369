// Wiring of one host process. Start-up order matters: signals are blocked
// before any thread exists (so only the loop's signalfds see them), the
// store opens before the job manager recovers from a crash, and the HTTP
// server starts last, once every job is loaded. Shutdown runs the other
// way: the job manager stops every job, then the HTTP server stops (its
// in-flight requests still need the loop), then the loop.
#include "host/host.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "auth/initial_admin.h"
#include "core/event_loop.h"
#include "core/log.h"
#include "core/worker_pool.h"
#include "cron/time_zone.h"
#include "host/root_lock.h"
#include "http/api_server.h"
#include "jobs/job_manager.h"
#include "jobs/job_process.h"
#include "jobs/job_service_impl.h"
#include "process/launcher_image.h"
#include "process/orphan_reaper.h"
#include "store/store_sqlite.h"

extern char** environ;

namespace webjobs {

namespace {

// Creates the first admin when the store has no user. Returns 0, or the
// exit code of a failed start.
int CreateInitialAdmin(Store& store, const Clock& clock, const HostConfig& config,
                       const JobPaths& paths) {
  std::filesystem::path password_file = paths.DataRoot() / "admin-password.txt";
  Result<InitialAdmin> admin =
      EnsureInitialAdmin(store, clock, config.admin_password, password_file);
  if (!admin.ok()) {
    spdlog::critical("event=start_failed error={}", Quote(admin.error().message));
    return admin.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitStartFailed;
  }
  if (!admin->created) return 0;
  if (!admin->password_file) {
    spdlog::info("event=admin_created user={} password_source=WEBJOBS_ADMIN_PASSWORD",
                 kInitialAdminName);
    return 0;
  }
  spdlog::warn(
      "event=admin_created user={} password_file={} hint=\"sign in with this password, then "
      "change it with `webjobs user passwd {}` and delete the file\"",
      kInitialAdminName, Quote(admin->password_file->string()), kInitialAdminName);
  // The password goes to a terminal only, never into a log file.
  if (isatty(STDERR_FILENO) == 1) {
    std::fprintf(stderr, "\nwebjobs: created user \"%s\" with password %s\n"
                 "webjobs: it is also in %s (readable only by you); it is not shown again.\n\n",
                 kInitialAdminName, admin->generated_password.c_str(),
                 admin->password_file->c_str());
  }
  return 0;
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    entries.emplace_back(*entry);
  }
  return entries;
}

// Blocks SIGTERM and SIGINT in the calling thread (and so in every thread
// started later) and returns a signalfd that reports them.
Result<int> CreateStopSignalFd() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return ErrnoError("cannot block SIGTERM and SIGINT", errno);
  }
  int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return ErrnoError("signalfd for SIGTERM and SIGINT failed", errno);
  return fd;
}

Result<ScriptRunners> BuildRunners(const HostConfig& config) {
  // System directories first, so root's per-user shims do not pick the
  // interpreter; the host's PATH follows for anything installed elsewhere.
  std::string search_path(kSystemSearchPath);
  if (const char* path = std::getenv("PATH")) search_path += std::string(":") + path;
  ScriptRunners runners(search_path);
  for (const auto& [extension, command] : config.extra_runners) {
    if (Status added = runners.AddRunner(extension, command); !added.ok()) {
      return InvalidArgument("--runner " + extension + "=" + command + ": " +
                             added.error().message);
    }
  }
  return runners;
}

// Raises the soft limit on open files to the hard limit. Each continuous job
// and each active run uses a few descriptors (pipes, log files), so a host
// with thousands of jobs needs more than the usual soft default of 1024.
// Job processes inherit the raised limit.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t previous = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("event=open_file_limit_unchanged soft={} hard={} error={}", previous,
                 limit.rlim_max, Quote(std::strerror(errno)));
    return;
  }
  spdlog::info("event=open_file_limit_raised from={} to={}", previous, limit.rlim_max);
}

JobsConfig ToJobsConfig(const HostConfig& config) {
  JobsConfig jobs;
  jobs.instance_id = config.instance_id;
  std::error_code error;
  std::filesystem::path root = std::filesystem::weakly_canonical(config.root, error);
  uint64_t digest = 1469598103934665603ull;
  for (unsigned char ch : (error ? config.root : root).string())
    digest = (digest ^ ch) * 1099511628211ull;
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "%08llx",
                static_cast<unsigned long long>(digest & 0xffffffffull));
  jobs.marker_scope = config.instance_id + "-" + suffix;
  jobs.restart_delay = config.restart_delay;
  jobs.restart_quick_exit = config.restart_quick_exit;
  jobs.idle_timeout = config.idle_timeout;
  jobs.history_size = config.history_size;
  jobs.webjobs_stopped = config.webjobs_stopped;
  jobs.disable_schedule = config.disable_schedule;
  jobs.continuous_log_max_bytes = config.continuous_log_max_bytes;
  jobs.continuous_log_files = config.continuous_log_files;
  return jobs;
}

}  // namespace

int RunHost(const HostConfig& config) {
  InitLogging(config.log_level);
  signal(SIGPIPE, SIG_IGN);

  Result<int> stop_fd = CreateStopSignalFd();
  Result<UniqueFd> child_fd = CreateChildSignalFd();
  if (!stop_fd.ok() || !child_fd.ok()) {
    spdlog::critical("event=start_failed error={}",
                     Quote(!stop_fd.ok() ? stop_fd.error().message : child_fd.error().message));
    return kExitStartFailed;
  }
  RaiseOpenFileLimit();
  if (Status subreaper = BecomeSubreaper(); !subreaper.ok()) {
    spdlog::warn("event=subreaper_unavailable error={}", Quote(subreaper.error().message));
  }

  Result<ScriptRunners> runners = BuildRunners(config);
  if (!runners.ok()) {
    spdlog::critical("event=start_failed error={}", Quote(runners.error().message));
    return kExitUsage;
  }
  std::shared_ptr<const TlsCredentials> tls;
  if (!config.tls_certificate_file.empty()) {
    Result<std::shared_ptr<const TlsCredentials>> loaded =
        TlsCredentials::Load(config.tls_certificate_file, config.tls_key_file);
    if (!loaded.ok()) {
      spdlog::critical("event=start_failed error={}", Quote(loaded.error().message));
      return kExitUsage;
    }
    tls = std::move(loaded).value();
  }
  JobPaths paths(config.root);
  std::error_code error;
  std::filesystem::create_directories(paths.DataRoot(), error);
  if (error) {
    spdlog::critical("event=start_failed root={} error={} hint=\"choose a writable --root\"",
                     Quote(config.root.string()), Quote(error.message()));
    return kExitStartFailed;
  }
  Result<UniqueFd> root_lock = LockRoot(paths.DataRoot() / "host.lock", config.root);
  if (!root_lock.ok()) {
    spdlog::critical("event=start_failed root={} error={}", Quote(config.root.string()),
                     Quote(root_lock.error().message));
    return kExitStartFailed;
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(paths.DatabaseFile());
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
  if (!store.ok() || !loop.ok()) {
    spdlog::critical("event=start_failed error={}",
                     Quote(!store.ok() ? store.error().message : loop.error().message));
    return kExitStartFailed;
  }

  const date::time_zone* default_zone = DefaultTimeZone(config.default_time_zone);
  if (default_zone == nullptr) {
    spdlog::critical(
        "event=start_failed error=\"no time zone database found in "
        "/usr/share/zoneinfo\" hint=\"install the tzdata package\"");
    return kExitStartFailed;
  }
  JobsConfig jobs_config = ToJobsConfig(config);
  PosixProcessSpawner spawner;
  Result<UniqueFd> launcher = CreateLauncherImage();
  Status parking =
      launcher.ok() ? spawner.EnableParking(std::move(launcher).value()) : Status(launcher.error());
  if (!parking.ok()) {
    spdlog::warn(
        "event=launcher_unavailable error={} effect=\"scheduled runs are spawned at their slot "
        "instead of ahead of it\"",
        Quote(parking.error().message));
  }
  SystemClock clock;
  if (int code = CreateInitialAdmin(**store, clock, config, paths); code != 0) return code;
  WorkerPool store_worker(1);
  LogFeedRegistry log_feeds;
  JobContext context{**loop,      store_worker,    **store,
                     spawner,     clock,           paths,
                     jobs_config, runners.value(), CurrentEnvironment(),
                     &log_feeds};
  JobManager manager(context, DefinitionContext{&runners.value(), default_zone});
  PackageLimits limits{config.max_unpacked_bytes, config.max_zip_entries,
                       config.max_compression_ratio};
  JobServiceImpl service(**loop, manager, **store, paths,
                         DefinitionContext{&runners.value(), default_zone}, limits,
                         std::max<size_t>(config.history_size, 1000), log_feeds, jobs_config);
  ApiServerOptions api_options;
  api_options.address = config.listen_address;
  api_options.port = config.listen_port;
  api_options.max_upload_bytes = config.max_upload_bytes;
  api_options.upload_dir = paths.UploadDir();
  api_options.instance_id = config.instance_id;
  api_options.default_time_zone = default_zone;
  api_options.tls = tls;
  api_options.read_timeout = config.read_timeout;
  api_options.write_timeout = config.write_timeout;
  api_options.threads = config.http_threads;
  api_options.max_event_streams = config.max_event_streams;
  ApiServer api(service, **store, api_options);
  // Bind before any job starts, so a busy port fails fast and changes
  // nothing. Requests that arrive early wait until the loop runs.
  // Leftovers of uploads interrupted by a crash; removed before the API
  // accepts new ones.
  RemoveTree(paths.StagingRoot());
  RemoveTree(paths.UploadDir());
  for (const std::filesystem::path& dir :
       {paths.JobsRoot(JobType::kContinuous), paths.JobsRoot(JobType::kTriggered),
        paths.UploadDir()}) {
    std::filesystem::create_directories(dir, error);
    if (error) {
      spdlog::critical("event=start_failed path={} error={} hint=\"choose a writable --root\"",
                       Quote(dir.string()), Quote(error.message()));
      return kExitStartFailed;
    }
  }
  Result<int> port = api.Start();
  if (!port.ok()) {
    spdlog::critical("event=start_failed error={}", Quote(port.error().message));
    return kExitStartFailed;
  }
  if (Status started = manager.Start(); !started.ok()) {
    spdlog::critical("event=start_failed error={}", Quote(started.error().message));
    std::thread stopper([&] {
      api.Stop();
      (*loop)->Stop();
    });
    (*loop)->Run();  // lets waiting requests finish until the server stops
    stopper.join();
    return kExitStartFailed;
  }

  std::thread api_stopper;
  EventLoop& event_loop = **loop;
  (void)event_loop.WatchFd(child_fd->get(), EPOLLIN, [&](uint32_t) {
    DrainSignalFd(child_fd->get());
    ReapOrphans([](pid_t pid) { return JobProcess::IsTracked(pid); });
  });
  bool stopping = false;
  (void)event_loop.WatchFd(stop_fd.value(), EPOLLIN, [&](uint32_t) {
    signalfd_siginfo info{};
    while (read(stop_fd.value(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    }
    if (stopping) return;
    stopping = true;
    spdlog::info("event=host_stopping signal={}", info.ssi_signo);
    manager.Shutdown([&] {
      // In-flight requests still wait on the loop, so the HTTP server
      // stops on another thread before the loop does.
      api_stopper = std::thread([&] {
        api.Stop();
        event_loop.Stop();
      });
    });
  });

  spdlog::info("event=host_started url={}://{}:{} root={} instance={} pid={}",
               tls ? "https" : "http", config.listen_address, port.value(), Quote(config.root.string()), config.instance_id,
               getpid());
  event_loop.Run();
  if (api_stopper.joinable()) api_stopper.join();
  close(stop_fd.value());
  spdlog::info("event=host_stopped");
  return kExitOk;
}

}  // namespace webjobs
