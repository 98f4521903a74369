// The thread-safe JobService: request threads in, the event loop inside.
//
// Uploads are unpacked and validated on the calling request thread (the
// slow part, kept off the loop); only the atomic swap and the state
// machine changes run on the loop. History and run reads go to the store
// directly. Everything else is posted to the loop, and the caller blocks
// until the loop replies.
#pragma once

#include <functional>
#include <future>

#include "core/event_loop.h"
#include "jobs/job_manager.h"
#include "jobs/job_service.h"
#include "jobs/jobs_config.h"
#include "package/package_limits.h"
#include "process/log_feed_registry.h"

namespace webjobs {

class JobServiceImpl final : public JobService {
 public:
  // `log_feeds` and `config` must outlive the service.
  JobServiceImpl(EventLoop& loop, JobManager& manager, Store& store, const JobPaths& paths,
                 DefinitionContext definitions, PackageLimits limits, size_t history_limit,
                 LogFeedRegistry& log_feeds, const JobsConfig& config);

  Result<std::vector<JobView>> ListJobs(std::optional<JobType> type) override;
  Result<JobView> GetJob(JobType type, const std::string& name) override;
  std::string CanonicalJobName(const std::string& name) const override;
  Result<DeployResult> DeployJob(const DeployRequest& request) override;
  Status DeleteJob(JobType type, const std::string& name) override;
  Status StartJob(const std::string& name) override;
  Status StopJob(const std::string& name) override;
  Result<std::string> RunJob(const std::string& name, const std::string& arguments,
                             const std::string& trigger) override;
  Status CancelRun(const std::string& name) override;
  Status CancelRun(const std::string& name, const std::string& run_id) override;
  Result<std::vector<RunRecord>> ListRuns(const std::string& name) override;
  Result<std::vector<RunRecord>> QueryRuns(const std::string& name, const RunFilter& filter,
                                           std::optional<size_t> limit) override;
  Result<RunRecord> GetRun(const std::string& name, const std::string& run_id) override;
  Result<nlohmann::json> GetSettings(JobType type, const std::string& name) override;
  Status PutSettings(JobType type, const std::string& name,
                     const nlohmann::json& settings) override;
  Status PatchSettings(JobType type, const std::string& name, const nlohmann::json& patch) override;
  Result<std::filesystem::path> RunOutputPath(const std::string& name,
                                              const std::string& run_id) override;
  Result<std::filesystem::path> JobLogPath(JobType type, const std::string& name) override;
  std::filesystem::path DataJobsRoot() const override;
  Result<LogSource> FollowRunOutput(const std::string& name, const std::string& run_id) override;
  Result<LogSource> FollowJobLog(const std::string& name) override;

 private:
  // Runs `work` on the loop and blocks until it passes a value to its
  // reply callback.
  template <typename T>
  T Call(std::function<void(std::function<void(T)>)> work);
  // Returns kNotFound unless a triggered job `name` is listed, without a
  // round trip to the loop (see JobManager::Listed()).
  Status CheckTriggeredJobListed(const std::string& name) const;
  Result<std::filesystem::path> StagePackage(const DeployRequest& request,
                                             std::vector<std::string>& warnings);

  EventLoop& loop_;
  JobManager& manager_;
  Store& store_;
  const JobPaths& paths_;
  DefinitionContext definitions_;
  PackageLimits limits_;
  size_t history_limit_;
  LogFeedRegistry& log_feeds_;
  const JobsConfig& config_;
};

}  // namespace webjobs
