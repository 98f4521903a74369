// The owner of every job on this host, on the event loop thread.
//
// JobManager turns requests (deploy, delete, start, stop, run, settings)
// and file-system changes into calls on the jobs' state machines, and
// builds the views the API shows. Start() recovers from a crash before
// anything runs: runs recorded as active become Aborted and every leftover
// process of every job is killed.
//
// Owned by the event loop thread; JobServiceImpl is the thread-safe way in.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "jobs/continuous_job.h"
#include "jobs/job_context.h"
#include "jobs/job_service.h"
#include "jobs/job_watcher.h"
#include "jobs/triggered_job.h"

namespace webjobs {

class JobManager {
 public:
  JobManager(JobContext& context, DefinitionContext definitions);
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Creates the folders of the layout, marks runs left active by a crash as
  // Aborted, kills leftover job processes, loads every job folder, starts
  // continuous jobs, arms schedules and starts the file watcher. Blocks on
  // the store; call it before the loop runs. kIo when the root is unusable.
  Status Start();
  // Stops every job with the stop protocol, then calls `done`.
  void Shutdown(std::function<void()> done);

  std::vector<JobView> List(std::optional<JobType> type) const;
  Result<JobView> Get(JobType type, const std::string& name) const;
  // Makes the staged folder the job's files (see JobService::DeployJob).
  void Activate(JobType type, const std::string& name, const std::filesystem::path& staged_dir,
                std::vector<std::string> warnings, std::function<void(Result<DeployResult>)> reply);
  void Delete(JobType type, const std::string& name, std::function<void(Status)> reply);
  Status SetWantedRunning(const std::string& name, bool running);
  void Run(const std::string& name, const std::string& arguments, const std::string& trigger,
           std::function<void(Result<std::string>)> reply);
  // Stops every active run of the job and ends its waiting run.
  Status Cancel(const std::string& name);
  // Stops one active or waiting run of the job (see TriggeredJob::CancelRun).
  Status CancelRun(const std::string& name, const std::string& run_id);
  Result<nlohmann::json> Settings(JobType type, const std::string& name) const;
  Status PutSettings(JobType type, const std::string& name, const nlohmann::json& settings);
  // Applies a JSON merge patch to the job's settings, then stores the
  // result as PutSettings() does; nothing changes when the result is
  // invalid.
  Status PatchSettings(JobType type, const std::string& name, const nlohmann::json& patch);
  // True when a job of `name` exists, of any type.
  std::optional<JobType> TypeOf(const std::string& name) const;

  // The type of each job that List() shows, by name.
  using ListedJobs = std::map<std::string, JobType>;
  // Returns the jobs that List() showed at the end of the loop's last turn
  // that added or removed one. Thread-safe, unlike the rest of the class:
  // requests that only need to know whether a job exists read it without
  // a round trip to the loop. A job added or removed by a request is in it
  // before that request gets its reply.
  std::shared_ptr<const ListedJobs> Listed() const;

 private:
  // Whether files that other processes create or remove exist: the SDK
  // marker that a job writes into its data folder, and the scheduler log
  // (also left by an earlier host). Listing 1,000 jobs would otherwise
  // stat 2,000 paths on the loop for every request.
  struct FileFlags {
    bool using_sdk = false;
    bool has_scheduler_log = false;
    std::optional<std::chrono::steady_clock::time_point> checked;
  };

  struct ManagedJob {
    JobType type;
    std::unique_ptr<ContinuousJob> continuous;
    std::unique_ptr<TriggeredJob> triggered;
    // Refreshed by CheckFiles() when older than kFileCheckInterval.
    mutable FileFlags files;
    const JobDefinition& definition() const {
      return continuous ? continuous->definition() : triggered->definition();
    }
  };

  void RecoverRuns();
  void LoadAll();
  void AddJob(JobDefinition definition);
  // `force` reloads even when the folder's fingerprint did not change.
  void Reload(JobType type, const std::string& name, bool force = false);
  void RemoveJob(const std::string& name, const std::string& reason, std::function<void()> done);
  // Publishes the jobs of jobs_ that are not in removing_ for Listed().
  void PublishListed();
  JobView ViewOf(const ManagedJob& job) const;
  const FileFlags& CheckFiles(const ManagedJob& job) const;
  const ManagedJob* Find(JobType type, const std::string& name) const;
  Status CheckNameFree(JobType type, const std::string& name) const;

  JobContext& context_;
  DefinitionContext definitions_;
  std::map<std::string, ManagedJob> jobs_;
  std::unique_ptr<JobWatcher> watcher_;
  bool shutting_down_ = false;
  // Jobs whose removal has started. File events for them are ignored, so
  // the folder moved away by a delete is not reported as a second removal.
  std::set<std::string> removing_;
  mutable std::mutex listed_mutex_;
  std::shared_ptr<const ListedJobs> listed_ = std::make_shared<const ListedJobs>();
};

}  // namespace webjobs
