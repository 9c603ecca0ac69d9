#include "admin/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

namespace muster {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

Result<DbPtr> OpenDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return Status::Unavailable(
        fmt::format("cannot open {}: {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 30000);
  return db;
}

// Replaces whatever is at path with a new empty file of mode 0600, so that
// the copy (and SQLite's -journal beside it, which takes the file's mode) is
// readable by the daemon's user alone: it holds the whole roster.
Status CreatePrivateFile(const std::string& path) {
  if (std::remove(path.c_str()) != 0 && errno != ENOENT) {
    return Status::Internal(fmt::format("cannot replace {}: {}", path, std::strerror(errno)));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Status::Internal(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  ::close(fd);
  return {};
}

Status CopyAll(sqlite3* source, sqlite3* dest) {
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
  if (!backup) return Status::Internal(fmt::format("backup init: {}", sqlite3_errmsg(dest)));
  // -1: every page in one step, under one read transaction on the source,
  // so the copy is a single consistent snapshot.
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return Status::Internal(fmt::format("backup: {}", sqlite3_errstr(rc)));
  return {};
}

Result<std::string> QueryText(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    return Status::Internal(sqlite3_errmsg(db));
  }
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    out = text ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

Result<BackupInfo> BackupDatabase(const std::string& source_path, const std::string& dest_path) {
  MUSTER_RETURN_IF_ERROR(CreatePrivateFile(dest_path));
  {
    auto source = OpenDb(source_path, SQLITE_OPEN_READONLY);
    if (!source.ok()) return source.status();
    auto dest = OpenDb(dest_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!dest.ok()) return dest.status();
    MUSTER_RETURN_IF_ERROR(CopyAll(source->get(), dest->get()));
    // A self-contained file: no WAL beside it.
    auto mode = QueryText(dest->get(), "PRAGMA journal_mode=DELETE");
    if (!mode.ok()) return mode.status();
    auto check = QueryText(dest->get(), "PRAGMA quick_check");
    if (!check.ok()) return check.status();
    if (*check != "ok") {
      return Status::Internal(fmt::format("the backup copy failed quick_check: {}", *check));
    }
  }
  BackupInfo info;
  auto dest = OpenDb(dest_path, SQLITE_OPEN_READONLY);
  if (!dest.ok()) return dest.status();
  auto version = QueryText(dest->get(), "PRAGMA user_version");
  if (!version.ok()) return version.status();
  info.schema_version = std::stoi(*version);
  dest->reset();
  auto sha = FileSha256(dest_path);
  if (!sha.ok()) return sha.status();
  info.sha256 = *sha;
  std::ifstream in(dest_path, std::ios::binary | std::ios::ate);
  info.bytes = static_cast<int64_t>(in.tellg());
  return info;
}

}  // namespace muster
