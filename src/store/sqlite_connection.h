// One open SQLite connection, with the path of its file for error messages.
//
// Open sets what every connection of the store needs: WAL journal,
// synchronous=NORMAL, foreign keys on and a busy timeout of 5000 ms, so a
// write waits up to 5 s for another process's write lock before it fails
// with "database is locked". Not thread-safe: the owner serializes calls.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/sqlite_statement.h"

namespace webjobs {

class SqliteConnection {
 public:
  // Opens `db_file`, creating an empty file when it is missing. The parent
  // directory must exist: Open never creates directories. Returns a kIo
  // error naming the file when the directory is missing, the file cannot be
  // opened, or the file is not a SQLite database (that shows at the first
  // pragma, because SQLite reads the file lazily).
  static Result<SqliteConnection> Open(const std::filesystem::path& db_file);

  SqliteConnection(SqliteConnection&&) = default;
  SqliteConnection& operator=(SqliteConnection&&) = default;

  sqlite3* handle() const { return db_.get(); }
  const std::filesystem::path& path() const { return path_; }

  // Builds the error for a SQLite call that returned `code` while doing
  // `what`: "store: <what> in <path>: <sqlite message>", plus a hint for
  // the codes a user can fix. File, lock and disk faults are kIo. Other
  // codes, such as bad SQL, constraint failures and misuse, are kInternal.
  Error ErrorFor(int code, std::string_view what) const;

  // Runs `sql`, which may hold several statements and whose rows are
  // ignored. Returns ErrorFor(code, what) on failure.
  Status Exec(const char* sql, std::string_view what);

  // Returns the first column of the first row of `sql` as text ("" when the
  // query returns no row or NULL).
  Result<std::string> QueryText(const char* sql, std::string_view what);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT. BEGIN IMMEDIATE takes the
  // write lock up front, so the busy timeout applies to it and the
  // transaction cannot fail later on a read-to-write upgrade. Rolls back and
  // returns the error when `body` or COMMIT fails.
  Status InTransaction(std::string_view what, const std::function<Status()>& body);

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  SqliteConnection(std::unique_ptr<sqlite3, Closer> db, std::filesystem::path path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Status Configure();

  std::unique_ptr<sqlite3, Closer> db_;
  std::filesystem::path path_;
};

}  // namespace webjobs
