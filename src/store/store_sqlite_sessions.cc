// SqliteStore: sessions of the web portal.
#include "store/sqlite_values.h"
#include "store/store_sqlite.h"

namespace webjobs {

// Kept prepared, because portal requests run them.
extern const char* const kGetSessionSql =
    "SELECT id_hash, user_name, csrf_token, created_us, last_seen_us FROM sessions "
    "WHERE id_hash = ?1";
extern const char* const kTouchSessionSql =
    "UPDATE sessions SET last_seen_us = ?2 WHERE id_hash = ?1";

namespace {

constexpr const char* kPutSessionSql =
    "INSERT OR REPLACE INTO sessions (id_hash, user_name, csrf_token, created_us, last_seen_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char* kDeleteSessionSql = "DELETE FROM sessions WHERE id_hash = ?1";
constexpr const char* kDeleteExpiredSessionsSql =
    "DELETE FROM sessions WHERE last_seen_us < ?1 OR created_us < ?2 RETURNING id_hash";
// OFFSET skips the `keep` sessions seen most recently, and LIMIT -1 means
// no limit.
constexpr const char* kDeleteLeastRecentSessionsSql =
    "DELETE FROM sessions WHERE id_hash IN ("
    "SELECT id_hash FROM sessions ORDER BY last_seen_us DESC, id_hash LIMIT -1 OFFSET ?1) "
    "RETURNING id_hash";

// Names a session in errors by the first digits of its key, which tell
// sessions apart in a log without giving away a usable value.
std::string SessionFailure(std::string_view action, const std::string& id_hash) {
  return std::string(action) + " portal session " + id_hash.substr(0, 8) + "...";
}

}  // namespace

Status SqliteStore::PutSession(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  return RunOnce(kPutSessionSql, SessionFailure("cannot save", session.id_hash),
                 [&](SqliteStatement& statement) {
                   statement.BindText(1, session.id_hash);
                   statement.BindText(2, session.user);
                   statement.BindText(3, session.csrf_token);
                   statement.BindInt64(4, ToMicros(session.created));
                   statement.BindInt64(5, ToMicros(session.last_seen));
                 });
}

Result<std::optional<SessionRecord>> SqliteStore::GetSession(const std::string& id_hash) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(get_session_);
  get_session_.BindText(1, id_hash);
  int code = get_session_.Step();
  if (code == SQLITE_DONE) return std::optional<SessionRecord>();
  if (code != SQLITE_ROW) return connection_.ErrorFor(code, SessionFailure("cannot read", id_hash));
  return std::optional<SessionRecord>(
      SessionRecord{get_session_.Text(0), get_session_.Text(1), get_session_.Text(2),
                    FromMicros(get_session_.Int64(3)), FromMicros(get_session_.Int64(4))});
}

Status SqliteStore::TouchSession(const std::string& id_hash, TimePoint last_seen) {
  std::lock_guard lock(mutex_);
  StatementResetter resetter(touch_session_);
  touch_session_.BindText(1, id_hash);
  touch_session_.BindInt64(2, ToMicros(last_seen));
  int code = touch_session_.Step();
  if (code != SQLITE_DONE) {
    return connection_.ErrorFor(code, SessionFailure("cannot record the last use of", id_hash));
  }
  return Status::Ok();
}

Result<bool> SqliteStore::DeleteSession(const std::string& id_hash) {
  std::lock_guard lock(mutex_);
  Status deleted = RunOnce(kDeleteSessionSql, SessionFailure("cannot delete", id_hash),
                           [&](SqliteStatement& statement) { statement.BindText(1, id_hash); });
  if (!deleted.ok()) return deleted.error();
  return sqlite3_changes(connection_.handle()) > 0;
}

Result<std::vector<std::string>> SqliteStore::TrimSessions(TimePoint seen_before,
                                                           TimePoint created_before, size_t keep) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> deleted;
  auto collect = [&](const SqliteStatement& row) { deleted.push_back(row.Text(0)); };
  const std::string what = "cannot delete expired portal sessions";
  Status trimmed = connection_.InTransaction(what, [&]() -> Status {
    Status expired = RunOnce(
        kDeleteExpiredSessionsSql, what,
        [&](SqliteStatement& statement) {
          statement.BindInt64(1, ToMicros(seen_before));
          statement.BindInt64(2, ToMicros(created_before));
        },
        collect);
    if (!expired.ok()) return expired;
    return RunOnce(
        kDeleteLeastRecentSessionsSql, what,
        [&](SqliteStatement& statement) { statement.BindInt64(1, ClampToInt64(keep)); }, collect);
  });
  if (!trimmed.ok()) return trimmed.error();
  return deleted;
}

}  // namespace webjobs
