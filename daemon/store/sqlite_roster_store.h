// SqliteRosterStore: the production RosterStore, on one SQLite file in WAL
// mode (schema in schema/*.sql, applied by Migrator at open).
//
// Thread-safe. Connections and locks:
// - one writer connection behind the writer lock: every write is one
//   transaction on it, and an atomic import holds it from BeginImport to
//   Finish (other writers wait; readers do not);
// - one reader connection behind its own mutex, for point reads, pages and
//   counts, which WAL lets run while a write transaction is open;
// - ForEachReservist opens a short-lived read-only connection per call, so a
//   long export or index load holds no lock that other readers need;
// - a WalCheckpointer with a connection and thread of its own copies the
//   WAL into the database, instead of the writer's commits doing it.
// The change listener runs after the commit, outside both locks, on the
// writing thread; calls are serialised in commit order (see
// SetChangeListener).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/reservist_batch_writer.h"
#include "store/reservist_writer.h"
#include "store/roster_store.h"
#include "store/skill_cache.h"
#include "store/sqlite_db.h"
#include "store/wal_checkpointer.h"
#include "store/writer_lock.h"

namespace muster {

struct SqliteStoreOptions {
  // Run PRAGMA quick_check at open and refuse a damaged file (Internal, with
  // the problems listed). Default true; reads every page once, so it costs
  // about a second per few hundred MB.
  bool quick_check = true;
  // Connection tuning (cache, mmap, busy timeout); defaults in sqlite_db.h.
  SqliteDbOptions connection;
  // The writer's page cache, KiB, while an atomic or dry-run import is open
  // (its one transaction must hold every page it dirties, or SQLite spills
  // them to the WAL and reads them back; figures in docs/benchmarks.md).
  // Default 512 MiB; used only as the import grows, and given back at Finish.
  int bulk_cache_size_kib = 512 * 1024;
  // The clock for created_at/updated_at, Unix ms. Default (empty): the
  // system clock. Tests pass a fake.
  std::function<int64_t()> now_ms;
};

class SqliteImportSession;

class SqliteRosterStore final : public RosterStore {
 public:
  // Opens (creating if absent) the database at path and migrates it to the
  // newest schema. FailedPrecondition if the file's schema is newer than
  // this build knows; Internal if quick_check finds damage or a migration
  // fails; Unavailable if the file cannot be opened or is locked.
  static Result<std::unique_ptr<SqliteRosterStore>> Open(const std::string& path);
  static Result<std::unique_ptr<SqliteRosterStore>> Open(const std::string& path,
                                                         SqliteStoreOptions options);
  // Closes both connections (statements finalized; the last close
  // checkpoints the WAL). No call may be in progress, and no ImportSession
  // may outlive the store.
  ~SqliteRosterStore() override;

  // The listener must not write to the store (it would deadlock); it may
  // read. Listener calls never overlap and follow commit order.
  void SetChangeListener(RosterChangeListener listener) override;

  Result<std::vector<SkillWithHolders>> ListSkills() override;
  Result<Skill> UpsertSkill(const Skill& skill) override;

  Result<UpsertOutcome> UpsertReservist(const Reservist& reservist) override;
  Result<Reservist> GetReservist(int64_t id) override;
  Result<Reservist> GetReservistByExternalId(const std::string& external_id) override;
  Result<std::vector<Reservist>> ListReservists(const ReservistFilter& filter, int64_t after_id,
                                                int limit) override;
  Result<int64_t> CountReservists(const ReservistFilter& filter) override;
  // fn runs with no store lock held (on a private connection) and must not
  // keep the reference past its return.
  Status ForEachReservist(const ReservistFilter& filter,
                          const std::function<bool(const Reservist&)>& fn) override;
  Result<Reservist> SetReservistStatus(int64_t id, ReservistStatus status) override;
  Status DeleteReservist(int64_t id) override;

  // Import rows are upserted by external id only (ImportItem ids are
  // ignored). See SqliteImportSession.
  Result<std::unique_ptr<ImportSession>> BeginImport(bool atomic, bool dry_run) override;

 private:
  friend class SqliteImportSession;
  using WriterGuard = std::unique_lock<WriterLock>;

  SqliteRosterStore(std::string path, SqliteStoreOptions options);
  Status Init();
  Status QuickCheck();
  int64_t NowMs() const;
  Result<std::unique_ptr<SqliteDb>> OpenSnapshotConnection();
  // Whether to build a RosterChange at all (a hint; PublishAndUnlock checks).
  bool HasListener() const;
  // After a commit, with the writer lock held: releases it and calls the
  // listener (if any), holding the listener mutex so calls stay in order.
  void PublishAndUnlock(WriterGuard& writer, const RosterChange& change);
  // As PublishAndUnlock, for an atomic import: reads the stored state of ids
  // back in batches and calls the listener once per batch.
  void PublishIdsAndUnlock(WriterGuard& writer, std::vector<int64_t> ids);
  Status PublishIdBatches(const std::vector<int64_t>& ids);
  // Appends the stored reservists with ids[begin, end) (sorted) to out,
  // skipping any deleted since; one range scan.
  static Status ReadIdRange(SqliteDb& db, const std::vector<int64_t>& ids, size_t begin, size_t end,
                            std::vector<Reservist>& out);
  static Result<Reservist> ReadOne(SqliteDb& db, int64_t id);
  // FailedPrecondition if skill narrows an existing range below holdings.
  Status CheckNarrowing(const Skill& skill);

  const std::string path_;
  const SqliteStoreOptions options_;

  WriterLock writer_lock_;  // guards the members up to reader_mutex_
  std::unique_ptr<SqliteDb> writer_db_;
  std::unique_ptr<ReservistWriter> writer_;
  std::unique_ptr<ReservistBatchWriter> batch_writer_;
  SkillCache skills_;

  std::mutex reader_mutex_;  // guards reader_db_
  std::unique_ptr<SqliteDb> reader_db_;

  std::unique_ptr<WalCheckpointer> checkpointer_;  // fed by writer_db_'s WAL hook

  std::mutex listener_mutex_;  // guards listener_ and orders its calls
  RosterChangeListener listener_;
  std::atomic<bool> has_listener_{false};
};

}  // namespace muster
