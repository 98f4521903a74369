// A JobService for API tests: canned results, and a record of every call.
// Handlers run on server threads, so all members are guarded by `mutex`;
// tests read them after the response arrived.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "jobs/job_service.h"

namespace webjobs::testing {

struct DeployCall {
  DeployRequest request;
  std::string body;  // content of request.body_path at the time of the call
};

class FakeJobService : public JobService {
 public:
  std::mutex mutex;
  std::filesystem::path data_jobs_root;

  std::vector<JobView> jobs;                           // ListJobs, GetJob
  std::map<std::string, std::vector<RunRecord>> runs;  // by job name
  std::map<std::string, nlohmann::json> settings;      // by job name
  // When set, returned by the next calls instead of the canned data.
  std::optional<Error> fail_with;
  // When set, returned by RunJob and CancelRun only.
  std::optional<Error> fail_runs_with;
  // When true, ListJobs throws the nlohmann::json exception that reading
  // a number as a string throws, as a bug in a handler would.
  bool throw_library_error = false;
  std::vector<std::string> deploy_warnings;
  std::string next_run_id = "202401021530450123";

  std::vector<std::string> calls;  // "Method type name", in order
  std::vector<DeployCall> deploys;
  std::vector<nlohmann::json> stored_settings;
  std::string last_arguments;
  std::string last_trigger;
  RunFilter last_filter;             // of the last QueryRuns call
  std::optional<size_t> last_limit;  // of the last QueryRuns call

  Result<std::vector<JobView>> ListJobs(std::optional<JobType> type) override {
    std::lock_guard lock(mutex);
    Record("ListJobs", type, "");
    if (throw_library_error) (void)nlohmann::json(1).get<std::string>();
    if (fail_with) return *fail_with;
    std::vector<JobView> listed;
    for (JobType wanted : {JobType::kTriggered, JobType::kContinuous}) {
      if (type && *type != wanted) continue;
      for (const JobView& job : jobs) {
        if (job.type == wanted) listed.push_back(job);
      }
    }
    return listed;
  }

  Result<JobView> GetJob(JobType type, const std::string& name) override {
    std::lock_guard lock(mutex);
    Record("GetJob", type, name);
    if (fail_with) return *fail_with;
    const JobView* job = Find(type, name);
    if (job == nullptr) return NotFound("no " + std::string(JobTypeName(type)) + " job " + name);
    return *job;
  }

