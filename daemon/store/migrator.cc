#include "store/migrator.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/sqlite_transaction.h"

namespace muster {
namespace {

constexpr const char* kGetUserVersion = "PRAGMA user_version";
// PRAGMA takes no bound parameters; the version is an integer we format.
constexpr const char* kSetUserVersionFormat = "PRAGMA user_version = {}";

}  // namespace

int Migrator::latest_version() const {
  return migrations_.empty() ? 0 : migrations_.back().version;
}

Status Migrator::Apply(SqliteDb& db) const {
  auto current = db.QueryInt64(kGetUserVersion);
  if (!current.ok()) return current.status();
  if (*current > latest_version()) {
    return Status::FailedPrecondition(
        fmt::format("database schema version {} is newer than this musterd supports ({}); "
                    "upgrade musterd",
                    *current, latest_version()));
  }
  for (const Migration& migration : migrations_) {
    if (migration.version <= *current) continue;
    MUSTER_RETURN_IF_ERROR(ApplyOne(db, migration));
    spdlog::info("database {}: applied migration {}", db.path(), migration.name);
  }
  return {};
}

Status Migrator::ApplyOne(SqliteDb& db, const Migration& migration) const {
  // IMMEDIATE: two daemons starting on one file must not both migrate.
  auto txn = SqliteTransaction::Begin(db, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  // Another process may have migrated while we waited for the lock.
  auto current = db.QueryInt64(kGetUserVersion);
  if (!current.ok()) return current.status();
  if (*current >= migration.version) return {};
  Status st = db.Exec(migration.sql);
  if (st.ok()) st = db.Exec(fmt::format(kSetUserVersionFormat, migration.version).c_str());
  if (st.ok()) st = txn->Commit();
  if (!st.ok()) {
    return Status::Internal(fmt::format("migration {} failed: {}", migration.name, st.message()));
  }
  return {};
}

}  // namespace muster
