// WalCheckpointer: checkpoints the writer connection's WAL on a thread of
// its own, so that a long run of writes (a bulk import) does not stop every
// thousand pages to copy the WAL into the database and fsync it: SQLite's
// automatic checkpoint runs inside the COMMIT that crosses the threshold, on
// the writing thread. Commits are unchanged (WAL appended, synchronous =
// NORMAL); a checkpoint copies only committed frames and fsyncs the WAL
// before and the database after, as the automatic one does.
//
// Wiring: writer.SetWalHook([&](int pages) { checkpointer.OnCommit(pages); }).
// PASSIVE checkpoints never wait for readers or writers, so a busy moment
// only postpones the copy to the next commit past the threshold.
//
// Thread-safe. Destroy it (which stops the thread and closes its connection)
// before the writer connection closes, so that close stays the last one and
// checkpoints what is left.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "store/sqlite_db.h"

namespace muster {

class WalCheckpointer {
 public:
  // SQLite's own automatic checkpoint threshold.
  static constexpr int kDefaultThresholdPages = 1000;

  // Opens a connection of its own to path and starts the thread.
  static Result<std::unique_ptr<WalCheckpointer>> Start(
      const std::string& path, int threshold_pages = kDefaultThresholdPages);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // After a commit that left `wal_pages` in the WAL: wakes the thread if
  // that reaches the threshold. Cheap; never blocks on a checkpoint.
  void OnCommit(int wal_pages);
  // Checkpoints run so far (for tests).
  int64_t checkpoints() const;

 private:
  WalCheckpointer(std::unique_ptr<SqliteDb> db, int threshold_pages)
      : db_(std::move(db)), threshold_pages_(threshold_pages) {}
  void Run();

  std::unique_ptr<SqliteDb> db_;  // used by the thread only
  const int threshold_pages_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;   // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  int64_t checkpoints_ = 0;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace muster
