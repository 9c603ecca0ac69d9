// AuditLog: the tamper-evident record of who did what. Rows live in the
// audit_log table (schema/0004_audit.sql) of the daemon's database and form
// a hash chain; Verify() finds the first row that does not fit.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace muster {

class SqliteDb;

struct AuditEntry {
  int64_t id = 0;       // assigned by Append
  int64_t at_ms = 0;    // Unix ms; 0 = now (Append fills it)
  std::string actor;    // token name, certificate CN, "local", "dispatcher"
  std::string action;   // "RosterService/UpsertReservist", "activation/stood_down"
  std::string target;   // ids and keys; never contact data
  std::string outcome;  // "OK", "PERMISSION_DENIED", ...
  std::string request_id;
  std::string prev_hash;  // filled by Append
  std::string hash;       // filled by Append
};

struct AuditFilter {
  int64_t since_ms = 0;  // rows at or after; 0 = all
  std::string actor;     // exact; "" = any
  std::string action;    // exact, or a prefix when it ends in '/'; "" = any
  int64_t after_id = 0;  // paging: rows with id > after_id
  int limit = 100;       // at most this many (1..1000)
};

struct AuditVerification {
  bool ok = true;
  int64_t rows_checked = 0;
  int64_t first_bad_id = 0;  // 0 when ok
  std::string problem;       // e.g. "row 7: hash does not match its fields"
};

class AuditLog {
 public:
  // Opens its own connection to the database at db_path (busy timeout 5 s)
  // and applies the schema migrations if the database is older.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& db_path);
  ~AuditLog();

  // Appends entry (at_ms = now when 0), chaining it to the last row.
  // Thread-safe; appends are serialised so the chain is linear, also across
  // processes (an IMMEDIATE transaction reads the last hash).
  Result<AuditEntry> Append(AuditEntry entry);

  // Rows matching filter, oldest first.
  Result<std::vector<AuditEntry>> List(const AuditFilter& filter);

  // Walks the whole chain from the first row.
  Result<AuditVerification> Verify();

  // The hash of a row given the previous row's hash (exposed for tests).
  static std::string ChainHash(const AuditEntry& entry, const std::string& prev_hash);

 private:
  explicit AuditLog(std::unique_ptr<SqliteDb> db);
  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace muster
