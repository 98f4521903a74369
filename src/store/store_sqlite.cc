#include "store/store_sqlite.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "core/log.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_values.h"

namespace webjobs {
namespace {

// The column list of every query that reads a RunRecord, in ReadRun's order.
#define WEBJOBS_RUN_COLUMNS                                                                     \
  "job_name, run_id, status, \"trigger\", arguments, instance_id, start_time_us, end_time_us, " \
  "exit_code, error, pid"

constexpr const char* kPutRunSql = "INSERT OR REPLACE INTO runs (" WEBJOBS_RUN_COLUMNS
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char* kListRunsSql =
    "SELECT " WEBJOBS_RUN_COLUMNS " FROM runs WHERE job_name = ?1 ORDER BY run_id DESC LIMIT ?2";
// QueryRuns appends its conditions to this start, then kQueryRunsEnd.
constexpr const char* kQueryRunsStart =
    "SELECT " WEBJOBS_RUN_COLUMNS " FROM runs WHERE job_name = ?";
constexpr const char* kQueryRunsEnd = " ORDER BY run_id DESC LIMIT ?";
constexpr const char* kGetRunSql =
    "SELECT " WEBJOBS_RUN_COLUMNS " FROM runs WHERE job_name = ?1 AND run_id = ?2";
constexpr const char* kListRunsWithStatusSql = "SELECT " WEBJOBS_RUN_COLUMNS
                                               " FROM runs WHERE status = ?1"
                                               " ORDER BY job_name, run_id DESC";
// OFFSET skips the newest `keep` runs, and LIMIT -1 means no limit. Runs
// still active stay, wherever they fall.
constexpr const char* kTrimRunsSql =
    "DELETE FROM runs WHERE job_name = ?1 AND status NOT IN ('Initializing', 'Running') "
    "AND run_id IN ("
    "SELECT run_id FROM runs WHERE job_name = ?1 ORDER BY run_id DESC LIMIT -1 OFFSET ?2) "
    "RETURNING run_id";
constexpr const char* kDeleteRunsSql = "DELETE FROM runs WHERE job_name = ?1";
constexpr const char* kDeleteStateSql = "DELETE FROM job_state WHERE job_name = ?1";
constexpr const char* kSetStateSql =
    "INSERT INTO job_state (job_name, key, value) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (job_name, key) DO UPDATE SET value = excluded.value";
constexpr const char* kGetStateSql = "SELECT value FROM job_state WHERE job_name = ?1 AND key = ?2";
constexpr const char* kClearStateSql = "DELETE FROM job_state WHERE job_name = ?1 AND key = ?2";

#undef WEBJOBS_RUN_COLUMNS

}  // namespace

// Statements of users, tokens and the audit log; store_sqlite_auth.cc runs them.
extern const char* const kGetUserSql;
extern const char* const kGetTokenSql;
extern const char* const kAppendAuditSql;
// Statements of portal sessions; store_sqlite_sessions.cc runs them.
extern const char* const kGetSessionSql;
extern const char* const kTouchSessionSql;

namespace {

std::optional<int64_t> OptionalMicros(const std::optional<TimePoint>& time) {
  if (!time.has_value()) {
    return std::nullopt;
  }
  return ToMicros(*time);
}

std::optional<int64_t> OptionalInt(const std::optional<int>& value) {
  if (!value.has_value()) {
    return std::nullopt;
  }
  return *value;
}

RunRecord ReadRun(const SqliteStatement& row) {
  RunRecord run;
  run.job_name = row.Text(0);
  run.run_id = row.Text(1);
  run.status = row.Text(2);
  run.trigger = row.Text(3);
  run.arguments = row.Text(4);
  run.instance_id = row.Text(5);
  run.start_time = FromMicros(row.Int64(6));
  if (!row.IsNull(7)) {
    run.end_time = FromMicros(row.Int64(7));
  }
  if (!row.IsNull(8)) {
    run.exit_code = static_cast<int>(row.Int64(8));
  }
  run.error = row.Text(9);
  if (!row.IsNull(10)) {
    run.pid = static_cast<int>(row.Int64(10));
  }
  return run;
}

std::string RunWhat(std::string_view action, const std::string& job_name,
                    const std::string& run_id) {
  return std::string(action) + " run " + run_id + " of job " + Quote(job_name);
}

std::string StateWhat(std::string_view action, const std::string& job_name,
                      const std::string& key) {
  return std::string(action) + " state " + Quote(key) + " of job " + Quote(job_name);
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& db_file) {
  Result<SqliteConnection> connection = SqliteConnection::Open(db_file);
  if (!connection.ok()) {
    return connection.error();
  }
  if (Status status = MigrateSqliteSchema(*connection); !status.ok()) {
    return status.error();
  }

  // The constructor is private, so make_unique cannot reach it.
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(connection).value()));
  if (Status status = store->PrepareStatements(); !status.ok()) {
    return status.error();
  }
  return store;
}

