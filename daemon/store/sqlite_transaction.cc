#include "store/sqlite_transaction.h"

#include <spdlog/spdlog.h>

namespace muster {
namespace {

constexpr const char* kBeginDeferred = "BEGIN";
constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";

void LogFailedRollback(const Status& st) {
  if (!st.ok()) spdlog::error("rolling back an abandoned transaction: {}", st.ToString());
}

}  // namespace

Result<SqliteTransaction> SqliteTransaction::Begin(SqliteDb& db, Kind kind) {
  SqliteTransaction txn(db, "");
  Status st = txn.Run(kind == Kind::kImmediate ? kBeginImmediate : kBeginDeferred);
  if (!st.ok()) {
    txn.db_ = nullptr;  // nothing to roll back
    return st;
  }
  return txn;
}

Result<SqliteTransaction> SqliteTransaction::Savepoint(SqliteDb& db, const char* name) {
  SqliteTransaction txn(db, name);
  Status st = txn.Run("SAVEPOINT " + txn.savepoint_);
  if (!st.ok()) {
    txn.db_ = nullptr;
    return st;
  }
  return txn;
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : db_(other.db_), savepoint_(std::move(other.savepoint_)) {
  other.db_ = nullptr;
}

SqliteTransaction& SqliteTransaction::operator=(SqliteTransaction&& other) noexcept {
  if (this != &other) {
    // The transaction replaced is abandoned, as by the destructor.
    LogFailedRollback(Rollback());
    db_ = other.db_;
    savepoint_ = std::move(other.savepoint_);
    other.db_ = nullptr;
  }
  return *this;
}

SqliteTransaction::~SqliteTransaction() {
  // Dropped while open: the work is undone; a destructor can only log a
  // rollback that fails.
  LogFailedRollback(Rollback());
}

Status SqliteTransaction::Commit() {
  if (db_ == nullptr) return Status::Internal("commit of a finished transaction");
  MUSTER_RETURN_IF_ERROR(Run(savepoint_.empty() ? kCommit : "RELEASE " + savepoint_));
  db_ = nullptr;
  return {};
}

Status SqliteTransaction::Rollback() {
  if (db_ == nullptr) return {};
  Status st;
  if (savepoint_.empty()) {
    // An I/O error can already have ended the transaction; rolling back
    // then would fail with "no transaction is active".
    if (db_->InTransaction()) st = Run(kRollback);
  } else {
    // ROLLBACK TO leaves the savepoint open; RELEASE closes it.
    st = Run("ROLLBACK TO " + savepoint_);
    if (st.ok()) st = Run("RELEASE " + savepoint_);
  }
  db_ = nullptr;
  return st;
}

Status SqliteTransaction::Run(const std::string& sql) {
  // Cached on the connection: imports open a savepoint per chunk.
  auto statement = db_->Prepare(sql);
  if (!statement.ok()) return statement.status();
  return (*statement)->Run();
}

}  // namespace muster
