// AuditLog: the tamper-evident record of who did what. Rows live in the
// audit_log table (schema/0004_audit.sql) of the daemon's database and form
// a hash chain; Verify() finds the first row that does not fit.
//
// A chain alone cannot show rows cut off its end (deleting the last rows, or
// all of them, leaves a shorter chain that verifies). So every append also
// rewrites a head checkpoint outside the table: the file <db>.audit-head
// (mode 0600) holding the last row's id and hash, authenticated with an
// HMAC-SHA256 under a random key kept in <db>.audit-key (0600, created on
// first open). Verify() fails when the chain does not reach the row the
// checkpoint names with the hash it names, when the checkpoint is missing
// although its key exists, or when its HMAC does not match; such a
// checkpoint is then kept as evidence (appends stop replacing it) until an
// operator resets it by removing the key file. Someone who can
// rewrite the database and both files can still hide rows: for that, the
// daemon also publishes the head (log line, metric) to systems outside the
// host; see docs/security.md.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
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

// Where audit records go: AuditLog, or a fake in tests. Thread-safe.
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Appends entry and returns it with id and hashes filled; an error means
  // the record is not stored.
  virtual Result<AuditEntry> Append(AuditEntry entry) = 0;
};

// The last row as of the latest append (0 / genesis hash when empty).
struct AuditHead {
  int64_t id = 0;
  std::string hash;
};

class AuditLog final : public AuditSink {
 public:
  // Opens its own connection to the database at db_path (busy timeout 5 s)
  // and applies the schema migrations if the database is older.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& db_path);
  ~AuditLog();

  // Appends entry (at_ms = now when 0), chaining it to the last row, and
  // rewrites the head checkpoint (before the commit, inside the write lock,
  // so checkpoints follow the chain's order; put back if the commit fails).
  // Thread-safe; appends are serialised so the chain is linear, also across
  // processes (an IMMEDIATE transaction reads the last hash). An error
  // (row or checkpoint not written) leaves the caller to refuse its action.
  Result<AuditEntry> Append(AuditEntry entry) override;

  // The head as of this object's latest append (or open). Thread-safe.
  AuditHead head();

  // "<db>.audit-head" / "<db>.audit-key" for a database path.
  static std::string HeadPath(const std::string& db_path);
  static std::string KeyPath(const std::string& db_path);

  // Rows matching filter, oldest first.
  Result<std::vector<AuditEntry>> List(const AuditFilter& filter);

  // Walks the whole chain from the first row.
  Result<AuditVerification> Verify();

  // The hash of a row given the previous row's hash (exposed for tests).
  static std::string ChainHash(const AuditEntry& entry, const std::string& prev_hash);

 private:
  AuditLog(std::unique_ptr<SqliteDb> db, std::string db_path, std::string key);
  Status WriteHead(const AuditHead& head);
  Result<AuditHead> LastRow();
  struct HeadProblem {
    int64_t first_bad_id;
    std::string text;
  };
  // What is wrong between the chain ending at `last` and the checkpoint
  // (missing, not authentic, names a row the chain lacks or has with another
  // hash); nothing when they fit. Call inside a transaction.
  std::optional<HeadProblem> FindHeadProblem(const AuditHead& last);

  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
  const std::string head_path_;  // empty: no checkpoint (in-memory database)
  const std::string key_;        // HMAC key (raw bytes)
  AuditHead head_;
  bool evidence_logged_ = false;
};

}  // namespace muster
