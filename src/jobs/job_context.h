// What every job object needs from the host: the loop, the store (through
// a worker thread), the process spawner, the clock, paths and settings.
// Also the helpers they share: environment, working directory, run ids.
//
// Owned by the event loop thread, except where a member says otherwise.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/event_loop.h"
#include "core/worker_pool.h"
#include "jobs/job_definition.h"
#include "jobs/job_paths.h"
#include "jobs/jobs_config.h"
#include "process/job_log_writer.h"
#include "process/log_feed_registry.h"
#include "process/process_spawner.h"
#include "store/store.h"

namespace webjobs {

struct JobContext {
  EventLoop& loop;
  WorkerPool& store_worker;  // one thread, so store writes stay in order
  Store& store;
  ProcessSpawner& spawner;
  const Clock& clock;
  const JobPaths& paths;
  const JobsConfig& config;
  const ScriptRunners& runners;
  std::vector<std::string> base_environment;  // the host's environment, KEY=VALUE
  // Live feeds of run output and continuous logs, shared with the HTTP
  // threads that follow them. Null: logs are written without a feed.
  LogFeedRegistry* log_feeds = nullptr;

  // Saves `run` on the store worker, then calls `done` on the loop with
  // the result (a failure is also logged). `done` may be empty. The saves
  // requested during one loop event are submitted together once it ends,
  // in one store transaction: a burst of run starts costs one commit, and
  // its store work begins only after the processes are spawned. Store work
  // submitted through this context runs in the order it was requested.
  void SaveRun(const RunRecord& run, std::function<void(Status)> done = nullptr);
  // Runs `work` on the store worker (blocking file or store work), then
  // `done` on the loop. Saves requested earlier run first.
  void RunOnWorker(std::function<void()> work, std::function<void()> done = nullptr);
  // Sets a job state key on the store worker, then calls `done` on the loop
  // with the result. Calls made in one loop turn, such as the slots of many
  // jobs that fall due at the same second, share one store transaction.
  void SetJobStateBatched(std::string job_name, std::string key, std::string value,
                          std::function<void(Status)> done);
  // Hands the saves requested so far to the store worker.
  void SubmitRunSaves();

  // State writes requested in the current loop turn, not yet submitted.
  struct PendingStateWrites {
    std::vector<Store::JobStateEntry> entries;
    std::vector<std::function<void(Status)>> callbacks;
  };
  // Run saves requested in the current loop event, not yet submitted.
  struct PendingRunSaves {
    std::vector<RunRecord> runs;
    std::vector<std::function<void(Status)>> callbacks;
  };
  std::shared_ptr<PendingStateWrites> pending_state_writes = std::make_shared<PendingStateWrites>();
  std::shared_ptr<PendingRunSaves> pending_run_saves = std::make_shared<PendingRunSaves>();
};

// The variables a job process sees: the host environment plus Kudu's
// WEBJOBS_* variables and the markers that find the job's processes.
struct JobEnvironment {
  std::string run_id;  // empty for continuous jobs
  std::string arguments;
  std::filesystem::path working_root;
  std::filesystem::path shutdown_file;
  std::string marker_entry;      // WEBJOBS_JOB_MARKER=..., the same for every run of the job
  std::string run_marker_entry;  // WEBJOBS_RUN_MARKER=...; empty for continuous jobs
  // The slot a scheduled run was started for, as UTC text such as
  // "2024-03-10T07:00:00Z"; empty (and the variable unset) otherwise.
  std::string scheduled_time;
  // Continuous jobs: the loopback port set as WEBJOBS_PORT, where the job
  // may serve the passthrough route; 0 leaves the variable unset.
  int port = 0;
};
std::vector<std::string> BuildEnvironment(const JobContext& context,
                                          const JobDefinition& definition,
                                          const JobEnvironment& job_environment);

// Returns the folder the job runs from. In place (is_in_place, default for
// .js as in Kudu) that is the job folder; otherwise a copy under temp/
// keyed by the folder's fingerprint, made when the files changed, so a
// redeploy never pulls files out from under a running process.
// NOTE: the copy runs on the calling (loop) thread; large packages delay
// other events while they are copied once after each deploy.
Result<std::filesystem::path> PrepareWorkingDir(const JobContext& context,
                                                const JobDefinition& definition);

// A unique path for the shutdown file of the next process of the job. The
// file itself is created only when a stop is requested. With
// `remove_stale`, files left in the job's shutdown folder by earlier
// processes are deleted first; pass false while another process of the
// job runs, because its shutdown file may already exist.
std::filesystem::path NewShutdownFile(const JobContext& context, const JobDefinition& definition,
                                      bool remove_stale = true);

// The environment entry that marks the processes of one triggered run,
// "WEBJOBS_RUN_MARKER=<scope>:triggered:<job>:<run id>", escaped like
// MakeJobMarker. A run carries it beside the job's WEBJOBS_JOB_MARKER, so
// the host can stop one run alone and still find every process of the job.
std::string MakeRunMarker(std::string_view scope, std::string_view job_name,
                          std::string_view run_id);

// Formats a slot instant as UTC text with whole seconds:
// "2024-03-10T07:00:00Z".
std::string FormatUtcSeconds(TimePoint time);

// Opens a log writer for `path` with the host's instance id, publishing
// to `feed` when it is set.
Result<JobLogWriter> OpenLog(const JobContext& context, const std::filesystem::path& path,
                             LogRotation rotation = {}, std::shared_ptr<LogFeed> feed = nullptr);

// Keys of the live feeds in LogFeedRegistry: a run's output_log.txt and a
// continuous job's job_log.txt.
std::string RunOutputFeedKey(std::string_view job_name, std::string_view run_id);
std::string ContinuousLogFeedKey(std::string_view job_name);

// The rotation of a continuous job's job_log.txt at `path`.
LogRotation ContinuousLogRotation(const JobsConfig& config, const std::filesystem::path& path);

// Formats Kudu's 18-digit run id (UTC yyyyMMddHHmmssffff) for `time`.
std::string FormatRunId(TimePoint time);

// Removes a directory tree, logging (not returning) failures.
void RemoveTree(const std::filesystem::path& path);

}  // namespace webjobs

namespace webjobs {

// Returns the argv and working directory that run `definition` from
// `working_root` (the job folder or its working copy) with `arguments`.
// The environment is left empty for the caller. kInvalidArgument when the
// arguments do not split into words (an unclosed quote).
Result<SpawnOptions> BuildSpawnOptions(const JobDefinition& definition,
                                       const std::filesystem::path& working_root,
                                       std::string_view arguments);

}  // namespace webjobs
