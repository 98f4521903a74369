#include "store/sqlite_connection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace webjobs {
namespace {

constexpr int kBusyTimeoutMs = 5000;

bool IsFileFault(int code) {
  switch (code & 0xff) {  // the primary code, without the extended bits
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return true;
    default:
      return false;
  }
}

const char* HintFor(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "; another process held the database lock for over 5 s, so check for a second "
             "webjobs host using the same file";
    case SQLITE_FULL:
      return "; free disk space";
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "; check that this user can write the file and its directory";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "; restore the file from a backup, or move it away to start with an empty history";
    default:
      return "";
  }
}

// Checks the parent directory first, because SQLite reports a missing one
// only as "unable to open database file".
Status CheckParentDirectory(const std::filesystem::path& db_file) {
  std::filesystem::path directory = db_file.parent_path();
  if (directory.empty()) {
    directory = ".";
  }
  std::error_code error;
  if (std::filesystem::is_directory(directory, error)) {
    return Status::Ok();
  }
  return IoError("store: cannot open database " + db_file.string() + ": directory " +
                 directory.string() + " does not exist or is not a directory; create it first");
}

// Creates `file` if missing and makes it readable and writable only by its
// owner, because the store contains password and token hashes and the audit log.
// SQLite gives the -wal and -shm files it creates the mode of the database.
Status RestrictToOwner(const std::filesystem::path& file, bool create) {
  if (create) {
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return IoError("store: cannot create database " + file.string() + ": " +
                     std::strerror(errno) + "; check the permissions of its directory");
    }
    ::close(fd);
  }
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    if (errno == ENOENT && !create) return Status::Ok();
    return IoError("store: cannot read the mode of " + file.string() + ": " + std::strerror(errno));
  }
  if ((info.st_mode & 0077) == 0) return Status::Ok();
  if (::chmod(file.c_str(), info.st_mode & 0700) != 0) {
    return IoError("store: cannot restrict " + file.string() + " to its owner (mode 0600): " +
                   std::strerror(errno) + "; run the host as the file's owner or chmod it");
  }
  return Status::Ok();
}

}  // namespace

Result<SqliteConnection> SqliteConnection::Open(const std::filesystem::path& db_file) {
  if (Status status = CheckParentDirectory(db_file); !status.ok()) {
    return status.error();
  }

  if (db_file != ":memory:") {
    if (Status status = RestrictToOwner(db_file, true); !status.ok()) return status.error();
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      std::filesystem::path companion = db_file;
      companion += suffix;
      if (Status status = RestrictToOwner(companion, false); !status.ok()) return status.error();
    }
  }

  sqlite3* raw = nullptr;
  int code =
      sqlite3_open_v2(db_file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  // sqlite3_open_v2 returns a handle even on failure, and it must be closed.
  SqliteConnection connection(std::unique_ptr<sqlite3, Closer>(raw), db_file);
  if (code != SQLITE_OK) {
    if (raw == nullptr) {
      return IoError("store: cannot open database " + db_file.string() + ": out of memory");
    }
    return connection.ErrorFor(code, "cannot open database");
  }
  if (Status status = connection.Configure(); !status.ok()) {
    return status.error();
  }
  return connection;
}

Status SqliteConnection::Configure() {
  sqlite3_extended_result_codes(db_.get(), 1);
  int code = sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  if (code != SQLITE_OK) {
    return ErrorFor(code, "cannot set the busy timeout");
  }

  // SQLite reads the file lazily, so this first query is where a file that
  // is not a database fails.
  Result<std::string> schema = QueryText("PRAGMA schema_version", "cannot read the database");
  if (!schema.ok()) {
    return schema.error();
  }

  Result<std::string> mode = QueryText("PRAGMA journal_mode=WAL", "cannot enable WAL journal mode");
  if (!mode.ok()) {
    return mode.error();
  }
  if (*mode != "wal") {
    return IoError("store: cannot use WAL journal mode for " + path_.string() +
                   ": SQLite kept mode " + *mode + "; put the database on a local file system");
  }
  return Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
              "cannot set synchronous=NORMAL and foreign_keys=ON");
}

Error SqliteConnection::ErrorFor(int code, std::string_view what) const {
  // sqlite3_errmsg describes the last failed call on this connection. A code
  // that did not come from a call on it (a bind size check) gets the generic text.
  const char* detail = (sqlite3_extended_errcode(db_.get()) & 0xff) == (code & 0xff)
                           ? sqlite3_errmsg(db_.get())
                           : sqlite3_errstr(code);
  std::string message =
      "store: " + std::string(what) + " in " + path_.string() + ": " + detail + HintFor(code);
  return IsFileFault(code) ? IoError(std::move(message)) : InternalError(std::move(message));
}

Status SqliteConnection::Exec(const char* sql, std::string_view what) {
  int code = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) {
    return ErrorFor(code, what);
  }
  return Status::Ok();
}

Result<std::string> SqliteConnection::QueryText(const char* sql, std::string_view what) {
  SqliteStatement statement;
  int code = statement.Prepare(db_.get(), sql);
  if (code != SQLITE_OK) {
    return ErrorFor(code, what);
  }

  code = statement.Step();
  if (code == SQLITE_DONE) {
    return std::string();
  }
  if (code != SQLITE_ROW) {
    return ErrorFor(code, what);
  }
  return statement.Text(0);
}

Status SqliteConnection::InTransaction(std::string_view what, const std::function<Status()>& body) {
  if (Status status = Exec("BEGIN IMMEDIATE", what); !status.ok()) {
    return status;
  }

  Status status = body();
  if (status.ok()) {
    status = Exec("COMMIT", what);
  }
  // SQLite rolls back by itself after some faults (disk full, I/O error), and
  // a second ROLLBACK would fail, so roll back only while a transaction is open.
  if (!status.ok() && sqlite3_get_autocommit(db_.get()) == 0) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

}  // namespace webjobs
