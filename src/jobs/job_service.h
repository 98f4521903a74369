// What the edge (HTTP API, portal) asks of the job host.
//
// JobService is the one entry point from request threads into job state.
// Every method is thread-safe: an implementation posts the command to the
// event loop that owns the jobs and blocks until the loop replies. Reads of
// history and settings may be served from the store and the files directly.
//
// Errors: kNotFound for an unknown job or run, kInvalidArgument (with a
// message naming the value and the fix) for bad names, packages, settings
// or arguments, kConflict when the job's state forbids the request now
// (already running, type mismatch, WEBJOBS_STOPPED), kUnavailable while
// the host shuts down.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/job_type.h"
#include "core/result.h"
#include "process/job_log_writer.h"
#include "process/log_feed.h"
#include "store/store.h"

namespace webjobs {

// A job as the API shows it. Field names follow Kudu's JSON.
struct JobView {
  std::string name;
  JobType type = JobType::kTriggered;
  std::string run_command;  // script path relative to the job folder, '/'-separated
  nlohmann::json settings = nlohmann::json::object();  // settings.job as parsed
  std::optional<std::string> error;   // settings.job parse error, or the last start failure
  std::vector<std::string> warnings;  // for example a CRLF shell script
  bool using_sdk = false;
  // Continuous jobs only: Kudu status name (Running, PendingRestart,
  // Stopped, ...) and "<instance> - <status>" lines.
  std::string status;
  std::string detailed_status;
  // Continuous jobs only: WEBJOBS_PORT of the process running on this
  // instance, nullopt while none runs. Not part of the JSON.
  std::optional<int> port;
  // Triggered jobs only.
  std::optional<RunRecord> latest_run;
  std::optional<std::string> schedule;  // the active schedule expression
  std::optional<TimePoint> next_scheduled_run;
  bool has_scheduler_log = false;

  bool operator==(const JobView&) const = default;
};

// An upload, as PUT /api/{type}webjobs/{name} receives it.
struct DeployRequest {
  JobType type = JobType::kTriggered;
  std::string name;
  // The upload body, already written to a temporary file that the service
  // may consume (move or delete).
  std::filesystem::path body_path;
  bool is_zip = false;
  // File name from Content-Disposition, directory part already removed;
  // the name of the single script when is_zip is false.
  std::string file_name;
  // Extensions over Kudu: values written into settings.job of the new
  // version (the CLI's --schedule and --singleton, and the upload's
  // time_zone query parameter).
  std::optional<std::string> schedule;
  std::optional<bool> singleton;
  std::optional<std::string> time_zone;
};

// A log to follow as it grows: its live feed, and where its files are.
struct LogSource {
  std::shared_ptr<LogFeed> feed;
  std::filesystem::path path;  // the file being written
  LogRotation rotation;        // max_bytes 0 when the log is not rotated
};

struct DeployResult {
  JobView job;
  std::vector<std::string> warnings;
};

class JobService {
 public:
  virtual ~JobService() = default;

  // Lists valid jobs of `type`, or of both types when it is nullopt
  // (triggered first, then continuous, each sorted by name).
  virtual Result<std::vector<JobView>> ListJobs(std::optional<JobType> type) = 0;
  virtual Result<JobView> GetJob(JobType type, const std::string& name) = 0;

  // Returns the spelling of the job whose name equals `name` without
  // regard to ASCII case, as Kudu compares names. Returns `name` itself
  // when it is a job's exact name or matches none. Thread-safe and cheap,
  // because it reads the listing that requests share, not the loop.
  virtual std::string CanonicalJobName(const std::string& name) const { return name; }

  // Validates, unpacks and activates a new version of the job, whole or not
  // at all: on any error the previous version stays in place and running.
  virtual Result<DeployResult> DeployJob(const DeployRequest& request) = 0;
  // Stops the job, kills every process of it, and removes its files, data
  // and history. Succeeds when the job does not exist (as Kudu does).
  virtual Status DeleteJob(JobType type, const std::string& name) = 0;

  // Continuous jobs: set the wanted state, kept across host restarts.
  virtual Status StartJob(const std::string& name) = 0;
  virtual Status StopJob(const std::string& name) = 0;

  // Starts a triggered run, or makes it wait as the job's overlap policy
  // decides, and returns its run id. kConflict when the policy rejects it
  // while other runs are active. `trigger` is stored as given
  // ("External - ...").
  virtual Result<std::string> RunJob(const std::string& name, const std::string& arguments,
                                     const std::string& trigger) = 0;
  // Extension over Kudu: stops every active run of a triggered job with the
  // stop protocol (shutdown file, wait, kill) and ends its waiting run.
  // kConflict when there is none.
  virtual Status CancelRun(const std::string& name) = 0;
  // Extension over Kudu: stops one active run, or ends it while it waits.
  // kNotFound when the job has no such active or waiting run.
  virtual Status CancelRun(const std::string& name, const std::string& run_id) = 0;

  // Triggered history, newest first. A job that never ran has none.
  virtual Result<std::vector<RunRecord>> ListRuns(const std::string& name) = 0;
  // Extension over Kudu: the runs that match `filter`, newest first, at
  // most `limit` of them, or as many as ListRuns() returns when `limit` is
  // nullopt. The store does the filtering.
  virtual Result<std::vector<RunRecord>> QueryRuns(const std::string& name, const RunFilter& filter,
                                                   std::optional<size_t> limit) = 0;
  virtual Result<RunRecord> GetRun(const std::string& name, const std::string& run_id) = 0;

  virtual Result<nlohmann::json> GetSettings(JobType type, const std::string& name) = 0;
  // Replaces settings.job with `settings` (not a merge), after validating it.
  virtual Status PutSettings(JobType type, const std::string& name,
                             const nlohmann::json& settings) = 0;
  // Extension over Kudu: applies a JSON merge patch (RFC 7396) to the
  // settings and stores the result as PutSettings() does. A null member
  // removes a setting.
  virtual Status PatchSettings(JobType type, const std::string& name,
                               const nlohmann::json& patch) = 0;

  // Paths of log files, for GET of output: a run's output_log.txt, a
  // continuous job's job_log.txt, a triggered job's job_scheduler.log.
  virtual Result<std::filesystem::path> RunOutputPath(const std::string& name,
                                                      const std::string& run_id) = 0;
  virtual Result<std::filesystem::path> JobLogPath(JobType type, const std::string& name) = 0;

  // Extension over Kudu: live output. The source of a run's output_log.txt
  // (the file may not exist yet) and of a continuous job's job_log.txt.
  // kNotFound for an unknown job or run. A run's feed is closed once its
  // final record is saved; a feed that was never opened belongs to a run
  // that ended or has not started (see GetRun).
  virtual Result<LogSource> FollowRunOutput(const std::string& name, const std::string& run_id) = 0;
  virtual Result<LogSource> FollowJobLog(const std::string& name) = 0;
  // Root of data/jobs, for the read-only /vfs/data/jobs/ route.
  virtual std::filesystem::path DataJobsRoot() const = 0;
};

}  // namespace webjobs
