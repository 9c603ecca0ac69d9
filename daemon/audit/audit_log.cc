#include "audit/audit_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "auth/tokens.h"
#include "store/migrator.h"
#include "store/schema_sql.h"
#include "store/sqlite_db.h"
#include "store/sqlite_transaction.h"

namespace muster {
namespace {

const std::string kGenesisHash(64, '0');

constexpr const char* kSelectColumns =
    "SELECT id, at_ms, actor, action, target, outcome, request_id, prev_hash, hash "
    "FROM audit_log ";

AuditEntry ReadRow(const SqliteStatement& s) {
  AuditEntry e;
  e.id = s.ColumnInt64(0);
  e.at_ms = s.ColumnInt64(1);
  e.actor = s.ColumnText(2);
  e.action = s.ColumnText(3);
  e.target = s.ColumnText(4);
  e.outcome = s.ColumnText(5);
  e.request_id = s.ColumnText(6);
  e.prev_hash = s.ColumnText(7);
  e.hash = s.ColumnText(8);
  return e;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AuditLog::AuditLog(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& db_path) {
  SqliteDbOptions options;
  options.cache_size_kib = 2 * 1024;  // small: the audit log is appended, rarely read
  options.mmap_size = 0;
  auto db = SqliteDb::Open(db_path, options);
  if (!db.ok()) return db.status();
  MUSTER_RETURN_IF_ERROR(Migrator(SchemaMigrations()).Apply(**db));
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(db).value()));
}

// Canonical form: every field length-prefixed, so no two different rows
// serialise alike ("ab"+"c" vs "a"+"bc").
std::string AuditLog::ChainHash(const AuditEntry& e, const std::string& prev_hash) {
  std::string text = "muster-audit-v1\n" + prev_hash + "\n";
  auto field = [&text](std::string_view value) {
    text += fmt::format("{}:", value.size());
    text += value;
    text += '\n';
  };
  field(std::to_string(e.id));
  field(std::to_string(e.at_ms));
  field(e.actor);
  field(e.action);
  field(e.target);
  field(e.outcome);
  field(e.request_id);
  return auth::Sha256Hex(text);
}

Result<AuditEntry> AuditLog::Append(AuditEntry entry) {
  if (entry.at_ms == 0) entry.at_ms = NowMs();
  std::lock_guard lock(mu_);
  // IMMEDIATE: another process appending to the same file waits for us.
  auto txn = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  auto last = db_->Prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last.ok()) return last.status();
  {
    SqliteStatement::AutoReset reset(**last);
    auto row = (*last)->Step();
    if (!row.ok()) return row.status();
    entry.id = *row ? (*last)->ColumnInt64(0) + 1 : 1;
    entry.prev_hash = *row ? (*last)->ColumnText(1) : kGenesisHash;
  }
  entry.hash = ChainHash(entry, entry.prev_hash);
  auto insert = db_->Prepare(
      "INSERT INTO audit_log (id, at_ms, actor, action, target, outcome, request_id, prev_hash, "
      "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return insert.status();
  SqliteStatement& s = **insert;
  s.BindInt64(1, entry.id);
  s.BindInt64(2, entry.at_ms);
  s.BindText(3, entry.actor);
  s.BindText(4, entry.action);
  s.BindText(5, entry.target);
  s.BindText(6, entry.outcome);
  s.BindText(7, entry.request_id);
  s.BindText(8, entry.prev_hash);
  s.BindText(9, entry.hash);
  MUSTER_RETURN_IF_ERROR(s.Run());
  MUSTER_RETURN_IF_ERROR(txn->Commit());
  return entry;
}

Result<std::vector<AuditEntry>> AuditLog::List(const AuditFilter& filter) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(std::string(kSelectColumns) +
                           "WHERE id > ?1 AND at_ms >= ?2 AND (?3 = '' OR actor = ?3) "
                           "AND (?4 = '' OR action = ?4 OR "
                           "(substr(?4, -1) = '/' AND substr(action, 1, length(?4)) = ?4)) "
                           "ORDER BY id LIMIT ?5");
  if (!stmt.ok()) return stmt.status();
  SqliteStatement& s = **stmt;
  SqliteStatement::AutoReset reset(s);
  s.BindInt64(1, filter.after_id);
  s.BindInt64(2, filter.since_ms);
  s.BindText(3, filter.actor);
  s.BindText(4, filter.action);
  s.BindInt64(5, std::clamp(filter.limit, 1, 1000));
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadRow(s));
  }
  return out;
}

Result<AuditVerification> AuditLog::Verify() {
  std::lock_guard lock(mu_);
  // One read transaction: a consistent snapshot while appends go on.
  auto txn = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  auto stmt = db_->Prepare(std::string(kSelectColumns) + "ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  SqliteStatement& s = **stmt;
  SqliteStatement::AutoReset reset(s);
  AuditVerification v;
  std::string prev = kGenesisHash;
  auto fail = [&v](int64_t id, std::string problem) {
    v.ok = false;
    v.first_bad_id = id;
    v.problem = fmt::format("row {}: {}", id, problem);
  };
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    AuditEntry e = ReadRow(s);
    ++v.rows_checked;
    if (e.prev_hash != prev) {
      fail(e.id,
           "its prev_hash does not match the previous row's hash "
           "(a row before it was deleted, inserted or changed)");
      break;
    }
    if (AuditLog::ChainHash(e, prev) != e.hash) {
      fail(e.id, "its hash does not match its fields (the row was changed)");
      break;
    }
    prev = e.hash;
  }
  return v;
}

}  // namespace muster
