// SqliteStore: users, API tokens and the audit log.
#include "core/log.h"
#include "store/sqlite_values.h"
#include "store/store_sqlite.h"

namespace webjobs {

// Kept prepared, because every authenticated request runs them.
extern const char* const kGetUserSql =
    "SELECT name, password_hash, role, created_us, updated_us FROM users WHERE name = ?1";
extern const char* const kGetTokenSql =
    "SELECT id, user_name, label, scope, secret_hash, created_us FROM tokens WHERE id = ?1";
extern const char* const kAppendAuditSql =
    "INSERT INTO audit (time_us, actor, address, action, target, status) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

namespace {

constexpr const char* kPutUserSql =
    "INSERT INTO users (name, password_hash, role, created_us, updated_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
    "password_hash = excluded.password_hash, role = excluded.role, "
    "updated_us = excluded.updated_us";
constexpr const char* kAddFirstUserSql =
    "INSERT INTO users (name, password_hash, role, created_us, updated_us) "
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM users)";
constexpr const char* kListUsersSql =
    "SELECT name, password_hash, role, created_us, updated_us FROM users ORDER BY name";
constexpr const char* kDeleteUserTokensSql = "DELETE FROM tokens WHERE user_name = ?1";
constexpr const char* kDeleteUserSessionsSql = "DELETE FROM sessions WHERE user_name = ?1";
// Runs before the user is saved: ends the sessions that began with another
// password hash, which includes those of a removed user of the same name.
constexpr const char* kDeleteSessionsOfOtherPasswordSql =
    "DELETE FROM sessions WHERE user_name = ?1 AND NOT EXISTS ("
    "SELECT 1 FROM users WHERE name = ?1 AND password_hash = ?2)";
constexpr const char* kDeleteUserSql = "DELETE FROM users WHERE name = ?1";
constexpr const char* kPutTokenSql =
    "INSERT OR REPLACE INTO tokens (id, user_name, label, scope, secret_hash, created_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kListTokensSql =
    "SELECT id, user_name, label, scope, secret_hash, created_us FROM tokens "
    "ORDER BY created_us, id";
constexpr const char* kDeleteTokenSql = "DELETE FROM tokens WHERE id = ?1";
constexpr const char* kTrimAuditSql = "DELETE FROM audit WHERE id <= ?1";
constexpr const char* kListAuditSql =
    "SELECT id, time_us, actor, address, action, target, status FROM audit "
    "WHERE id < ?1 ORDER BY id DESC LIMIT ?2";

// The audit log is trimmed once per this many appends.
constexpr int64_t kAuditTrimInterval = 1000;

UserRecord ReadUser(const SqliteStatement& row) {
  return UserRecord{row.Text(0), row.Text(1), row.Text(2), FromMicros(row.Int64(3)),
                    FromMicros(row.Int64(4))};
}

TokenRecord ReadToken(const SqliteStatement& row) {
  return TokenRecord{row.Text(0), row.Text(1), row.Text(2),
                     row.Text(3), row.Text(4), FromMicros(row.Int64(5))};
}

void BindUser(SqliteStatement& statement, const UserRecord& user) {
  statement.BindText(1, user.name);
  statement.BindText(2, user.password_hash);
  statement.BindText(3, user.role);
  statement.BindInt64(4, ToMicros(user.created));
  statement.BindInt64(5, ToMicros(user.updated));
}

std::string UserWhat(std::string_view action, const std::string& name) {
  return std::string(action) + " user " + Quote(name);
}

std::string TokenWhat(std::string_view action, const std::string& id) {
  return std::string(action) + " API token " + id;
}

}  // namespace

Status SqliteStore::RunOnce(const char* sql, const std::string& what,
                            const std::function<void(SqliteStatement&)>& bind,
                            const std::function<void(const SqliteStatement&)>& row) {
  SqliteStatement statement;
  int code = statement.Prepare(connection_.handle(), sql);
  if (code != SQLITE_OK) return connection_.ErrorFor(code, what);
  StatementResetter resetter(statement);
  if (bind) bind(statement);
  while ((code = statement.Step()) == SQLITE_ROW) {
    if (row) row(statement);
  }
  if (code != SQLITE_DONE) return connection_.ErrorFor(code, what);
  return Status::Ok();
}

Status SqliteStore::PutUser(const UserRecord& user) {
  std::lock_guard lock(mutex_);
  ++credential_changes_;
  std::string what = UserWhat("cannot save", user.name);
  return connection_.InTransaction(what, [&]() -> Status {
    Status sessions =
        RunOnce(kDeleteSessionsOfOtherPasswordSql, what, [&](SqliteStatement& statement) {
          statement.BindText(1, user.name);
          statement.BindText(2, user.password_hash);
        });
    if (!sessions.ok()) return sessions;
    return RunOnce(kPutUserSql, what,
                   [&](SqliteStatement& statement) { BindUser(statement, user); });
  });
}

Result<bool> SqliteStore::AddFirstUser(const UserRecord& user) {
  std::lock_guard lock(mutex_);
  ++credential_changes_;
  Status added = RunOnce(kAddFirstUserSql, UserWhat("cannot add the first", user.name),
                         [&](SqliteStatement& statement) { BindUser(statement, user); });
  if (!added.ok()) return added.error();
  return sqlite3_changes(connection_.handle()) > 0;
}

Result<std::optional<UserRecord>> SqliteStore::GetUser(const std::string& name) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(get_user_);
  get_user_.BindText(1, name);
  int code = get_user_.Step();
  if (code == SQLITE_DONE) return std::optional<UserRecord>();
  if (code != SQLITE_ROW) return connection_.ErrorFor(code, UserWhat("cannot read", name));
  return std::optional<UserRecord>(ReadUser(get_user_));
}

