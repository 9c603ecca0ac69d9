// Migrator: brings a database to the newest schema version by applying the
// migrations (schema/NNNN_*.sql) newer than its PRAGMA user_version, each in
// its own transaction together with the user_version update.
//
// Not thread-safe; run once at open on the writer connection, before any
// other use of the database.
#pragma once

#include <span>

#include "core/status.h"
#include "store/schema_sql.h"
#include "store/sqlite_db.h"

namespace muster {

class Migrator {
 public:
  // migrations must be in ascending version order, versions >= 1.
  explicit Migrator(std::span<const Migration> migrations) : migrations_(migrations) {}

  // The version the newest migration brings a database to (0 if none).
  int latest_version() const;

  // Applies what is missing. FailedPrecondition if the database is newer
  // than the newest migration (written by a newer musterd); Internal if a
  // migration fails (the database is left at the last version that applied).
  Status Apply(SqliteDb& db) const;

 private:
  Status ApplyOne(SqliteDb& db, const Migration& migration) const;

  std::span<const Migration> migrations_;
};

}  // namespace muster