  Result<DeployResult> DeployJob(const DeployRequest& request) override {
    std::lock_guard lock(mutex);
    Record("DeployJob", request.type, request.name);
    std::ifstream file(request.body_path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    deploys.push_back({request, content.str()});
    if (fail_with) return *fail_with;
    JobView job;
    job.name = request.name;
    job.type = request.type;
    job.run_command = request.is_zip ? "run.sh" : request.file_name;
    job.warnings = {"job warning"};
    return DeployResult{job, deploy_warnings};
  }

  Status DeleteJob(JobType type, const std::string& name) override {
    std::lock_guard lock(mutex);
    Record("DeleteJob", type, name);
    if (fail_with) return *fail_with;
    return Status::Ok();
  }

  Status StartJob(const std::string& name) override { return Simple("StartJob", name); }
  Status StopJob(const std::string& name) override { return Simple("StopJob", name); }
  Status CancelRun(const std::string& name) override {
    Status status = Simple("CancelRun", name);
    if (status.ok() && fail_runs_with) return *fail_runs_with;
    return status;
  }
  Status CancelRun(const std::string& name, const std::string& run_id) override {
    Status status = Simple("CancelOneRun", name + "/" + run_id);
    if (status.ok() && fail_runs_with) return *fail_runs_with;
    return status;
  }

  Result<std::string> RunJob(const std::string& name, const std::string& arguments,
                             const std::string& trigger) override {
    std::lock_guard lock(mutex);
    Record("RunJob", JobType::kTriggered, name);
    last_arguments = arguments;
    last_trigger = trigger;
    if (fail_with) return *fail_with;
    if (fail_runs_with) return *fail_runs_with;
    return next_run_id;
  }

  Result<std::vector<RunRecord>> ListRuns(const std::string& name) override {
    std::lock_guard lock(mutex);
    Record("ListRuns", JobType::kTriggered, name);
    if (fail_with) return *fail_with;
    if (Find(JobType::kTriggered, name) == nullptr) return NotFound("no triggered job " + name);
    return runs[name];
  }

  // Filters runs[name] like the store does; runs[name] is newest first.
  Result<std::vector<RunRecord>> QueryRuns(const std::string& name, const RunFilter& filter,
                                           std::optional<size_t> limit) override {
    std::lock_guard lock(mutex);
    Record("QueryRuns", JobType::kTriggered, name);
    last_filter = filter;
    last_limit = limit;
    if (fail_with) return *fail_with;
    if (Find(JobType::kTriggered, name) == nullptr) return NotFound("no triggered job " + name);
    std::vector<RunRecord> matched;
    for (const RunRecord& run : runs[name]) {
      if (limit && matched.size() >= *limit) break;
      if (filter.before_run_id && run.run_id >= *filter.before_run_id) continue;
      if (!filter.statuses.empty() && std::find(filter.statuses.begin(), filter.statuses.end(),
                                                run.status) == filter.statuses.end()) {
        continue;
      }
      if (filter.since && run.start_time < *filter.since) continue;
      if (filter.until && run.start_time > *filter.until) continue;
      matched.push_back(run);
    }
    return matched;
  }

  Result<RunRecord> GetRun(const std::string& name, const std::string& run_id) override {
    std::lock_guard lock(mutex);
    Record("GetRun", JobType::kTriggered, name + "/" + run_id);
    if (fail_with) return *fail_with;
    for (const RunRecord& run : runs[name]) {
      if (run.run_id == run_id) return run;
    }
    return NotFound("no run " + run_id + " of triggered job " + name);
  }

  Result<nlohmann::json> GetSettings(JobType type, const std::string& name) override {
    std::lock_guard lock(mutex);
    Record("GetSettings", type, name);
    if (fail_with) return *fail_with;
    if (Find(type, name) == nullptr) return NotFound("no job " + name);
    auto found = settings.find(name);
    return found == settings.end() ? nlohmann::json::object() : found->second;
  }

  Status PutSettings(JobType type, const std::string& name, const nlohmann::json& value) override {
    std::lock_guard lock(mutex);
    Record("PutSettings", type, name);
    if (fail_with) return *fail_with;
    if (Find(type, name) == nullptr) return NotFound("no job " + name);
    stored_settings.push_back(value);
    return Status::Ok();
  }

  Status PatchSettings(JobType type, const std::string& name,
                       const nlohmann::json& patch) override {
    std::lock_guard lock(mutex);
    Record("PatchSettings", type, name);
    if (fail_with) return *fail_with;
    if (Find(type, name) == nullptr) return NotFound("no job " + name);
    stored_settings.push_back(patch);
    return Status::Ok();
  }

  Result<std::filesystem::path> RunOutputPath(const std::string&, const std::string&) override {
    return NotFound("not used by the API");
  }
  Result<std::filesystem::path> JobLogPath(JobType, const std::string&) override {
    return NotFound("not used by the API");
  }
  // FollowRunOutput and FollowJobLog: by "name/run_id" and by "name".
  std::map<std::string, LogSource> log_sources;

  Result<LogSource> FollowRunOutput(const std::string& name, const std::string& run_id) override {
    std::lock_guard lock(mutex);
    Record("FollowRunOutput", JobType::kTriggered, name);
    auto found = log_sources.find(name + "/" + run_id);
    if (found == log_sources.end()) return NotFound("run " + run_id + " not found");
    return found->second;
  }
  Result<LogSource> FollowJobLog(const std::string& name) override {
    std::lock_guard lock(mutex);
    Record("FollowJobLog", JobType::kContinuous, name);
    auto found = log_sources.find(name);
    if (found == log_sources.end()) return NotFound("continuous job " + name + " not found");
    return found->second;
  }

  std::filesystem::path DataJobsRoot() const override { return data_jobs_root; }

  std::vector<std::string> Calls() {
    std::lock_guard lock(mutex);
    return calls;
  }

 private:
  void Record(const std::string& method, std::optional<JobType> type, const std::string& name) {
    std::string call = method;
    if (type) call += " " + std::string(JobTypeName(*type));
    if (!name.empty()) call += " " + name;
    calls.push_back(call);
  }

  Status Simple(const std::string& method, const std::string& name) {
    std::lock_guard lock(mutex);
    Record(method, std::nullopt, name);
    if (fail_with) return *fail_with;
    return Status::Ok();
  }

  const JobView* Find(JobType type, const std::string& name) const {
    for (const JobView& job : jobs) {
      if (job.type == type && job.name == name) return &job;
    }
    return nullptr;
  }
};

}  // namespace webjobs::testing
