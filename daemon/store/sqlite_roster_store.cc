#include "store/sqlite_roster_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "store/migrator.h"
#include "store/reservist_cursor.h"
#include "store/schema_sql.h"
#include "store/sqlite_import_session.h"
#include "store/sqlite_transaction.h"
#include "store/wal_checkpointer.h"

namespace muster {
namespace {

constexpr const char* kQuickCheck = "PRAGMA quick_check";
constexpr const char* kListSkills =
    "SELECT s.code, s.name, s.min_level, s.max_level, "
    "(SELECT count(*) FROM reservist_skills h WHERE h.skill = s.code) "
    "FROM skills s ORDER BY s.code";
constexpr const char* kFindSkillRange = "SELECT min_level, max_level FROM skills WHERE code = ?1";
constexpr const char* kCountOutOfRange =
    "SELECT count(*) FROM reservist_skills WHERE skill = ?1 AND (level < ?2 OR level > ?3)";
constexpr const char* kUpsertSkill =
    "INSERT INTO skills (code, name, min_level, max_level, created_at_ms, updated_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
    "min_level = excluded.min_level, max_level = excluded.max_level, "
    "updated_at_ms = excluded.updated_at_ms";
constexpr const char* kFindIdByExternalId = "SELECT id FROM reservists WHERE external_id = ?1";

// Reservists per listener call when an atomic import is read back.
constexpr size_t kPublishBatch = 10000;

// Where a batch of sorted ids should be read with one range scan: the scan
// may read at most this many times as many rows as wanted (plus slack).
constexpr int64_t kMaxScanFactor = 4;
constexpr int64_t kScanSlack = 64;

int64_t SystemNowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

SqliteRosterStore::SqliteRosterStore(std::string path, SqliteStoreOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

Result<std::unique_ptr<SqliteRosterStore>> SqliteRosterStore::Open(const std::string& path) {
  return Open(path, SqliteStoreOptions());
}

Result<std::unique_ptr<SqliteRosterStore>> SqliteRosterStore::Open(const std::string& path,
                                                                   SqliteStoreOptions options) {
  std::unique_ptr<SqliteRosterStore> store(new SqliteRosterStore(path, std::move(options)));
  MUSTER_RETURN_IF_ERROR(store->Init());
  return store;
}

Status SqliteRosterStore::Init() {
  auto writer_db = SqliteDb::Open(path_, options_.connection);
  if (!writer_db.ok()) return writer_db.status();
  writer_db_ = std::move(writer_db).value();
  if (options_.quick_check) MUSTER_RETURN_IF_ERROR(QuickCheck());
  MUSTER_RETURN_IF_ERROR(Migrator(SchemaMigrations()).Apply(*writer_db_));
  auto writer = ReservistWriter::Create(*writer_db_);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  batch_writer_ = std::make_unique<ReservistBatchWriter>(*writer_db_);
  MUSTER_RETURN_IF_ERROR(skills_.Load(*writer_db_));
  // The reader opens after migration, so it never sees an older schema.
  SqliteDbOptions reader_options = options_.connection;
  reader_options.read_only = true;
  auto reader_db = SqliteDb::Open(path_, reader_options);
  if (!reader_db.ok()) return reader_db.status();
  reader_db_ = std::move(reader_db).value();
  auto checkpointer = WalCheckpointer::Start(path_);
  if (!checkpointer.ok()) return checkpointer.status();
  checkpointer_ = std::move(checkpointer).value();
  writer_db_->SetWalHook([c = checkpointer_.get()](int pages) { c->OnCommit(pages); });
  return {};
}

Status SqliteRosterStore::QuickCheck() {
  auto problems = writer_db_->QueryTexts(kQuickCheck);
  if (!problems.ok()) return problems.status();
  if (problems->size() == 1 && problems->front() == "ok") return {};
  std::string list;
  for (const std::string& p : *problems) list += (list.empty() ? "" : "; ") + p;
  return Status::Internal(fmt::format("database {} failed quick_check: {}", path_, list));
}

SqliteRosterStore::~SqliteRosterStore() {
  // Checkpointer and reader first, so the writer's close is the last one and
  // checkpoints.
  if (writer_db_) writer_db_->SetWalHook(nullptr);
  checkpointer_.reset();
  reader_db_.reset();
  batch_writer_.reset();
  writer_.reset();
  writer_db_.reset();
}

int64_t SqliteRosterStore::NowMs() const {
  return options_.now_ms ? options_.now_ms() : SystemNowMs();
}

Result<std::unique_ptr<SqliteDb>> SqliteRosterStore::OpenSnapshotConnection() {
  SqliteDbOptions options = options_.connection;
  options.read_only = true;
  // A stream reads each page about once: a small cache is enough.
  options.cache_size_kib = std::min(options.cache_size_kib, 8 * 1024);
  return SqliteDb::Open(path_, options);
}

// ---------------------------------------------------------------- listener

void SqliteRosterStore::SetChangeListener(RosterChangeListener listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
  has_listener_ = static_cast<bool>(listener_);
}

bool SqliteRosterStore::HasListener() const {
  // Not the mutex: a writer asking must not wait for a listener call.
  return has_listener_.load(std::memory_order_relaxed);
}

void SqliteRosterStore::PublishAndUnlock(WriterGuard& writer, const RosterChange& change) {
  // Take the listener mutex before letting the next writer in, so listener
  // calls happen in commit order; call it without the writer lock.
  std::unique_lock listener(listener_mutex_);
  writer.unlock();
  if (!listener_ || (change.upserted.empty() && change.deleted.empty())) return;
  try {
    listener_(change);
  } catch (const std::exception& e) {
    spdlog::error("roster change listener threw: {}", e.what());
  }
}

void SqliteRosterStore::PublishIdsAndUnlock(WriterGuard& writer, std::vector<int64_t> ids) {
  std::unique_lock listener(listener_mutex_);
  writer.unlock();
  if (!listener_ || ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Status st = PublishIdBatches(ids);
  if (!st.ok()) {
    // The import is committed; only the notification failed.
    spdlog::error("import committed, but reading it back for the listener failed: {}",
                  st.ToString());
  }
}

Status SqliteRosterStore::PublishIdBatches(const std::vector<int64_t>& ids) {
  auto db = OpenSnapshotConnection();
  if (!db.ok()) return db.status();
  auto txn = SqliteTransaction::Begin(**db, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  size_t begin = 0;
  while (begin < ids.size()) {
    // Grow the batch while one range scan stays cheap for it.
    size_t end = begin + 1;
    while (end < ids.size() && end - begin < kPublishBatch &&
           ids[end] - ids[begin] + 1 <=
               kMaxScanFactor * static_cast<int64_t>(end - begin + 1) + kScanSlack) {
      ++end;
    }
    RosterChange change;
    MUSTER_RETURN_IF_ERROR(ReadIdRange(**db, ids, begin, end, change.upserted));
    try {
      listener_(change);
    } catch (const std::exception& e) {
      spdlog::error("roster change listener threw: {}", e.what());
    }
    begin = end;
  }
  return {};
}

Status SqliteRosterStore::ReadIdRange(SqliteDb& db, const std::vector<int64_t>& ids, size_t begin,
                                      size_t end, std::vector<Reservist>& out) {
  auto cursor = ReservistCursor::Open(db, ReservistFilter(), ids[begin] - 1);
  if (!cursor.ok()) return cursor.status();
  size_t want = begin;
  Reservist r;
  while (want < end) {
    auto more = (*cursor)->Next(r);
    if (!more.ok()) return more.status();
    if (!*more) break;
    while (want < end && ids[want] < r.id) ++want;  // deleted since the commit
    if (want < end && ids[want] == r.id) {
      out.push_back(std::move(r));  // the cursor refills r from scratch
      ++want;
    }
  }
  return {};
}

// ---------------------------------------------------------------- skills

Result<std::vector<SkillWithHolders>> SqliteRosterStore::ListSkills() {
  std::lock_guard lock(reader_mutex_);
  auto statement = reader_db_->Prepare(kListSkills);
  if (!statement.ok()) return statement.status();
  SqliteStatement& st = **statement;
  SqliteStatement::AutoReset reset(st);
  std::vector<SkillWithHolders> skills;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return skills;
    skills.push_back({Skill{st.ColumnText(0), st.ColumnText(1), st.ColumnInt(2), st.ColumnInt(3)},
                      st.ColumnInt64(4)});
  }
}

Result<Skill> SqliteRosterStore::UpsertSkill(const Skill& skill) {
  WriterGuard writer(writer_lock_);
  auto txn = SqliteTransaction::Begin(*writer_db_, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  MUSTER_RETURN_IF_ERROR(CheckNarrowing(skill));
  auto statement = writer_db_->Prepare(kUpsertSkill);
  if (!statement.ok()) return statement.status();
  SqliteStatement& st = **statement;
  st.BindText(1, skill.code);
  st.BindText(2, skill.name);
  st.BindInt64(3, skill.min_level);
  st.BindInt64(4, skill.max_level);
  st.BindInt64(5, NowMs());
  Status run = st.Run();
  if (!run.ok()) return MapCheckViolation(st, run, "");
  MUSTER_RETURN_IF_ERROR(txn->Commit());
  skills_.Put(skill);
  return skill;
}

Status SqliteRosterStore::CheckNarrowing(const Skill& skill) {
  auto find = writer_db_->Prepare(kFindSkillRange);
  if (!find.ok()) return find.status();
  {
    SqliteStatement::AutoReset reset(**find);
    (*find)->BindText(1, skill.code);
    auto row = (*find)->Step();
    if (!row.ok()) return row.status();
    if (!*row) return {};  // a new skill: nobody holds it yet
    if (skill.min_level <= (*find)->ColumnInt(0) && skill.max_level >= (*find)->ColumnInt(1)) {
      return {};  // not narrowed
    }
  }
  auto count = writer_db_->Prepare(kCountOutOfRange);
  if (!count.ok()) return count.status();
  SqliteStatement::AutoReset reset(**count);
  (*count)->BindText(1, skill.code);
  (*count)->BindInt64(2, skill.min_level);
  (*count)->BindInt64(3, skill.max_level);
  auto row = (*count)->Step();
  if (!row.ok()) return row.status();
  int64_t n = *row ? (*count)->ColumnInt64(0) : 0;
  if (n == 0) return {};
  return Status::FailedPrecondition(
      fmt::format("narrowing skill {} to levels [{}, {}] would leave {} holding{} out of range",
                  skill.code, skill.min_level, skill.max_level, n, n == 1 ? "" : "s"));
}

// ---------------------------------------------------------------- reservists

Result<UpsertOutcome> SqliteRosterStore::UpsertReservist(const Reservist& reservist) {
  WriterGuard writer(writer_lock_);
  MUSTER_RETURN_IF_ERROR(skills_.CheckHoldings(reservist.skills));
  auto txn = SqliteTransaction::Begin(*writer_db_, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  const int64_t now = NowMs();
  auto written = reservist.id != 0 ? writer_->ReplaceById(reservist, now)
                                   : writer_->UpsertByExternalId(reservist, now);
  if (!written.ok()) return written.status();  // txn rolls back
  MUSTER_RETURN_IF_ERROR(txn->Commit());
  UpsertOutcome outcome{reservist, written->created};
  outcome.stored.id = written->id;
  outcome.stored.created_at_ms = written->created_at_ms;
  outcome.stored.updated_at_ms = now;
  RosterChange change;
  if (HasListener()) change.upserted.push_back(outcome.stored);
  PublishAndUnlock(writer, change);
  return outcome;
}

Result<Reservist> SqliteRosterStore::ReadOne(SqliteDb& db, int64_t id) {
  auto cursor = ReservistCursor::Open(db, ReservistFilter(), id - 1);
  if (!cursor.ok()) return cursor.status();
  Reservist r;
  auto found = (*cursor)->Next(r);
  if (!found.ok()) return found.status();
  if (!*found || r.id != id) return Status::NotFound(fmt::format("reservist {} not found", id));
  return r;
}

Result<Reservist> SqliteRosterStore::GetReservist(int64_t id) {
  std::lock_guard lock(reader_mutex_);
  auto txn = SqliteTransaction::Begin(*reader_db_, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  return ReadOne(*reader_db_, id);
}

Result<Reservist> SqliteRosterStore::GetReservistByExternalId(const std::string& external_id) {
  std::lock_guard lock(reader_mutex_);
  auto txn = SqliteTransaction::Begin(*reader_db_, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  auto find = reader_db_->Prepare(kFindIdByExternalId);
  if (!find.ok()) return find.status();
  int64_t id = 0;
  {
    SqliteStatement::AutoReset reset(**find);
    (*find)->BindText(1, external_id);
    auto row = (*find)->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return Status::NotFound(
          fmt::format("reservist with external_id '{}' not found", external_id));
    }
    id = (*find)->ColumnInt64(0);
  }
  return ReadOne(*reader_db_, id);
}

Result<std::vector<Reservist>> SqliteRosterStore::ListReservists(const ReservistFilter& filter,
                                                                 int64_t after_id, int limit) {
  std::vector<Reservist> page;
  if (limit <= 0) return page;
  std::lock_guard lock(reader_mutex_);
  auto txn = SqliteTransaction::Begin(*reader_db_, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  auto cursor = ReservistCursor::Open(*reader_db_, filter, after_id);
  if (!cursor.ok()) return cursor.status();
  while (static_cast<int>(page.size()) < limit) {
    Reservist& r = page.emplace_back();
    auto more = (*cursor)->Next(r);
    if (!more.ok()) return more.status();
    if (!*more) {
      page.pop_back();
      break;
    }
  }
  return page;
}

Result<int64_t> SqliteRosterStore::CountReservists(const ReservistFilter& filter) {
  std::lock_guard lock(reader_mutex_);
  auto statement = reader_db_->Prepare(BuildReservistSql(filter).count);
  if (!statement.ok()) return statement.status();
  SqliteStatement& st = **statement;
  SqliteStatement::AutoReset reset(st);
  BindReservistFilter(st, filter, 0);
  auto row = st.Step();
  if (!row.ok()) return row.status();
  return *row ? st.ColumnInt64(0) : 0;
}

Status SqliteRosterStore::ForEachReservist(const ReservistFilter& filter,
                                           const std::function<bool(const Reservist&)>& fn) {
  auto db = OpenSnapshotConnection();
  if (!db.ok()) return db.status();
  auto txn = SqliteTransaction::Begin(**db, SqliteTransaction::Kind::kDeferred);
  if (!txn.ok()) return txn.status();
  auto cursor = ReservistCursor::Open(**db, filter, 0);
  if (!cursor.ok()) return cursor.status();
  Reservist r;  // reused: the cursor keeps its strings' and vectors' storage
  for (;;) {
    auto more = (*cursor)->Next(r);
    if (!more.ok()) return more.status();
    if (!*more || !fn(r)) return {};
  }
}

Result<Reservist> SqliteRosterStore::SetReservistStatus(int64_t id, ReservistStatus status) {
  WriterGuard writer(writer_lock_);
  auto txn = SqliteTransaction::Begin(*writer_db_, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  MUSTER_RETURN_IF_ERROR(writer_->SetStatus(id, status, NowMs()));
  auto stored = ReadOne(*writer_db_, id);
  if (!stored.ok()) return stored.status();
  MUSTER_RETURN_IF_ERROR(txn->Commit());
  RosterChange change;
  if (HasListener()) change.upserted.push_back(*stored);
  PublishAndUnlock(writer, change);
  return stored;
}

Status SqliteRosterStore::DeleteReservist(int64_t id) {
  WriterGuard writer(writer_lock_);
  auto txn = SqliteTransaction::Begin(*writer_db_, SqliteTransaction::Kind::kImmediate);
  if (!txn.ok()) return txn.status();
  MUSTER_RETURN_IF_ERROR(writer_->Delete(id));
  MUSTER_RETURN_IF_ERROR(txn->Commit());
  RosterChange change;
  change.deleted.push_back(id);
  PublishAndUnlock(writer, change);
  return {};
}

Result<std::unique_ptr<ImportSession>> SqliteRosterStore::BeginImport(bool atomic, bool dry_run) {
  return SqliteImportSession::Begin(*this, atomic, dry_run);
}

}  // namespace muster
