#include "store/sqlite_import_session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace muster {
namespace {

// Savepoint names (constant identifiers).
constexpr const char* kGroupSavepoint = "import_group";
constexpr const char* kRowSavepoint = "import_row";

}  // namespace

Result<std::unique_ptr<ImportSession>> SqliteImportSession::Begin(SqliteRosterStore& store,
                                                                  bool atomic, bool dry_run) {
  std::unique_ptr<SqliteImportSession> session(new SqliteImportSession(store, atomic, dry_run));
  if (session->single_transaction()) {
    session->writer_ = SqliteRosterStore::WriterGuard(store.writer_lock_);
    Status cache = store.writer_db_->SetCacheSizeKib(store.options_.bulk_cache_size_kib);
    if (!cache.ok()) {
      session->finished_ = true;
      return cache;
    }
    auto txn = SqliteTransaction::Begin(*store.writer_db_, SqliteTransaction::Kind::kImmediate);
    if (!txn.ok()) {
      session->finished_ = true;  // nothing to roll back; the guard unlocks
      session->RestoreCache();
      return txn.status();
    }
    session->txn_.emplace(std::move(txn).value());
  }
  return std::unique_ptr<ImportSession>(std::move(session));
}

SqliteImportSession::~SqliteImportSession() {
  if (!finished_) {
    // Dropped without Finish (the caller gave up): roll back; a destructor
    // has no one to return a failure to, so it is logged.
    if (Status st = Finish(false); !st.ok()) {
      spdlog::error("rolling back an abandoned import: {}", st.ToString());
    }
  }
}

std::vector<size_t> SqliteImportSession::Precheck(const std::vector<ImportItem>& items,
                                                  std::vector<ImportItemResult>& results) {
  std::vector<size_t> candidates;
  candidates.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const Reservist& r = items[i].reservist;
    if (!r.external_id.empty()) {
      if (auto first = first_lines_.FindOrInsert(r.external_id, items[i].line)) {
        results[i].status = Status::InvalidArgument(
            "external_id", fmt::format("duplicate external_id '{}' (first seen on line {})",
                                       r.external_id, *first));
        continue;
      }
    }
    results[i].status = store_.skills_.CheckHoldings(r.skills);
    if (results[i].status.ok()) candidates.push_back(i);
  }
  return candidates;
}

std::vector<ImportItemResult> SqliteImportSession::Write(std::vector<ImportItem>& items) {
  std::vector<ImportItemResult> results(items.size());
  for (size_t i = 0; i < items.size(); ++i) results[i].line = items[i].line;
  Status unusable =
      finished_ ? Status::FailedPrecondition("import session already finished") : failed_;
  if (!unusable.ok()) {
    for (auto& result : results) result.status = unusable;
    return results;
  }
  SqliteRosterStore::WriterGuard chunk_lock;
  if (!single_transaction()) chunk_lock = SqliteRosterStore::WriterGuard(store_.writer_lock_);
  std::vector<size_t> candidates = Precheck(items, results);
  const int64_t now = store_.NowMs();
  std::vector<Written> written(items.size());
  Status st = WriteChunk(items, candidates, now, results, written);
  if (!st.ok()) {
    // The chunk as a whole failed (e.g. an I/O error). Non-atomic: its
    // transaction rolled back, none of it is stored. Single transaction: part
    // of it may be in the session's transaction, so that can no longer be
    // committed.
    for (size_t c : candidates) {
      if (results[c].status.ok()) results[c].status = st;
    }
    if (single_transaction()) failed_ = st;
    return results;
  }
  if (single_transaction()) {
    if (!dry_run_) {
      for (size_t c : candidates) {
        if (results[c].status.ok()) written_ids_.push_back(results[c].id);
      }
    }
  } else {
    Publish(chunk_lock, items, results, written, now);
  }
  return results;
}

Status SqliteImportSession::WriteChunk(const std::vector<ImportItem>& items,
                                       const std::vector<size_t>& candidates, int64_t now_ms,
                                       std::vector<ImportItemResult>& results,
                                       std::vector<Written>& written) {
  if (candidates.empty()) return {};
  std::optional<SqliteTransaction> chunk;  // non-atomic: one transaction per Write
  if (!single_transaction()) {
    auto txn = SqliteTransaction::Begin(*store_.writer_db_, SqliteTransaction::Kind::kImmediate);
    if (!txn.ok()) return txn.status();
    chunk.emplace(std::move(txn).value());
  }
  for (size_t begin = 0; begin < candidates.size(); begin += kGroupSize) {
    const std::span<const size_t> group(candidates.data() + begin,
                                        std::min(kGroupSize, candidates.size() - begin));
    MUSTER_RETURN_IF_ERROR(WriteGroup(items, group, now_ms, results, written));
  }
  return chunk ? chunk->Commit() : Status();
}

