// RosterImport: one bulk import in progress. Rows arrive in chunks; each is
// validated and handed to the store's ImportSession; errors are collected with
// their line numbers. Not thread-safe: one caller (the RPC handler) drives it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "roster/model.h"
#include "store/roster_store.h"

namespace muster {

class Roster;

struct ImportRowError {
  int64_t line = 0;
  Status status;  // field() names the field at fault, message() the reason
};

struct ImportReport {
  int64_t received = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t rejected = 0;
  std::vector<ImportRowError> errors;  // sorted by line, at most kMaxListedErrors
  bool committed = false;
};

class RosterImport {
 public:
  static constexpr size_t kMaxListedErrors = 10000;

  RosterImport(const Roster& roster, std::unique_ptr<ImportSession> session, bool atomic,
               bool dry_run);

  // A row the client could not parse, or whose conversion failed.
  void AddRejected(int64_t line, Status status);
  // Validates and writes rows (moved from).
  void AddRows(std::vector<ImportItem> rows);
  // Commits (unless dry run, or atomic with any rejected row) and reports.
  // abandon = true (e.g. the client cancelled) rolls back what is uncommitted.
  Result<ImportReport> Finish(bool abandon = false);

 private:
  void Reject(int64_t line, Status status);

  const Roster& roster_;
  std::unique_ptr<ImportSession> session_;
  bool atomic_;
  bool dry_run_;
  ImportReport report_;
};

}  // namespace muster
