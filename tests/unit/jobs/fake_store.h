// An in-memory Store for tests of the jobs layer: runs and job state in
// maps, guarded by one mutex, so the store worker thread and the test
// thread may both use it.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace webjobs::testing {

class FakeStore final : public Store {
 public:
  // Makes SetJobState fail with kIo, without writing, while `fail` is true.
  void FailStateWrites(bool fail);
  // Makes SetJobState wait until ReleaseStateWrites() before it writes, so
  // a test can see what happens while a write is in flight. The wait ends
  // on its own after 30 s, so a failing test cannot hang.
  void HoldStateWrites();
  void ReleaseStateWrites();
  // Counts the SetJobState calls that wait now.
  size_t held_state_writes() const;

  Status PutRun(const RunRecord& run) override;
  Result<std::vector<RunRecord>> ListRuns(const std::string& job_name, size_t limit) override;
  Result<std::vector<RunRecord>> QueryRuns(const std::string& job_name, const RunFilter& filter,
                                           size_t limit) override;
  Result<std::optional<RunRecord>> GetRun(const std::string& job_name,
                                          const std::string& run_id) override;
  Result<std::vector<RunRecord>> ListRunsWithStatus(const std::string& status) override;
  Result<std::vector<std::string>> TrimRuns(const std::string& job_name, size_t keep) override;
  Status DeleteJob(const std::string& job_name) override;
  Status SetJobState(const std::string& job_name, const std::string& key,
                     const std::string& value) override;
  Result<std::optional<std::string>> GetJobState(const std::string& job_name,
                                                 const std::string& key) override;
  Status ClearJobState(const std::string& job_name, const std::string& key) override;

  // The job layer never touches users, tokens, sessions or the audit log.
  Status PutUser(const UserRecord&) override { return Unused(); }
  Result<bool> AddFirstUser(const UserRecord&) override { return Unused(); }
  Result<std::optional<UserRecord>> GetUser(const std::string&) override { return Unused(); }
  Result<std::vector<UserRecord>> ListUsers() override { return Unused(); }
  Result<bool> DeleteUser(const std::string&) override { return Unused(); }
  Status PutToken(const TokenRecord&) override { return Unused(); }
  Result<uint64_t> CredentialsVersion() override { return Unused(); }
  Result<std::optional<TokenRecord>> GetToken(const std::string&) override { return Unused(); }
  Result<std::vector<TokenRecord>> ListTokens() override { return Unused(); }
  Result<bool> DeleteToken(const std::string&) override { return Unused(); }
  Status AppendAudit(const AuditRecord&) override { return Unused(); }
  Result<std::vector<AuditRecord>> ListAudit(size_t, std::optional<int64_t>) override {
    return Unused();
  }
  Status PutSession(const SessionRecord&) override { return Unused(); }
  Result<std::optional<SessionRecord>> GetSession(const std::string&) override { return Unused(); }
  Status TouchSession(const std::string&, TimePoint) override { return Unused(); }
  Result<bool> DeleteSession(const std::string&) override { return Unused(); }
  Result<std::vector<std::string>> TrimSessions(TimePoint, TimePoint, size_t) override {
    return Unused();
  }

 private:
  static Error Unused() {
    return InternalError("FakeStore keeps no users, tokens, sessions or audit log");
  }
  using RunKey = std::pair<std::string, std::string>;  // job name, run id

  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool fail_state_writes_ = false;    // guarded by mutex_
  bool hold_state_writes_ = false;    // guarded by mutex_
  size_t held_state_writes_ = 0;      // guarded by mutex_
  std::map<RunKey, RunRecord> runs_;  // guarded by mutex_; ordered by job, then run id
  std::map<std::pair<std::string, std::string>, std::string> state_;  // guarded by mutex_
};

}  // namespace webjobs::testing