Status SqliteStore::PrepareStatements() {
  const std::pair<SqliteStatement*, const char*> statements[] = {
      {&put_run_, kPutRunSql},           {&list_runs_, kListRunsSql},
      {&get_run_, kGetRunSql},           {&list_runs_with_status_, kListRunsWithStatusSql},
      {&trim_runs_, kTrimRunsSql},       {&delete_runs_, kDeleteRunsSql},
      {&delete_state_, kDeleteStateSql}, {&set_state_, kSetStateSql},
      {&get_state_, kGetStateSql},       {&clear_state_, kClearStateSql},
      {&get_user_, kGetUserSql},         {&get_token_, kGetTokenSql},
      {&append_audit_, kAppendAuditSql}, {&data_version_, "PRAGMA data_version"},
      {&get_session_, kGetSessionSql},   {&touch_session_, kTouchSessionSql},
  };
  for (const auto& [statement, sql] : statements) {
    int code = statement->Prepare(connection_.handle(), sql);
    if (code != SQLITE_OK) {
      return connection_.ErrorFor(code, std::string("cannot prepare statement ") + sql);
    }
  }
  return Status::Ok();
}

Status SqliteStore::PutRun(const RunRecord& run) {
  std::lock_guard lock(mutex_);
  return PutRunLocked(run);
}

std::vector<Status> SqliteStore::PutRuns(const std::vector<RunRecord>& runs) {
  if (runs.size() <= 1) return Store::PutRuns(runs);

  std::lock_guard lock(mutex_);
  std::string what = "cannot save " + std::to_string(runs.size()) + " runs";
  Status written = connection_.InTransaction(what, [&]() -> Status {
    for (const RunRecord& run : runs) {
      if (Status saved = PutRunLocked(run); !saved.ok()) return saved;
    }
    return Status::Ok();
  });
  // The transaction commits all runs or none.
  return std::vector<Status>(runs.size(), written);
}

Status SqliteStore::PutRunLocked(const RunRecord& run) {
  StatementResetter resetter(put_run_);
  put_run_.BindText(1, run.job_name);
  put_run_.BindText(2, run.run_id);
  put_run_.BindText(3, run.status);
  put_run_.BindText(4, run.trigger);
  put_run_.BindText(5, run.arguments);
  put_run_.BindText(6, run.instance_id);
  put_run_.BindInt64(7, ToMicros(run.start_time));
  put_run_.BindOptionalInt64(8, OptionalMicros(run.end_time));
  put_run_.BindOptionalInt64(9, OptionalInt(run.exit_code));
  put_run_.BindText(10, run.error);
  put_run_.BindOptionalInt64(11, OptionalInt(run.pid));

  int code = put_run_.Step();
  if (code != SQLITE_DONE) {
    return connection_.ErrorFor(code, RunWhat("cannot save", run.job_name, run.run_id));
  }
  return Status::Ok();
}

Result<std::vector<RunRecord>> SqliteStore::ListRuns(const std::string& job_name, size_t limit) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(list_runs_);
  list_runs_.BindText(1, job_name);
  list_runs_.BindInt64(2, ClampToInt64(limit));
  return CollectRuns(list_runs_, "cannot list runs of job " + Quote(job_name));
}

Result<std::vector<RunRecord>> SqliteStore::QueryRuns(const std::string& job_name,
                                                      const RunFilter& filter, size_t limit) {
  // The conditions vary with the filter, so the statement is built and
  // prepared per call. Every value is bound, never spliced into the text.
  std::string sql = kQueryRunsStart;
  if (filter.before_run_id) sql += " AND run_id < ?";
  if (!filter.statuses.empty()) {
    sql += " AND status IN (?";
    for (size_t i = 1; i < filter.statuses.size(); ++i) sql += ", ?";
    sql += ")";
  }
  if (filter.since) sql += " AND start_time_us >= ?";
  if (filter.until) sql += " AND start_time_us <= ?";
  sql += kQueryRunsEnd;

  std::lock_guard lock(mutex_);
  std::string what = "cannot query runs of job " + Quote(job_name);
  SqliteStatement statement;
  int code = statement.Prepare(connection_.handle(), sql.c_str());
  if (code != SQLITE_OK) return connection_.ErrorFor(code, what);

  int index = 1;
  statement.BindText(index++, job_name);
  if (filter.before_run_id) statement.BindText(index++, *filter.before_run_id);
  for (const std::string& status : filter.statuses) statement.BindText(index++, status);
  if (filter.since) statement.BindInt64(index++, ToMicros(*filter.since));
  if (filter.until) statement.BindInt64(index++, ToMicros(*filter.until));
  statement.BindInt64(index, ClampToInt64(limit));
  return CollectRuns(statement, what);
}

