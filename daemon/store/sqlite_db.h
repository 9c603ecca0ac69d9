// SqliteDb: one SQLite connection, its pragmas, and a cache of prepared
// statements that lives as long as the connection.
//
// Not thread-safe: the owner serialises all use (SqliteRosterStore guards
// each connection with its own lock). A connection may be used by different
// threads in turn (it is opened in SQLite's multi-thread mode).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/sqlite_statement.h"

struct sqlite3;

namespace muster {

// Tuning applied to every connection at open.
struct SqliteDbOptions {
  bool read_only = false;  // default: read-write, creating the file if absent
  // Page cache per connection, KiB (PRAGMA cache_size = -N). Default 64 MiB:
  // a bulk import touches the tails of several B-trees per row, and the
  // external id index is random access; a small cache turns that into I/O.
  int cache_size_kib = 64 * 1024;
  // Memory-mapped I/O, bytes (PRAGMA mmap_size). Default 256 MiB: reads of
  // the roster copy less. 0 disables.
  int64_t mmap_size = 256LL * 1024 * 1024;
  int busy_timeout_ms = 5000;  // default 5 s (PRAGMA busy_timeout)
  // Read-write connections: the size, bytes, the WAL file is cut back to
  // when a write restarts it after a complete checkpoint (PRAGMA
  // journal_size_limit). Without it a WAL that once grew big (a long import
  // the checkpoints could not keep up with) keeps its size on disk for good.
  int64_t journal_size_limit = 64LL * 1024 * 1024;
};

class SqliteDb {
 public:
  // Opens the database at path and applies: journal_mode=WAL (read-write
  // only), synchronous=NORMAL, foreign_keys=ON, busy_timeout, cache_size,
  // mmap_size, temp_store=MEMORY. Unavailable if the file cannot be opened.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                const SqliteDbOptions& options);
  ~SqliteDb();  // finalizes every cached statement, then closes
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that take no parameters (pragmas, DDL,
  // migrations). Never for data: use Prepare.
  Status Exec(const char* sql);
  // Runs a statement without parameters and returns the first column of
  // every row, as text (for pragmas such as quick_check).
  Result<std::vector<std::string>> QueryTexts(const char* sql);
  Result<int64_t> QueryInt64(const char* sql);

  // The prepared statement for sql, prepared on first use and cached; the
  // pointer is valid for the connection's life. Hot paths keep the pointer.
  Result<SqliteStatement*> Prepare(std::string_view sql);

  // PRAGMA cache_size = -kib; takes effect at once (shrinking frees pages).
  Status SetCacheSizeKib(int kib);

  // Calls hook(pages in the WAL) after each commit on this connection
  // (sqlite3_wal_hook), on the committing thread. Setting one turns off
  // SQLite's automatic checkpoint on this connection: the hook's owner
  // checkpoints instead (see WalCheckpointer). nullptr removes it and turns
  // automatic checkpoints back on.
  void SetWalHook(std::function<void(int pages)> hook);
  // Copies what it can from the WAL into the database without waiting for
  // readers or writers (SQLITE_CHECKPOINT_PASSIVE).
  Status CheckpointPassive();

  int64_t LastInsertRowid() const;
  // Rows changed by the last INSERT/UPDATE/DELETE (not counting cascades).
  int Changes() const;
  // True inside BEGIN ... COMMIT/ROLLBACK.
  bool InTransaction() const;
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status ApplyPragmas(const SqliteDbOptions& options);

  sqlite3* db_;
  std::string path_;
  std::function<void(int)> wal_hook_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
};

// Maps an SQLite result code to a Status: BUSY/LOCKED -> Unavailable,
// everything else Internal (constraint violations are mapped by the store,
// which knows which field is at fault). context names what was being done.
Status SqliteError(int code, std::string_view message, std::string_view context);

}  // namespace muster
