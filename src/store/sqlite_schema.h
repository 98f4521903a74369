// The SQLite store's schema and its migrations.
//
// PRAGMA user_version contains the schema version of the file: 0 for a new
// file, N after migration N ran. Migrations run in order, each in its own
// transaction together with the user_version update, so a crash leaves the
// file at the last finished version.
#pragma once

#include "core/result.h"
#include "store/sqlite_connection.h"

namespace webjobs {

// The newest schema version this build creates and reads.
int LatestSqliteSchemaVersion();

// Brings the database of `connection` to LatestSqliteSchemaVersion().
// Returns a kIo error naming the file and both versions when the file has a
// newer version than this build supports: the file is never downgraded. Returns
// the SQLite error of a failed migration, after rolling it back.
Status MigrateSqliteSchema(SqliteConnection& connection);

}  // namespace webjobs
