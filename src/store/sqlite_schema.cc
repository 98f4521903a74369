#include "store/sqlite_schema.h"

#include <charconv>
#include <string>

namespace webjobs {
namespace {

// kMigrations[i] takes the schema from version i to version i + 1. Append
// new steps. Never edit a step that has shipped, because files already past
// it will not run it again.
constexpr const char* kMigrations[] = {
    // Version 1: run history and per-job state. Times are integer
    // microseconds since the Unix epoch (UTC). The primary key index of runs,
    // scanned backwards, serves the newest-first listing of one job, because
    // run ids sort chronologically.
    R"sql(
CREATE TABLE runs (
  job_name TEXT NOT NULL,
  run_id TEXT NOT NULL,
  status TEXT NOT NULL,
  "trigger" TEXT NOT NULL,
  arguments TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  start_time_us INTEGER NOT NULL,
  end_time_us INTEGER,
  exit_code INTEGER,
  error TEXT NOT NULL,
  pid INTEGER,
  PRIMARY KEY (job_name, run_id)
);
CREATE INDEX runs_by_status ON runs (status, job_name, run_id DESC);
CREATE TABLE job_state (
  job_name TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_name, key)
);
)sql",
    // Version 2: users, API tokens and the audit log.
    R"sql(
CREATE TABLE users (
  name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  updated_us INTEGER NOT NULL
);
CREATE TABLE tokens (
  id TEXT NOT NULL PRIMARY KEY,
  user_name TEXT NOT NULL COLLATE NOCASE,
  label TEXT NOT NULL,
  scope TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_us INTEGER NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_name);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  status INTEGER NOT NULL
);
)sql",
    // Version 3: history queries filtered by start time (since, until)
    // read one job's range of start times instead of scanning its runs.
    R"sql(
CREATE INDEX runs_by_job_start ON runs (job_name, start_time_us);
)sql",
    // Version 4: portal sessions, so that they survive a host restart. The
    // key is the SHA-256 of the session id, never the id. Trimming reads
    // the sessions by last use.
    R"sql(
CREATE TABLE sessions (
  id_hash TEXT NOT NULL PRIMARY KEY,
  user_name TEXT NOT NULL COLLATE NOCASE,
  csrf_token TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_name);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_us);
)sql",
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

Result<int> ReadUserVersion(SqliteConnection& connection) {
  Result<std::string> text =
      connection.QueryText("PRAGMA user_version", "cannot read the schema version");
  if (!text.ok()) {
    return text.error();
  }

  int version = 0;
  const char* end = text->data() + text->size();
  auto [stop, error] = std::from_chars(text->data(), end, version);
  if (error != std::errc() || stop != end || version < 0) {
    return IoError("store: database " + connection.path().string() + " has schema version " +
                   *text + ", which no webjobs build writes; the file belongs to another program");
  }
  return version;
}

Error NewerVersionError(const SqliteConnection& connection, int version) {
  return IoError("store: database " + connection.path().string() + " has schema version " +
                 std::to_string(version) + ", but this webjobs build supports versions up to " +
                 std::to_string(kLatestVersion) +
                 "; run a newer webjobs build, or restore a backup made by this one");
}

// Runs the migration after `version` and records version + 1.
Status ApplyMigration(SqliteConnection& connection, int version) {
  std::string what = "cannot migrate the schema from version " + std::to_string(version) + " to " +
                     std::to_string(version + 1);
  if (Status status = connection.Exec(kMigrations[version], what); !status.ok()) {
    return status;
  }

  std::string set_version = "PRAGMA user_version = " + std::to_string(version + 1);
  return connection.Exec(set_version.c_str(), what);
}

}  // namespace

int LatestSqliteSchemaVersion() { return kLatestVersion; }

Status MigrateSqliteSchema(SqliteConnection& connection) {
  bool current = false;
  while (!current) {
    // The version is read inside the write transaction, so two processes
    // opening a new file at once cannot both run the same migration.
    Status status = connection.InTransaction("cannot migrate the schema", [&]() -> Status {
      Result<int> version = ReadUserVersion(connection);
      if (!version.ok()) {
        return version.error();
      }
      if (*version > kLatestVersion) {
        return NewerVersionError(connection, *version);
      }
      if (*version == kLatestVersion) {
        current = true;
        return Status::Ok();
      }
      return ApplyMigration(connection, *version);
    });
    if (!status.ok()) {
      return status;
    }
  }
  return Status::Ok();
}

}  // namespace webjobs
