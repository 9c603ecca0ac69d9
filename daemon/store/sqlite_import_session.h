// SqliteImportSession: SqliteRosterStore's bulk import (ImportSession in
// roster_store.h). Not thread-safe: one caller drives it, from any thread.
//
// Modes:
// - non-atomic: each Write() takes the writer lock, writes its items in one
//   transaction, commits, then calls the change listener with the stored
//   reservists. Finish() has nothing left to do.
// - atomic: BeginImport takes the writer lock and opens one transaction;
//   Write() adds to it; Finish(true) commits, releases the lock, then calls
//   the listener in batches with the stored state read back; Finish(false)
//   rolls back.
// - dry run (atomic or not): as atomic, but Finish always rolls back and the
//   listener is never called.
//
// Each Write() first checks its items in memory (skill codes and levels
// against the catalogue; an external id already seen in this session is a
// duplicate), then writes the rest in groups of kGroupSize rows, each group
// with multi-row statements in one savepoint. If SQLite still rejects a row,
// its group is rolled back and rewritten with one savepoint per row, so only
// the bad rows are dropped. Memory: one entry per
// external id seen (for duplicates) and, in atomic mode, one id per row.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/external_id_index.h"
#include "store/reservist_writer.h"
#include "store/roster_store.h"
#include "store/sqlite_roster_store.h"
#include "store/sqlite_transaction.h"

namespace muster {

class SqliteImportSession final : public ImportSession {
 public:
  // In atomic or dry-run mode, waits for the writer lock and begins the
  // session's transaction (Unavailable if the database stays locked).
  static Result<std::unique_ptr<ImportSession>> Begin(SqliteRosterStore& store, bool atomic,
                                                      bool dry_run);
  ~SqliteImportSession() override;  // Finish(false) if not finished

  // One result per item, in order. Items are as they were on return (see
  // Publish).
  std::vector<ImportItemResult> Write(std::vector<ImportItem>& items) override;
  // FailedPrecondition if already finished. In atomic mode, after a database
  // error that aborted the transaction, Finish(true) rolls back and returns
  // that error.
  Status Finish(bool commit) override;

 private:
  using Written = ReservistWriter::Written;

  SqliteImportSession(SqliteRosterStore& store, bool atomic, bool dry_run)
      : store_(store), atomic_(atomic), dry_run_(dry_run) {}
  bool single_transaction() const { return atomic_ || dry_run_; }
  // Back to the normal writer cache after a single-transaction session.
  void RestoreCache();
  // Rejects what can be rejected without SQLite; returns the rest's indexes.
  std::vector<size_t> Precheck(const std::vector<ImportItem>& items,
                               std::vector<ImportItemResult>& results);
  // Writes the candidates (in one transaction of their own when
  // non-atomic), group by group; row errors go to results, the returned
  // Status is for the chunk as a whole.
  Status WriteChunk(const std::vector<ImportItem>& items, const std::vector<size_t>& candidates,
                    int64_t now_ms, std::vector<ImportItemResult>& results,
                    std::vector<Written>& written);
  // One group in a savepoint: the fast path, or row by row if it fails.
  Status WriteGroup(const std::vector<ImportItem>& items, std::span<const size_t> group,
                    int64_t now_ms, std::vector<ImportItemResult>& results,
                    std::vector<Written>& written);
  Status RewriteRowByRow(const std::vector<ImportItem>& items, std::span<const size_t> candidates,
                         int64_t now_ms, std::vector<ImportItemResult>& results,
                         std::vector<Written>& written);

  // Rows per savepoint. While a savepoint is open, SQLite keeps every
  // statement's journal in one in-memory sub-journal and walks it on each
  // statement's release, so the cost grows with the square of the group:
  // one savepoint per 1000-row chunk made a 1M-row atomic import ~50% slower.
  static constexpr size_t kGroupSize = 64;
  // Non-atomic: calls the listener with the stored state of the items
  // written. The reservists are moved into the change and back afterwards
  // (restoring what the store set), which spares a copy of every row.
  void Publish(SqliteRosterStore::WriterGuard& chunk_lock, std::vector<ImportItem>& items,
               const std::vector<ImportItemResult>& results, const std::vector<Written>& written,
               int64_t now_ms);

  SqliteRosterStore& store_;
  const bool atomic_;
  const bool dry_run_;
  bool finished_ = false;
  // Single-transaction mode: held from Begin to Finish.
  SqliteRosterStore::WriterGuard writer_;
  std::optional<SqliteTransaction> txn_;
  Status failed_;                     // a database error that aborted the session transaction
  ExternalIdIndex first_lines_;       // for duplicate detection
  std::vector<int64_t> written_ids_;  // atomic: to read back for the listener
};

}  // namespace muster
