// The Store on one SQLite file, for a host on one machine.
//
// Durability: the file uses a WAL journal with synchronous=NORMAL. A
// committed call survives a kill of the process at any point, but a power
// loss or OS crash may lose the last commits before the next WAL
// checkpoint. The file stays consistent in both cases.
//
// Several processes may open the same file; a write waits up to 5 s for
// another process's lock before it fails with a kIo error. Errors name the
// operation, the job and run involved, the file and SQLite's message, for
// example: store: cannot save run 202401021530450123 of job "nightly" in
// /x/data/webjobs.db: database is locked.
//
// Thread-safe: one connection serves every thread, one call at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_statement.h"
#include "store/store.h"

namespace webjobs {

class SqliteStore final : public Store {
 public:
  // Opens `db_file`, creating it when missing, and migrates its schema to
  // the newest version. The parent directory must exist: the caller creates
  // it. Returns a kIo error naming the file when the directory is missing,
  // the file is not a SQLite database, or its schema version is newer than
  // this build supports.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& db_file);

  // Times are stored in whole microseconds, so finer parts of a TimePoint
  // are dropped. ListRunsWithStatus orders by job name, then newest run
  // first. TrimRuns returns the deleted ids oldest first.
  Status PutRun(const RunRecord& run) override;
  std::vector<Status> PutRuns(const std::vector<RunRecord>& runs) override;
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
  std::vector<Status> SetJobStates(const std::vector<JobStateEntry>& entries) override;

  // Users, tokens and the audit log (store_sqlite_auth.cc). The audit log
  // keeps the newest kAuditRetention records.
  static constexpr int64_t kAuditRetention = 100000;
  Status PutUser(const UserRecord& user) override;
  Result<bool> AddFirstUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> GetUser(const std::string& name) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Result<bool> DeleteUser(const std::string& name) override;
  Status PutToken(const TokenRecord& token) override;
  Result<std::optional<TokenRecord>> GetToken(const std::string& id) override;
  Result<uint64_t> CredentialsVersion() override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Result<bool> DeleteToken(const std::string& id) override;
  Status AppendAudit(const AuditRecord& record) override;
  Result<std::vector<AuditRecord>> ListAudit(size_t limit,
                                             std::optional<int64_t> before_id) override;

  // Portal sessions (store_sqlite_sessions.cc).
  Status PutSession(const SessionRecord& session) override;
  Result<std::optional<SessionRecord>> GetSession(const std::string& id_hash) override;
  Status TouchSession(const std::string& id_hash, TimePoint last_seen) override;
  Result<bool> DeleteSession(const std::string& id_hash) override;
  Result<std::vector<std::string>> TrimSessions(TimePoint seen_before, TimePoint created_before,
                                                size_t keep) override;

 private:
  explicit SqliteStore(SqliteConnection connection) : connection_(std::move(connection)) {}

  Status PrepareStatements();
  Status PutRunLocked(const RunRecord& run);  // the caller holds mutex_
  Result<std::vector<RunRecord>> CollectRuns(SqliteStatement& statement, const std::string& what);
  // Prepares `sql`, lets `bind` bind it, and steps it to the end; `row` sees
  // each row. For the statements of rare calls, which are not kept.
  Status RunOnce(const char* sql, const std::string& what,
                 const std::function<void(SqliteStatement&)>& bind,
                 const std::function<void(const SqliteStatement&)>& row = nullptr);

  std::mutex mutex_;
  // Everything below is guarded by mutex_. The statements are declared after
  // the connection so that they are finalized before it closes.
  SqliteConnection connection_;
  SqliteStatement put_run_;
  SqliteStatement list_runs_;
  SqliteStatement get_run_;
  SqliteStatement list_runs_with_status_;
  SqliteStatement trim_runs_;
  SqliteStatement delete_runs_;
  SqliteStatement delete_state_;
  SqliteStatement set_state_;
  SqliteStatement get_state_;
  SqliteStatement clear_state_;
  // Run on every authenticated request.
  SqliteStatement get_user_;
  SqliteStatement get_token_;
  SqliteStatement data_version_;
  SqliteStatement append_audit_;
  // Run on portal requests.
  SqliteStatement get_session_;
  SqliteStatement touch_session_;
  // Changes of users and tokens through this connection, which SQLite's
  // data_version does not count.
  uint64_t credential_changes_ = 0;
  int64_t audit_appends_ = 0;
};

}  // namespace webjobs
