#include "jobs/job_process.h"

#include <date/date.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "core/log.h"
#include "process/orphan_reaper.h"
#include "process/process_tree.h"

namespace webjobs {

namespace {

// One read call moves at most this much; a callback reads at most
// kMaxBytesPerWake before it returns to the loop, so one chatty job cannot
// starve the others.
constexpr size_t kReadChunk = 256 * 1024;
constexpr size_t kMaxBytesPerWake = 4 * 1024 * 1024;

std::string UtcNowText() {
  return date::format("%FT%TZ",
                      date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

// Main processes not yet reaped. Loop thread only.
std::set<pid_t>& TrackedPids() {
  static std::set<pid_t> pids;
  return pids;
}

}  // namespace

bool JobProcess::IsTracked(pid_t pid) { return TrackedPids().count(pid) > 0; }

Result<std::unique_ptr<JobProcess>> JobProcess::Start(EventLoop& loop, ProcessSpawner& spawner,
                                                      JobLogWriter& log, JobProcessOptions options,
                                                      ExitCallback on_exit) {
  Result<PreparedSpawn> prepared = spawner.Prepare(std::move(options.spawn));
  if (!prepared.ok()) return prepared.error();
  Result<std::unique_ptr<JobProcess>> process = Start(
      loop, spawner, log, std::move(options), std::move(prepared).value(), std::move(on_exit));
  if (process.ok()) process.value()->FinishStart(spawner);
  return process;
}

Result<std::unique_ptr<JobProcess>> JobProcess::Start(EventLoop& loop, ProcessSpawner& spawner,
                                                      JobLogWriter& log, JobProcessOptions options,
                                                      PreparedSpawn prepared,
                                                      ExitCallback on_exit) {
  options.spawn = SpawnOptions{};  // the prepared spawn has its own
  Result<ChildProcess> child = spawner.Start(std::move(prepared));
  if (!child.ok()) return child.error();
  return Adopt(loop, log, std::move(options), std::move(child).value(), std::move(on_exit));
}

Result<std::unique_ptr<JobProcess>> JobProcess::Adopt(EventLoop& loop, JobLogWriter& log,
                                                      JobProcessOptions options, ChildProcess child,
                                                      ExitCallback on_exit) {
  std::unique_ptr<JobProcess> process(
      new JobProcess(loop, log, std::move(options), std::move(child), std::move(on_exit)));
  if (Status watched = process->Watch(); !watched.ok()) {
    process->KillAll();
    return watched.error();
  }
  return process;
}

JobProcess::JobProcess(EventLoop& loop, JobLogWriter& log, JobProcessOptions options,
                       ChildProcess child, ExitCallback on_exit)
    : loop_(loop),
      log_(log),
      options_(std::move(options)),
      child_(std::move(child)),
      on_exit_(std::move(on_exit)),
      started_at_(std::chrono::steady_clock::now()),
      last_output_at_(started_at_),
      last_cpu_change_at_(started_at_) {
  TrackedPids().insert(child_.pid());
}

JobProcess::~JobProcess() {
  if (stop_timer_ != 0) loop_.CancelTimer(stop_timer_);
  if (idle_timer_ != 0) loop_.CancelTimer(idle_timer_);
  for (int fd : {child_.pidfd(), child_.stdout_fd(), child_.stderr_fd()}) {
    if (fd >= 0) loop_.UnwatchFd(fd);
  }
  if (!exited_) {
    // Destroyed while the process runs (host shutdown gave up waiting, or
    // Start() failed to watch it): nothing of the job may survive it, and
    // the dead leader is reaped here because no exit event will come.
    KillAll();
    (void)ReapChild(child_.pidfd(), child_.pid());
    TrackedPids().erase(child_.pid());
  }
}

Status JobProcess::Watch() {
  Status status = loop_.WatchFd(child_.stdout_fd(), EPOLLIN,
                                [this](uint32_t) { OnOutput(OutputStream::kStdout); });
  if (!status.ok()) return status;
  status = loop_.WatchFd(child_.stderr_fd(), EPOLLIN,
                         [this](uint32_t) { OnOutput(OutputStream::kStderr); });
  if (!status.ok()) return status;
  status = loop_.WatchFd(child_.pidfd(), EPOLLIN, [this](uint32_t) { OnExited(); });
  if (!status.ok()) return status;
  if (options_.idle_timeout.count() > 0) {
    // The baseline for the first check, so a run idle from its start is
    // killed after one timeout rather than one check later. The process was
    // spawned just now and has used no CPU time yet, so the baseline is 0
    // without a /proc scan, which would cost every run start a read of
    // every process's environment.
    last_cpu_ticks_ = 0;
  }
  ArmIdleTimer();
  return Status::Ok();
}

void JobProcess::OnOutput(OutputStream stream) {
  bool open = DrainPipe(stream);
  Status flushed = log_.Flush();
  if (!flushed.ok()) {
    spdlog::error("event=log_write_failed job={} run={} error={}", options_.job_name,
                  options_.run_id, Quote(flushed.error().message));
  }
  if (!open) ClosePipe(stream);
}

// Reads the bytes the pipe contains now. Returns false at end of file.
bool JobProcess::DrainPipe(OutputStream stream) {
  static thread_local std::string buffer(kReadChunk, '\0');
  int fd = stream == OutputStream::kStdout ? child_.stdout_fd() : child_.stderr_fd();
  if (fd < 0) return false;
  LineFramer& framer = stream == OutputStream::kStdout ? stdout_framer_ : stderr_framer_;
  auto sink = [this, stream](std::string_view line) { log_.WriteFramedOutput(stream, line); };

  size_t total = 0;
  while (total < kMaxBytesPerWake) {
    ssize_t count = read(fd, buffer.data(), buffer.size());
    if (count > 0) {
      log_.RefreshTime();
      framer.Feed(std::string_view(buffer.data(), static_cast<size_t>(count)), sink);
      total += static_cast<size_t>(count);
      continue;
    }
    if (count < 0 && errno == EINTR) continue;
    if (count < 0 && errno == EAGAIN) break;
    framer.Finish(sink);  // end of file or a read error: the stream is over
    return false;
  }
  if (total > 0) last_output_at_ = std::chrono::steady_clock::now();
  return true;
}

void JobProcess::ClosePipe(OutputStream stream) {
  int fd = stream == OutputStream::kStdout ? child_.stdout_fd() : child_.stderr_fd();
  if (fd < 0) return;
  loop_.UnwatchFd(fd);
  if (stream == OutputStream::kStdout) {
    child_.CloseStdout();
  } else {
    child_.CloseStderr();
  }
}

void JobProcess::OnExited() {
  Result<ExitInfo> exit = ReapChild(child_.pidfd(), child_.pid());
  if (!exit.ok() && exit.error().code == ErrorCode::kConflict) return;  // not exited yet
  loop_.UnwatchFd(child_.pidfd());
  exited_ = true;
  TrackedPids().erase(child_.pid());
  // An orphan that exited while this zombie stood before it in the wait
  // queue can be reaped now.
  ReapOrphans([](pid_t pid) { return IsTracked(pid); });

  // The main process is gone; whatever it left in the pipes is its last
  // output. A background child may still hold the pipes open, so read what
  // is there now and stop listening rather than wait for end of file.
  for (OutputStream stream : {OutputStream::kStdout, OutputStream::kStderr}) {
    if (DrainPipe(stream)) {
      LineFramer& framer = stream == OutputStream::kStdout ? stdout_framer_ : stderr_framer_;
      framer.Finish(
          [this, stream](std::string_view line) { log_.WriteFramedOutput(stream, line); });
    }
    ClosePipe(stream);
  }
  if (stop_timer_ != 0) loop_.CancelTimer(std::exchange(stop_timer_, 0));
  if (idle_timer_ != 0) loop_.CancelTimer(std::exchange(idle_timer_, 0));
  // Decision: nothing of a job survives its stop, so a stopped job's
  // leftover children go with it.
  if (stop_requested_) KillAll();

  ProcessOutcome outcome;
  if (exit.ok()) {
    outcome.exit = exit.value();
  } else {
    spdlog::error("event=reap_failed job={} pid={} error={}", options_.job_name, child_.pid(),
                  Quote(exit.error().message));
    outcome.exit.exit_code = -1;
  }
  outcome.stop_requested = stop_requested_;
  outcome.killed_on_timeout = killed_on_timeout_;
  outcome.killed_idle = killed_idle_;
  outcome.lifetime = std::chrono::steady_clock::now() - started_at_;
  // Run the callback from a fresh loop turn, so the owner can destroy
  // this object without pulling it out from under its own callback.
  loop_.Post([callback = on_exit_, outcome] { callback(outcome); });
}

void JobProcess::RequestStop(const std::string& reason) {
  if (stop_requested_ || exited_) return;
  stop_requested_ = true;
  log_.WriteSystem(SystemLevel::kInfo, "Stopping: " + reason);

  std::error_code error;
  std::filesystem::create_directories(options_.shutdown_file.parent_path(), error);
  std::ofstream(options_.shutdown_file) << UtcNowText() << '\n';
  if (options_.stop_signal != 0) {
    Status signaled =
        SignalJobProcesses(child_.process_group(), options_.marker_entry, options_.stop_signal);
    if (!signaled.ok()) {
      log_.WriteSystem(SystemLevel::kWarn,
                       "Could not send the stop signal: " + signaled.error().message);
    }
  }
  (void)log_.Flush();
  spdlog::info("event=stop_requested job={} run={} pid={} wait_s={} reason={}", options_.job_name,
               options_.run_id, child_.pid(), options_.stop_wait.count(), Quote(reason));

  stop_timer_ = loop_.AddTimerAfter(options_.stop_wait, [this] {
    stop_timer_ = 0;
    if (exited_) return;
    killed_on_timeout_ = true;
    log_.WriteSystem(SystemLevel::kWarn,
                     "Process did not exit within " + std::to_string(options_.stop_wait.count()) +
                         " s (stopping_wait_time); killing every process of the job");
    (void)log_.Flush();
    KillAll();
  });
}

void JobProcess::KillNow(const std::string& reason) {
  if (exited_) return;
  if (!stop_requested_) {
    stop_requested_ = true;
    log_.WriteSystem(SystemLevel::kInfo, "Stopping: " + reason);
    (void)log_.Flush();
  }
  KillAll();
}

void JobProcess::KillAll() {
  // Once the leader is reaped, its pid (and so the group id) may belong to
  // an unrelated process. From then on only the marker finds the job.
  pid_t group = exited_ ? 0 : child_.process_group();
  Result<size_t> killed = KillJobProcesses(group, options_.marker_entry);
  if (!killed.ok()) {
    spdlog::error("event=kill_failed job={} run={} pgid={} error={}", options_.job_name,
                  options_.run_id, child_.process_group(), Quote(killed.error().message));
    return;
  }
  spdlog::info("event=job_processes_killed job={} run={} pgid={} count={}", options_.job_name,
               options_.run_id, child_.process_group(), killed.value());
}

void JobProcess::ArmIdleTimer() {
  if (options_.idle_timeout.count() <= 0 || exited_) return;
  // Checks run a few times per timeout, so a run is killed between one and
  // about 1.2 timeouts after its last output and CPU time.
  auto interval = std::max<std::chrono::steady_clock::duration>(
      options_.idle_timeout / kIdleChecksPerTimeout, std::chrono::milliseconds(250));
  idle_timer_ =
      loop_.AddTimerAfter(std::chrono::duration_cast<std::chrono::milliseconds>(interval), [this] {
        idle_timer_ = 0;
        OnIdleTimer();
      });
}

// The run is idle once a whole timeout passed with neither output nor a
// change in the CPU time of the job's processes (Kudu's rule). Sampling CPU
// time scans /proc, so it happens only on these checks.
void JobProcess::OnIdleTimer() {
  auto now = std::chrono::steady_clock::now();
  Result<uint64_t> ticks = SumCpuTicks(FindMarkedProcesses(options_.marker_entry));
  uint64_t current = ticks.ok() ? ticks.value() : 0;
  if (!last_cpu_ticks_ || *last_cpu_ticks_ != current) {
    last_cpu_ticks_ = current;
    last_cpu_change_at_ = now;
  }
  if (now - std::max(last_output_at_, last_cpu_change_at_) < options_.idle_timeout) {
    ArmIdleTimer();
    return;
  }
  killed_idle_ = true;
  stop_requested_ = true;
  std::string seconds = std::to_string(options_.idle_timeout.count());
  log_.WriteSystem(SystemLevel::kError,
                   "Run aborted: no output and no CPU time for " + seconds +
                       " s. Raise WEBJOBS_IDLE_TIMEOUT or the job's idle_timeout setting if the "
                       "job is expected to be silent and idle this long.");
  (void)log_.Flush();
  spdlog::warn("event=idle_timeout job={} run={} pid={} idle_timeout_s={}", options_.job_name,
               options_.run_id, child_.pid(), seconds);
  KillAll();
}

}  // namespace webjobs
