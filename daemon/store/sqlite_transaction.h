// SqliteTransaction: a transaction or savepoint on one connection that rolls
// back when it goes out of scope unless Commit() succeeded.
//
// Not thread-safe: used under the lock that guards its connection. Movable,
// so a transaction can be handed to an ImportSession.
#pragma once

#include <string>

#include "core/status.h"
#include "store/sqlite_db.h"

namespace muster {

class SqliteTransaction {
 public:
  enum class Kind {
    kDeferred,   // BEGIN: for reads, a consistent snapshot
    kImmediate,  // BEGIN IMMEDIATE: for writes, takes the write lock up front
  };

  static Result<SqliteTransaction> Begin(SqliteDb& db, Kind kind);
  // SAVEPOINT name, nested in whatever is open (or starting a transaction
  // if nothing is). name must be a constant SQL identifier.
  static Result<SqliteTransaction> Savepoint(SqliteDb& db, const char* name);

  SqliteTransaction(SqliteTransaction&& other) noexcept;
  // Rolls back what this one had open, then takes other's.
  SqliteTransaction& operator=(SqliteTransaction&& other) noexcept;
  SqliteTransaction(const SqliteTransaction&) = delete;
  ~SqliteTransaction();  // Rollback() if still open

  // COMMIT, or RELEASE for a savepoint. After an error the transaction is
  // still open and the destructor rolls it back.
  Status Commit();
  // ROLLBACK, or ROLLBACK TO + RELEASE for a savepoint (undoing only what was
  // done since the savepoint). Does nothing if already finished.
  Status Rollback();
  bool open() const { return db_ != nullptr; }

 private:
  SqliteTransaction(SqliteDb& db, std::string savepoint)
      : db_(&db), savepoint_(std::move(savepoint)) {}
  Status Run(const std::string& sql);

  SqliteDb* db_;           // null once finished
  std::string savepoint_;  // empty for a whole transaction
};

}  // namespace muster
