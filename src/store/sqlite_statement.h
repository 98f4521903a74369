// A prepared SQLite statement, kept for the life of its connection.
//
// The wrapper only owns the sqlite3_stmt and passes SQLite result codes
// through. The caller turns a failed code into an Error, because only the
// caller knows the job, run and file involved. Not thread-safe: the owner of
// the connection serializes every use.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace webjobs {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(SqliteStatement&&) = default;
  SqliteStatement& operator=(SqliteStatement&&) = default;

  // Compiles `sql` for `db`, replacing any statement held before. Returns
  // SQLITE_OK, or the error code, which sqlite3_errmsg(db) explains.
  int Prepare(sqlite3* db, std::string_view sql);

  // Bind a value to parameter `index` (the first is 1). Values are copied.
  // A failed bind is kept and returned by the next Step().
  void BindText(int index, std::string_view value);
  void BindInt64(int index, int64_t value);
  void BindOptionalInt64(int index, std::optional<int64_t> value);

  // Runs the statement to its next row. Returns SQLITE_ROW, SQLITE_DONE or
  // an error code.
  int Step();

  // Read column `column` (the first is 0) of the current row. Text() returns
  // "" for NULL and keeps embedded NUL bytes.
  bool IsNull(int column) const;
  std::string Text(int column) const;
  int64_t Int64(int column) const;

  // Rewinds the statement and clears its bindings. A statement left in the
  // middle of its rows keeps a read transaction open, which stops WAL
  // checkpoints from finishing, so every use must end with a reset.
  void Reset();

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };

  void KeepBindError(int code);

  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  int bind_error_ = SQLITE_OK;
};

// Resets a statement when the scope ends, on every return path.
class StatementResetter {
 public:
  explicit StatementResetter(SqliteStatement& statement) : statement_(statement) {}
  ~StatementResetter() { statement_.Reset(); }
  StatementResetter(const StatementResetter&) = delete;
  StatementResetter& operator=(const StatementResetter&) = delete;

 private:
  SqliteStatement& statement_;
};

}  // namespace webjobs
