// What every job object needs from the host: the loop, the store (through
// a worker thread), the process spawner, the clock, paths and settings.
// Also the helpers they share: environment, working directory, run ids.
//
// Owned by the event loop thread, except where a member says otherwise.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event_loop.h"
#include "core/worker_pool.h"
#include "jobs/job_definition.h"
#include "jobs/job_paths.h"
#include "jobs/jobs_config.h"
#include "process/job_log_writer.h"
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

  // Saves `run` on the store worker, then calls `done` on the loop with
  // the result (a failure is also logged). `done` may be empty.
  void SaveRun(const RunRecord& run, std::function<void(Status)> done = nullptr);
  // Runs `work` on the store worker (blocking file or store work), then
  // `done` on the loop.
  void RunOnWorker(std::function<void()> work, std::function<void()> done = nullptr);
};

// The variables a job process sees: the host environment plus Kudu's
// WEBJOBS_* variables and the marker that finds the job's processes.
struct JobEnvironment {
  std::string run_id;  // empty for continuous jobs
  std::string arguments;
  std::filesystem::path working_root;
  std::filesystem::path shutdown_file;
  std::string marker_entry;
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
// file itself is created only when a stop is requested.
std::filesystem::path NewShutdownFile(const JobContext& context, const JobDefinition& definition);

// Opens a log writer for `path` with the host's instance id.
Result<JobLogWriter> OpenLog(const JobContext& context, const std::filesystem::path& path,
                             LogRotation rotation = {});

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
Result<SpawnOptions> BuildSpawnOptions(const JobContext& context, const JobDefinition& definition,
                                       const std::filesystem::path& working_root,
                                       std::string_view arguments);

}  // namespace webjobs
