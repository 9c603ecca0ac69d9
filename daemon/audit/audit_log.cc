#include "audit/audit_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "digest/hash.h"
#include "store/migrator.h"
#include "store/schema_sql.h"
#include "store/sqlite_db.h"
#include "store/sqlite_transaction.h"

namespace muster {
namespace {

const std::string kGenesisHash(64, '0');

constexpr const char* kSelectColumns =
    "SELECT id, at_ms, actor, action, target, outcome, request_id, prev_hash, hash "
    "FROM audit_log ";

AuditEntry ReadRow(const SqliteStatement& s) {
  AuditEntry e;
  e.id = s.ColumnInt64(0);
  e.at_ms = s.ColumnInt64(1);
  e.actor = s.ColumnText(2);
  e.action = s.ColumnText(3);
  e.target = s.ColumnText(4);
  e.outcome = s.ColumnText(5);
  e.request_id = s.ColumnText(6);
  e.prev_hash = s.ColumnText(7);
  e.hash = s.ColumnText(8);
  return e;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::string_view kHeadMagic = "muster-audit-head-v1";

std::string HeadMac(const std::string& key, int64_t id, const std::string& hash) {
  return HmacSha256Hex(key, fmt::format("{} {} {}", kHeadMagic, id, hash));
}

// Writes path with mode 0600 whatever the umask: a temporary file renamed
// over it, so a reader never sees half a file.
Status WritePrivateFile(const std::string& path, const std::string& text) {
  // A name of this writer's own: several daemons or connections may write
  // the checkpoint of one database at once (each rename is atomic; the last
  // one wins, at worst a row behind, which Verify accepts).
  static std::atomic<uint64_t> serial{0};
  std::string tmp = fmt::format("{}.tmp.{}.{}", path, ::getpid(), serial.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Internal(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  ::fchmod(fd, 0600);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  // On disk before the rename: after a power loss the file is the old or
  // the new checkpoint, never an empty one.
  ok = ::fdatasync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Internal(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  return {};
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read {}", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str().substr(0, 4096);
}

// The key from <db>.audit-key, created (32 random bytes, hex) when absent.
// created: whether this call made it.
Result<std::string> LoadOrCreateKey(const std::string& path, bool& created) {
  created = false;
  auto text = ReadSmallFile(path);
  if (text.ok()) {
    std::string hex = text->substr(0, text->find_first_of("\r\n"));
    if (hex.size() != 64 || !HexDecode(hex)) {
      return Status::Internal(fmt::format("{}: not a 64-hex-digit key", path));
    }
    return hex;
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return Status::Internal("no random bytes for the audit key");
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  // O_EXCL: two daemons opening a fresh database never hold different keys.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return LoadOrCreateKey(path, created);
    return Status::Internal(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd, 0600);
  std::string line = hex + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) return Status::Internal(fmt::format("cannot write {}", path));
  created = true;
  return hex;
}

bool IsFileDatabase(const std::string& db_path) {
  return !db_path.empty() && db_path != ":memory:" && !db_path.starts_with("file:");
}

}  // namespace

AuditLog::AuditLog(std::unique_ptr<SqliteDb> db, std::string db_path, std::string key)
    : db_(std::move(db)),
      head_path_(IsFileDatabase(db_path) ? HeadPath(db_path) : ""),
      key_(std::move(key)) {}
AuditLog::~AuditLog() = default;

std::string AuditLog::HeadPath(const std::string& db_path) {
  return db_path + ".audit-head";
}
std::string AuditLog::KeyPath(const std::string& db_path) {
  return db_path + ".audit-key";
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& db_path) {
  SqliteDbOptions options;
  options.cache_size_kib = 2 * 1024;  // small: the audit log is appended, rarely read
  options.mmap_size = 0;
  auto db = SqliteDb::Open(db_path, options);
  if (!db.ok()) return db.status();
  MUSTER_RETURN_IF_ERROR(Migrator(SchemaMigrations()).Apply(**db));
  std::string key;
  bool created = false;
  if (IsFileDatabase(db_path)) {
    auto k = LoadOrCreateKey(KeyPath(db_path), created);
    if (!k.ok()) return k.status();
    key = std::move(k).value();
  }
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(db).value(), db_path, std::move(key)));
  auto last = log->LastRow();
  if (!last.ok()) return last.status();
  log->head_ = *last;
  // A new key means a new database, or one from before checkpoints: its
  // present end becomes the first checkpoint. With an existing key the
  // checkpoint is left as it is, for Verify to judge.
  if (created) {
    MUSTER_RETURN_IF_ERROR(log->WriteHead(*last));
    if (last->id > 0) {
      // Removing the key is how an operator resets the checkpoint, and also
      // how someone hiding a cut would: say so loudly, and in the chain.
      spdlog::error(
          "audit log: new checkpoint key {} for a log that already has {} rows; rows cut "
          "off the end before now can no longer be detected (expected once after an upgrade from "
          "a version without checkpoints, or after an operator removed the key)",
          KeyPath(db_path), last->id);
      AuditEntry rekey;
      rekey.actor = "musterd";
      rekey.action = "audit/rekey";
      rekey.target = fmt::format("rows={}", last->id);
      rekey.outcome = "OK";
      if (auto appended = log->Append(std::move(rekey)); !appended.ok()) return appended.status();
    }
  }
  return log;
}

Result<AuditHead> AuditLog::LastRow() {
  auto last = db_->Prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last.ok()) return last.status();
  SqliteStatement::AutoReset reset(**last);
  auto row = (*last)->Step();
  if (!row.ok()) return row.status();
  AuditHead head;
  head.id = *row ? (*last)->ColumnInt64(0) : 0;
  head.hash = *row ? (*last)->ColumnText(1) : kGenesisHash;
  return head;
}

Status AuditLog::WriteHead(const AuditHead& head) {
  if (head_path_.empty()) return {};
  return WritePrivateFile(head_path_, fmt::format("{} {} {} {}\n", kHeadMagic, head.id, head.hash,
                                                  HeadMac(key_, head.id, head.hash)));
}

AuditHead AuditLog::head() {
  std::lock_guard lock(mu_);
  return head_;
}

std::optional<AuditLog::HeadProblem> AuditLog::FindHeadProblem(const AuditHead& last) {
  if (head_path_.empty()) return std::nullopt;
  auto text = ReadSmallFile(head_path_);
  if (!text.ok()) {
    return HeadProblem{last.id + 1,
                       fmt::format("the head checkpoint {} is missing (it was deleted, and rows "
                                   "may have been cut off the end)",
                                   head_path_)};
  }
  std::istringstream in(*text);
  std::string magic, hash, mac;
  int64_t id = -1;
  in >> magic >> id >> hash >> mac;
  if (magic != kHeadMagic || id < 0 || !ConstantTimeEquals(mac, HeadMac(key_, id, hash))) {
    return HeadProblem{last.id + 1,
                       fmt::format("the head checkpoint {} is not authentic (changed, or written "
                                   "with another key)",
                                   head_path_)};
  }
  if (last.id < id) {
    return HeadProblem{last.id + 1,
                       fmt::format("rows {} to {} are missing: the chain ends at row {} but the "
                                   "head checkpoint names row {} (rows were cut off the end)",
                                   last.id + 1, id, last.id, id)};
  }
  // The chain reaches the checkpoint's row: it must be that very row (not
  // one rebuilt after a cut).
  std::string at_id = last.hash;
  if (id == 0) {
    at_id = kGenesisHash;
  } else if (last.id > id) {
    auto stmt = db_->Prepare("SELECT hash FROM audit_log WHERE id = ?1");
    if (!stmt.ok()) return HeadProblem{id, stmt.status().ToString()};
    SqliteStatement::AutoReset reset(**stmt);
    (*stmt)->BindInt64(1, id);
    auto row = (*stmt)->Step();
    at_id = row.ok() && *row ? (*stmt)->ColumnText(0) : "";
  }
  if (at_id != hash) {
    return HeadProblem{id, fmt::format("row {}: its hash differs from the one the head checkpoint "
                                       "recorded (the chain was cut and rebuilt from there)",
                                       id)};
  }
  return std::nullopt;
}

// Canonical form: every field length-prefixed, so no two different rows
// serialise alike ("ab"+"c" vs "a"+"bc").
std::string AuditLog::ChainHash(const AuditEntry& e, const std::string& prev_hash) {
  std::string text = "muster-audit-v1\n" + prev_hash + "\n";
  auto field = [&text](std::string_view value) {
    text += fmt::format("{}:", value.size());
    text += value;
    text += '\n';
  };
  field(std::to_string(e.id));
  field(std::to_string(e.at_ms));
  field(e.actor);
  field(e.action);
  field(e.target);
  field(e.outcome);
  field(e.request_id);
  return Sha256Hex(text);
}

Result<AuditEntry> AuditLog::Append(AuditEntry entry) {
  if (entry.at_ms == 0) entry.at_ms = NowMs();
  std::lock_guard lock(mu_);
  // IMMEDIATE: another process appending to the same file waits for us.
  auto txn = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  auto last = LastRow();
  if (!last.ok()) return last.status();
  entry.id = last->id + 1;
  entry.prev_hash = last->hash;
  entry.hash = ChainHash(entry, entry.prev_hash);
  auto insert = db_->Prepare(
      "INSERT INTO audit_log (id, at_ms, actor, action, target, outcome, request_id, prev_hash, "
      "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return insert.status();
  SqliteStatement& s = **insert;
  s.BindInt64(1, entry.id);
  s.BindInt64(2, entry.at_ms);
  s.BindText(3, entry.actor);
  s.BindText(4, entry.action);
  s.BindText(5, entry.target);
  s.BindText(6, entry.outcome);
  s.BindText(7, entry.request_id);
  s.BindText(8, entry.prev_hash);
  s.BindText(9, entry.hash);
  MUSTER_RETURN_IF_ERROR(s.Run());
  // A checkpoint that no longer fits the chain is evidence: it is kept (and
  // Verify reports it) rather than replaced by the shortened chain's head.
  if (auto problem = FindHeadProblem(*last); problem) {
    if (!evidence_logged_) {
      spdlog::error("audit log: {}; the checkpoint is kept as evidence (docs/security.md: Audit)",
                    problem->text);
      evidence_logged_ = true;
    }
    MUSTER_RETURN_IF_ERROR(txn->Commit());
    head_ = {entry.id, entry.hash};
    return entry;
  }
  // The row first, then the checkpoint: a crash between the two leaves the
  // checkpoint one row behind the chain, which Verify accepts; the other
  // order would leave it naming a row never stored, read as a cut for ever.
  MUSTER_RETURN_IF_ERROR(txn->Commit());
  head_ = {entry.id, entry.hash};
  MUSTER_RETURN_IF_ERROR(WriteHead(head_));
  return entry;
}

Result<std::vector<AuditEntry>> AuditLog::List(const AuditFilter& filter) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(std::string(kSelectColumns) +
                           "WHERE id > ?1 AND at_ms >= ?2 AND (?3 = '' OR actor = ?3) "
                           "AND (?4 = '' OR action = ?4 OR "
                           "(substr(?4, -1) = '/' AND substr(action, 1, length(?4)) = ?4)) "
                           "ORDER BY id LIMIT ?5");
  if (!stmt.ok()) return stmt.status();
  SqliteStatement& s = **stmt;
  SqliteStatement::AutoReset reset(s);
  s.BindInt64(1, filter.after_id);
  s.BindInt64(2, filter.since_ms);
  s.BindText(3, filter.actor);
  s.BindText(4, filter.action);
  s.BindInt64(5, std::clamp(filter.limit, 1, 1000));
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadRow(s));
  }
  return out;
}

