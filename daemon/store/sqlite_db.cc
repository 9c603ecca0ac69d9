#include "store/sqlite_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace muster {
namespace {

// Statement text is only a hint in error messages; keep them readable.
constexpr size_t kMaxContextChars = 80;

std::string Shorten(std::string_view text) {
  if (text.size() <= kMaxContextChars) return std::string(text);
  return std::string(text.substr(0, kMaxContextChars)) + "...";
}

// Creates the database file, empty and mode 0600, if it does not exist yet.
// SQLite would create it with 0644 under the usual umask, and it gives the
// -wal and -shm files the database file's mode, so creating the file first
// keeps all three private: they hold names, homes and phone numbers. An
// existing file keeps the mode its owner gave it.
Status CreatePrivateFile(const std::string& path) {
  if (path.empty() || path == ":memory:") return {};  // no file
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  if (errno == EEXIST) return {};
  return Status::Unavailable(
      fmt::format("cannot create database {}: {}", path, std::strerror(errno)));
}

}  // namespace

Status SqliteError(int code, std::string_view message, std::string_view context) {
  std::string text =
      fmt::format("sqlite: {} ({}) in: {}", message, sqlite3_errstr(code), Shorten(context));
  int primary = code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable(std::move(text));
  }
  return Status::Internal(std::move(text));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                 const SqliteDbOptions& options) {
  // NOMUTEX: SQLite's own per-connection mutex is redundant, the owner
  // serialises use.
  int flags =
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!options.read_only) MUSTER_RETURN_IF_ERROR(CreatePrivateFile(path));
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return Status::Unavailable(fmt::format("cannot open database {}: {}", path, message));
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  MUSTER_RETURN_IF_ERROR(db->ApplyPragmas(options));
  return db;
}

Status SqliteDb::ApplyPragmas(const SqliteDbOptions& options) {
  if (!options.read_only) {
    // journal_mode answers with the mode in force; anything but "wal" means
    // the file cannot do WAL (e.g. some network file systems).
    auto mode = QueryTexts("PRAGMA journal_mode=WAL");
    if (!mode.ok()) return mode.status();
    if (mode->empty() || mode->front() != "wal") {
      return Status::Unavailable(fmt::format("database {}: cannot switch to WAL mode", path_));
    }
    MUSTER_RETURN_IF_ERROR(
        Exec(fmt::format("PRAGMA journal_size_limit={}", options.journal_size_limit).c_str()));
  }
  std::string pragmas = fmt::format(
      "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={};"
      "PRAGMA cache_size=-{}; PRAGMA mmap_size={}; PRAGMA temp_store=MEMORY;",
      options.busy_timeout_ms, options.cache_size_kib, options.mmap_size);
  return Exec(pragmas.c_str());
}

SqliteDb::~SqliteDb() {
  statements_.clear();  // finalize before close, or close would fail BUSY
  sqlite3_close_v2(db_);
}

Status SqliteDb::Exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return {};
  std::string message = error ? error : sqlite3_errmsg(db_);
  sqlite3_free(error);
  return SqliteError(sqlite3_extended_errcode(db_), message, sql);
}

Result<std::vector<std::string>> SqliteDb::QueryTexts(const char* sql) {
  // Not cached: these run once per connection or per check.
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, sqlite3_errmsg(db_), sql);
  SqliteStatement statement(db_, raw);
  std::vector<std::string> rows;
  for (;;) {
    auto row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(statement.ColumnText(0));
  }
}

Result<int64_t> SqliteDb::QueryInt64(const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, sqlite3_errmsg(db_), sql);
  SqliteStatement statement(db_, raw);
  auto row = statement.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal(fmt::format("no result from: {}", Shorten(sql)));
  return statement.ColumnInt64(0);
}

Result<SqliteStatement*> SqliteDb::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it != statements_.end()) return it->second.get();
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: these statements live as long as the connection.
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, sqlite3_errmsg(db_), sql);
  auto statement = std::make_unique<SqliteStatement>(db_, raw);
  SqliteStatement* result = statement.get();
  statements_.emplace(std::string(sql), std::move(statement));
  return result;
}

Status SqliteDb::SetCacheSizeKib(int kib) {
  return Exec(fmt::format("PRAGMA cache_size=-{}", kib).c_str());
}

int64_t SqliteDb::LastInsertRowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int SqliteDb::Changes() const {
  return sqlite3_changes(db_);
}

void SqliteDb::SetWalHook(std::function<void(int pages)> hook) {
  wal_hook_ = std::move(hook);
  if (!wal_hook_) {
    sqlite3_wal_autocheckpoint(db_, 1000);  // SQLite's default
    return;
  }
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int pages) {
        static_cast<SqliteDb*>(self)->wal_hook_(pages);
        return SQLITE_OK;
      },
      this);
}

Status SqliteDb::CheckpointPassive() {
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) return {};
  return SqliteError(rc, sqlite3_errmsg(db_), "wal_checkpoint(PASSIVE)");
}

bool SqliteDb::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace muster