Status SqliteImportSession::WriteGroup(const std::vector<ImportItem>& items,
                                       std::span<const size_t> group, int64_t now_ms,
                                       std::vector<ImportItemResult>& results,
                                       std::vector<Written>& written) {
  auto savepoint = SqliteTransaction::Savepoint(*store_.writer_db_, kGroupSavepoint);
  if (!savepoint.ok()) return savepoint.status();
  // Fast path: the items were validated and prechecked, so they almost
  // always all succeed. Multi-row statements, no per-row savepoint (each
  // costs a copy of every page the row touches).
  std::vector<const Reservist*> batch;
  batch.reserve(group.size());
  for (size_t c : group) batch.push_back(&items[c].reservist);
  std::vector<Written> batch_written;
  Status fast = store_.batch_writer_->UpsertByExternalId(batch, now_ms, batch_written);
  // A database-level failure can end the transaction: then it is the
  // chunk's error, not a row's.
  if (!fast.ok() && !store_.writer_db_->InTransaction()) return fast;
  if (fast.ok()) {
    for (size_t k = 0; k < group.size(); ++k) {
      const size_t c = group[k];
      written[c] = batch_written[k];
      results[c] = {items[c].line, Status(), batch_written[k].created, batch_written[k].id};
    }
    return savepoint->Commit();
  }
  // Some row is bad after all: undo the group and find it row by row.
  MUSTER_RETURN_IF_ERROR(savepoint->Rollback());
  savepoint = SqliteTransaction::Savepoint(*store_.writer_db_, kGroupSavepoint);
  if (!savepoint.ok()) return savepoint.status();
  MUSTER_RETURN_IF_ERROR(RewriteRowByRow(items, group, now_ms, results, written));
  return savepoint->Commit();
}

Status SqliteImportSession::RewriteRowByRow(const std::vector<ImportItem>& items,
                                            std::span<const size_t> candidates, int64_t now_ms,
                                            std::vector<ImportItemResult>& results,
                                            std::vector<Written>& written) {
  for (size_t c : candidates) {
    auto row = SqliteTransaction::Savepoint(*store_.writer_db_, kRowSavepoint);
    if (!row.ok()) return row.status();
    auto w = store_.writer_->UpsertByExternalId(items[c].reservist, now_ms);
    if (!store_.writer_db_->InTransaction())
      return w.ok() ? Status::Internal("lost transaction") : w.status();
    if (w.ok()) {
      MUSTER_RETURN_IF_ERROR(row->Commit());
      written[c] = *w;
      results[c] = {items[c].line, Status(), w->created, w->id};
    } else {
      MUSTER_RETURN_IF_ERROR(row->Rollback());
      results[c] = {items[c].line, w.status(), false, 0};
    }
  }
  return {};
}

void SqliteImportSession::Publish(SqliteRosterStore::WriterGuard& chunk_lock,
                                  std::vector<ImportItem>& items,
                                  const std::vector<ImportItemResult>& results,
                                  const std::vector<Written>& written, int64_t now_ms) {
  RosterChange change;
  if (!store_.HasListener()) {
    store_.PublishAndUnlock(chunk_lock, change);
    return;
  }
  struct Taken {
    size_t item;
    int64_t id, created_at_ms, updated_at_ms;  // as the caller had them
  };
  std::vector<Taken> taken;
  taken.reserve(items.size());
  change.upserted.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!results[i].status.ok()) continue;
    Reservist& r = items[i].reservist;
    taken.push_back({i, r.id, r.created_at_ms, r.updated_at_ms});
    // The stored state is exactly the item plus what the store assigned.
    Reservist& stored = change.upserted.emplace_back(std::move(r));
    stored.id = written[i].id;
    stored.created_at_ms = written[i].created_at_ms;
    stored.updated_at_ms = now_ms;
  }
  store_.PublishAndUnlock(chunk_lock, change);
  for (size_t k = 0; k < taken.size(); ++k) {
    Reservist& r = items[taken[k].item].reservist;
    r = std::move(change.upserted[k]);
    r.id = taken[k].id;
    r.created_at_ms = taken[k].created_at_ms;
    r.updated_at_ms = taken[k].updated_at_ms;
  }
}

Status SqliteImportSession::Finish(bool commit) {
  if (finished_) return Status::FailedPrecondition("import session already finished");
  finished_ = true;
  if (!single_transaction()) return {};  // every Write() has committed
  Status st;
  if (!failed_.ok() || !commit || dry_run_) {
    st = txn_->Rollback();
    if (commit && !dry_run_ && !failed_.ok()) st = failed_;
  } else {
    st = txn_->Commit();
    // The commit's error is the one reported; the rollback only tidies up
    // (and a transaction SQLite already ended needs none).
    if (!st.ok()) (void)txn_->Rollback();
  }
  RestoreCache();
  if (!st.ok() || !commit || dry_run_) {
    writer_.unlock();
    return st;
  }
  store_.PublishIdsAndUnlock(writer_, std::move(written_ids_));
  return {};
}

void SqliteImportSession::RestoreCache() {
  // Best effort: a failure leaves a larger cache, which is only memory.
  (void)store_.writer_db_->SetCacheSizeKib(store_.options_.connection.cache_size_kib);
}

}  // namespace muster