Result<std::vector<UserRecord>> SqliteStore::ListUsers() {
  std::lock_guard lock(mutex_);
  std::vector<UserRecord> users;
  Status listed = RunOnce(kListUsersSql, "cannot list users", nullptr,
                          [&](const SqliteStatement& row) { users.push_back(ReadUser(row)); });
  if (!listed.ok()) return listed.error();
  return users;
}

Result<bool> SqliteStore::DeleteUser(const std::string& name) {
  std::lock_guard lock(mutex_);
  ++credential_changes_;
  bool existed = false;
  std::string what = UserWhat("cannot delete", name) + " and its tokens and sessions";
  Status deleted = connection_.InTransaction(what, [&]() -> Status {
    auto bind_name = [&](SqliteStatement& statement) { statement.BindText(1, name); };
    if (Status tokens = RunOnce(kDeleteUserTokensSql, what, bind_name); !tokens.ok()) {
      return tokens;
    }
    if (Status sessions = RunOnce(kDeleteUserSessionsSql, what, bind_name); !sessions.ok()) {
      return sessions;
    }
    Status user = RunOnce(kDeleteUserSql, what, bind_name);
    existed = user.ok() && sqlite3_changes(connection_.handle()) > 0;
    return user;
  });
  if (!deleted.ok()) return deleted.error();
  return existed;
}

Status SqliteStore::PutToken(const TokenRecord& token) {
  std::lock_guard lock(mutex_);
  ++credential_changes_;
  return RunOnce(kPutTokenSql, TokenWhat("cannot save", token.id), [&](SqliteStatement& statement) {
    statement.BindText(1, token.id);
    statement.BindText(2, token.user);
    statement.BindText(3, token.label);
    statement.BindText(4, token.scope);
    statement.BindText(5, token.secret_hash);
    statement.BindInt64(6, ToMicros(token.created));
  });
}

Result<std::optional<TokenRecord>> SqliteStore::GetToken(const std::string& id) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(get_token_);
  get_token_.BindText(1, id);
  int code = get_token_.Step();
  if (code == SQLITE_DONE) return std::optional<TokenRecord>();
  if (code != SQLITE_ROW) return connection_.ErrorFor(code, TokenWhat("cannot read", id));
  return std::optional<TokenRecord>(ReadToken(get_token_));
}

Result<uint64_t> SqliteStore::CredentialsVersion() {
  std::lock_guard lock(mutex_);
  // data_version changes when another connection, in this process or
  // another, commits a change to the database file.
  StatementResetter resetter(data_version_);
  int code = data_version_.Step();
  if (code != SQLITE_ROW) return connection_.ErrorFor(code, "cannot read the data version");
  auto external = static_cast<uint64_t>(data_version_.Int64(0));
  return (credential_changes_ << 32) ^ external;
}

Result<std::vector<TokenRecord>> SqliteStore::ListTokens() {
  std::lock_guard lock(mutex_);
  std::vector<TokenRecord> tokens;
  Status listed = RunOnce(kListTokensSql, "cannot list API tokens", nullptr,
                          [&](const SqliteStatement& row) { tokens.push_back(ReadToken(row)); });
  if (!listed.ok()) return listed.error();
  return tokens;
}

Result<bool> SqliteStore::DeleteToken(const std::string& id) {
  std::lock_guard lock(mutex_);
  ++credential_changes_;
  Status deleted = RunOnce(kDeleteTokenSql, TokenWhat("cannot delete", id),
                           [&](SqliteStatement& statement) { statement.BindText(1, id); });
  if (!deleted.ok()) return deleted.error();
  return sqlite3_changes(connection_.handle()) > 0;
}

Status SqliteStore::AppendAudit(const AuditRecord& record) {
  std::lock_guard lock(mutex_);
  std::string what = "cannot append " + Quote(record.action) + " to the audit log";
  {
    StatementResetter resetter(append_audit_);
    append_audit_.BindInt64(1, ToMicros(record.time));
    append_audit_.BindText(2, record.actor);
    append_audit_.BindText(3, record.address);
    append_audit_.BindText(4, record.action);
    append_audit_.BindText(5, record.target);
    append_audit_.BindInt64(6, record.status);
    int code = append_audit_.Step();
    if (code != SQLITE_DONE) return connection_.ErrorFor(code, what);
  }
  if (++audit_appends_ % kAuditTrimInterval != 0) return Status::Ok();
  int64_t newest = sqlite3_last_insert_rowid(connection_.handle());
  return RunOnce(kTrimAuditSql, "cannot trim the audit log", [&](SqliteStatement& statement) {
    statement.BindInt64(1, newest - kAuditRetention);
  });
}

Result<std::vector<AuditRecord>> SqliteStore::ListAudit(size_t limit,
                                                        std::optional<int64_t> before_id) {
  std::lock_guard lock(mutex_);
  std::vector<AuditRecord> records;
  Status listed = RunOnce(
      kListAuditSql, "cannot list the audit log",
      [&](SqliteStatement& statement) {
        statement.BindInt64(1, before_id.value_or(std::numeric_limits<int64_t>::max()));
        statement.BindInt64(2, ClampToInt64(limit));
      },
      [&](const SqliteStatement& row) {
        records.push_back(AuditRecord{row.Int64(0), FromMicros(row.Int64(1)), row.Text(2),
                                      row.Text(3), row.Text(4), row.Text(5),
                                      static_cast<int>(row.Int64(6))});
      });
  if (!listed.ok()) return listed.error();
  return records;
}

}  // namespace webjobs