Result<AuditVerification> AuditLog::Verify() {
  std::lock_guard lock(mu_);
  // One read transaction: a consistent snapshot while appends go on.
  auto txn = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  auto stmt = db_->Prepare(std::string(kSelectColumns) + "ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  SqliteStatement& s = **stmt;
  SqliteStatement::AutoReset reset(s);
  AuditVerification v;
  std::string prev = kGenesisHash;
  AuditHead last{0, kGenesisHash};
  auto fail = [&v](int64_t id, std::string problem) {
    v.ok = false;
    v.first_bad_id = id;
    v.problem = fmt::format("row {}: {}", id, problem);
  };
  for (;;) {
    auto row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    AuditEntry e = ReadRow(s);
    ++v.rows_checked;
    if (e.prev_hash != prev) {
      fail(e.id,
           "its prev_hash does not match the previous row's hash "
           "(a row before it was deleted, inserted or changed)");
      break;
    }
    if (AuditLog::ChainHash(e, prev) != e.hash) {
      fail(e.id, "its hash does not match its fields (the row was changed)");
      break;
    }
    prev = e.hash;
    last = {e.id, e.hash};
  }
  if (v.ok) {
    if (auto problem = FindHeadProblem(last); problem) {
      v.ok = false;
      v.first_bad_id = problem->first_bad_id;
      v.problem = problem->text;
    }
  }
  return v;
}

}  // namespace muster