Result<std::optional<RunRecord>> SqliteStore::GetRun(const std::string& job_name,
                                                     const std::string& run_id) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(get_run_);
  get_run_.BindText(1, job_name);
  get_run_.BindText(2, run_id);

  int code = get_run_.Step();
  if (code == SQLITE_DONE) {
    return std::optional<RunRecord>();
  }
  if (code != SQLITE_ROW) {
    return connection_.ErrorFor(code, RunWhat("cannot read", job_name, run_id));
  }
  return std::optional<RunRecord>(ReadRun(get_run_));
}

Result<std::vector<RunRecord>> SqliteStore::ListRunsWithStatus(const std::string& status) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(list_runs_with_status_);
  list_runs_with_status_.BindText(1, status);
  return CollectRuns(list_runs_with_status_, "cannot list runs with status " + Quote(status));
}

Result<std::vector<std::string>> SqliteStore::TrimRuns(const std::string& job_name, size_t keep) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(trim_runs_);
  trim_runs_.BindText(1, job_name);
  trim_runs_.BindInt64(2, ClampToInt64(keep));

  // The DELETE finishes only when the last RETURNING row has been stepped.
  std::vector<std::string> deleted;
  int code;
  while ((code = trim_runs_.Step()) == SQLITE_ROW) {
    deleted.push_back(trim_runs_.Text(0));
  }
  if (code != SQLITE_DONE) {
    return connection_.ErrorFor(code, "cannot trim runs of job " + Quote(job_name) +
                                          " to the newest " + std::to_string(keep));
  }
  // SQLite does not define the order of RETURNING rows.
  std::sort(deleted.begin(), deleted.end());
  return deleted;
}

Status SqliteStore::DeleteJob(const std::string& job_name) {
  std::lock_guard lock(mutex_);
  std::string what = "cannot delete the runs and state of job " + Quote(job_name);
  return connection_.InTransaction(what, [&]() -> Status {
    for (SqliteStatement* statement : {&delete_runs_, &delete_state_}) {
      StatementResetter resetter(*statement);
      statement->BindText(1, job_name);
      int code = statement->Step();
      if (code != SQLITE_DONE) {
        return connection_.ErrorFor(code, what);
      }
    }
    return Status::Ok();
  });
}

Status SqliteStore::SetJobState(const std::string& job_name, const std::string& key,
                                const std::string& value) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(set_state_);
  set_state_.BindText(1, job_name);
  set_state_.BindText(2, key);
  set_state_.BindText(3, value);

  int code = set_state_.Step();
  if (code != SQLITE_DONE) {
    return connection_.ErrorFor(code, StateWhat("cannot set", job_name, key));
  }
  return Status::Ok();
}

std::vector<Status> SqliteStore::SetJobStates(const std::vector<JobStateEntry>& entries) {
  if (entries.size() <= 1) return Store::SetJobStates(entries);

  std::lock_guard lock(mutex_);
  std::string what = "cannot set the state of " + std::to_string(entries.size()) + " jobs";
  Status written = connection_.InTransaction(what, [&]() -> Status {
    for (const JobStateEntry& entry : entries) {
      StatementResetter resetter(set_state_);
      set_state_.BindText(1, entry.job_name);
      set_state_.BindText(2, entry.key);
      set_state_.BindText(3, entry.value);
      int code = set_state_.Step();
      if (code != SQLITE_DONE) {
        return connection_.ErrorFor(code, StateWhat("cannot set", entry.job_name, entry.key));
      }
    }
    return Status::Ok();
  });
  // The transaction commits all entries or none.
  return std::vector<Status>(entries.size(), written);
}

Result<std::optional<std::string>> SqliteStore::GetJobState(const std::string& job_name,
                                                            const std::string& key) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(get_state_);
  get_state_.BindText(1, job_name);
  get_state_.BindText(2, key);

  int code = get_state_.Step();
  if (code == SQLITE_DONE) {
    return std::optional<std::string>();
  }
  if (code != SQLITE_ROW) {
    return connection_.ErrorFor(code, StateWhat("cannot read", job_name, key));
  }
  return std::optional<std::string>(get_state_.Text(0));
}

Status SqliteStore::ClearJobState(const std::string& job_name, const std::string& key) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(clear_state_);
  clear_state_.BindText(1, job_name);
  clear_state_.BindText(2, key);

  int code = clear_state_.Step();
  if (code != SQLITE_DONE) {
    return connection_.ErrorFor(code, StateWhat("cannot clear", job_name, key));
  }
  return Status::Ok();
}

Result<std::vector<RunRecord>> SqliteStore::CollectRuns(SqliteStatement& statement,
                                                        const std::string& what) {
  std::vector<RunRecord> runs;
  int code;
  while ((code = statement.Step()) == SQLITE_ROW) {
    runs.push_back(ReadRun(statement));
  }
  if (code != SQLITE_DONE) {
    return connection_.ErrorFor(code, what);
  }
  return runs;
}

}  // namespace webjobs
