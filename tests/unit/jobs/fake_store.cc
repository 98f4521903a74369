#include "jobs/fake_store.h"

#include <algorithm>
#include <chrono>

namespace webjobs::testing {

Status FakeStore::PutRun(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(mutex_);
  runs_[{run.job_name, run.run_id}] = run;
  return Status::Ok();
}

Result<std::vector<RunRecord>> FakeStore::ListRuns(const std::string& job_name, size_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RunRecord> runs;
  // Run ids are fixed-width digits, so the map's order is oldest first.
  for (auto it = runs_.rbegin(); it != runs_.rend() && runs.size() < limit; ++it) {
    if (it->first.first == job_name) runs.push_back(it->second);
  }
  return runs;
}

Result<std::vector<RunRecord>> FakeStore::QueryRuns(const std::string& job_name,
                                                    const RunFilter& filter, size_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto matches = [&filter](const RunRecord& run) {
    if (filter.before_run_id && run.run_id >= *filter.before_run_id) return false;
    if (!filter.statuses.empty() && std::find(filter.statuses.begin(), filter.statuses.end(),
                                              run.status) == filter.statuses.end()) {
      return false;
    }
    if (filter.since && run.start_time < *filter.since) return false;
    if (filter.until && run.start_time > *filter.until) return false;
    return true;
  };
  std::vector<RunRecord> runs;
  for (auto it = runs_.rbegin(); it != runs_.rend() && runs.size() < limit; ++it) {
    if (it->first.first == job_name && matches(it->second)) runs.push_back(it->second);
  }
  return runs;
}

Result<std::optional<RunRecord>> FakeStore::GetRun(const std::string& job_name,
                                                   const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = runs_.find({job_name, run_id});
  if (found == runs_.end()) return std::optional<RunRecord>();
  return std::optional<RunRecord>(found->second);
}

Result<std::vector<RunRecord>> FakeStore::ListRunsWithStatus(const std::string& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RunRecord> runs;
  for (const auto& [key, run] : runs_) {
    if (run.status == status) runs.push_back(run);
  }
  return runs;
}

Result<std::vector<std::string>> FakeStore::TrimRuns(const std::string& job_name, size_t keep) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> removed;
  size_t kept = 0;
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    if (it->first.first != job_name) continue;
    if (kept < keep) {
      ++kept;
    } else if (it->second.status != run_status::kInitializing &&
               it->second.status != run_status::kRunning) {
      removed.push_back(it->first.second);
    }
  }
  for (const std::string& run_id : removed) runs_.erase({job_name, run_id});
  return removed;
}

Status FakeStore::DeleteJob(const std::string& job_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(runs_, [&](const auto& entry) { return entry.first.first == job_name; });
  std::erase_if(state_, [&](const auto& entry) { return entry.first.first == job_name; });
  return Status::Ok();
}

void FakeStore::FailStateWrites(bool fail) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_state_writes_ = fail;
}

void FakeStore::HoldStateWrites() {
  std::lock_guard<std::mutex> lock(mutex_);
  hold_state_writes_ = true;
}

void FakeStore::ReleaseStateWrites() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    hold_state_writes_ = false;
  }
  released_.notify_all();
}

size_t FakeStore::held_state_writes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_state_writes_;
}

Status FakeStore::SetJobState(const std::string& job_name, const std::string& key,
                              const std::string& value) {
  std::unique_lock<std::mutex> lock(mutex_);
  ++held_state_writes_;
  released_.wait_for(lock, std::chrono::seconds(30), [this] { return !hold_state_writes_; });
  --held_state_writes_;
  if (fail_state_writes_) {
    return IoError("fake store: cannot set state \"" + key + "\" of job \"" + job_name +
                   "\": writes fail in this test");
  }
  state_[{job_name, key}] = value;
  return Status::Ok();
}

Result<std::optional<std::string>> FakeStore::GetJobState(const std::string& job_name,
                                                          const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = state_.find({job_name, key});
  if (found == state_.end()) return std::optional<std::string>();
  return std::optional<std::string>(found->second);
}

Status FakeStore::ClearJobState(const std::string& job_name, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  state_.erase({job_name, key});
  return Status::Ok();
}

}  // namespace webjobs::testing
