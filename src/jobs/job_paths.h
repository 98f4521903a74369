// Where a host keeps things under its data root, in Kudu's layout:
//   site/wwwroot/App_Data/jobs/{type}/{name}/   job files (the job folder)
//   data/jobs/{type}/{name}/                   logs, run folders, job data
//   data/webjobs.db                            the SQLite store
//   temp/                                      working copies, shutdown files
// Names passed in must already be validated job names.
#pragma once

#include <filesystem>
#include <string>

#include "core/job_type.h"

namespace webjobs {

class JobPaths {
 public:
  explicit JobPaths(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path WwwRoot() const { return root_ / "site" / "wwwroot"; }
  std::filesystem::path JobsRoot() const { return WwwRoot() / "App_Data" / "jobs"; }
  std::filesystem::path JobsRoot(JobType type) const {
    return JobsRoot() / std::string(JobTypeName(type));
  }
  std::filesystem::path JobDir(JobType type, const std::string& name) const {
    return JobsRoot(type) / name;
  }
  // Uploads are unpacked here, on the same file system as the jobs tree, so
  // activation is a rename. The leading dot keeps it out of job listings.
  std::filesystem::path StagingRoot() const { return JobsRoot() / ".staging"; }

  std::filesystem::path DataRoot() const { return root_ / "data"; }
  std::filesystem::path DataJobsRoot() const { return DataRoot() / "jobs"; }
  std::filesystem::path DataDir(JobType type, const std::string& name) const {
    return DataJobsRoot() / std::string(JobTypeName(type)) / name;
  }
  std::filesystem::path RunDir(const std::string& name, const std::string& run_id) const {
    return DataDir(JobType::kTriggered, name) / run_id;
  }
  std::filesystem::path RunOutputFile(const std::string& name, const std::string& run_id) const {
    return RunDir(name, run_id) / "output_log.txt";
  }
  std::filesystem::path ContinuousLogFile(const std::string& name) const {
    return DataDir(JobType::kContinuous, name) / "job_log.txt";
  }
  std::filesystem::path SchedulerLogFile(const std::string& name) const {
    return DataDir(JobType::kTriggered, name) / "job_scheduler.log";
  }
  std::filesystem::path DatabaseFile() const { return DataRoot() / "webjobs.db"; }
  std::filesystem::path UploadDir() const { return DataRoot() / "uploads"; }

  std::filesystem::path TempRoot() const { return root_ / "temp"; }
  std::filesystem::path WorkingCopyRoot(JobType type, const std::string& name) const {
    return TempRoot() / "jobs" / std::string(JobTypeName(type)) / name;
  }
  std::filesystem::path ShutdownDir(JobType type, const std::string& name) const {
    return TempRoot() / "JobsShutdown" / std::string(JobTypeName(type)) / name;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace webjobs
