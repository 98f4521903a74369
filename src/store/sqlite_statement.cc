#include "store/sqlite_statement.h"

#include <climits>

namespace webjobs {

int SqliteStatement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  // Statements are reused for the life of the connection, so they are marked
  // persistent: SQLite then allocates them from the heap, not its lookaside pool.
  int code = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  stmt_.reset(raw);
  bind_error_ = SQLITE_OK;
  if (code == SQLITE_OK && raw == nullptr) {
    return SQLITE_MISUSE;  // sql held no statement
  }
  return code;
}

void SqliteStatement::BindText(int index, std::string_view value) {
  if (value.size() > static_cast<size_t>(INT_MAX)) {
    KeepBindError(SQLITE_TOOBIG);
    return;
  }
  KeepBindError(sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()),
                                  SQLITE_TRANSIENT));
}

void SqliteStatement::BindInt64(int index, int64_t value) {
  KeepBindError(sqlite3_bind_int64(stmt_.get(), index, value));
}

void SqliteStatement::BindOptionalInt64(int index, std::optional<int64_t> value) {
  if (value.has_value()) {
    BindInt64(index, *value);
  } else {
    KeepBindError(sqlite3_bind_null(stmt_.get(), index));
  }
}

int SqliteStatement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return bind_error_;
  }
  return sqlite3_step(stmt_.get());
}

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::string SqliteStatement::Text(int column) const {
  // sqlite3_column_text must come before sqlite3_column_bytes: the first call
  // may convert the value, and the byte count is only valid after it.
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  int size = sqlite3_column_bytes(stmt_.get(), column);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

int64_t SqliteStatement::Int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

void SqliteStatement::Reset() {
  // sqlite3_reset repeats the error of the last step, which the caller has
  // already reported, so its result is ignored.
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = SQLITE_OK;
}

void SqliteStatement::KeepBindError(int code) {
  if (bind_error_ == SQLITE_OK) {
    bind_error_ = code;
  }
}

}  // namespace webjobs
