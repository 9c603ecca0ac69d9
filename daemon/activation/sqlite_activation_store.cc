#include "activation/sqlite_activation_store.h"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "activation/callout_key.h"
#include "core/text.h"
#include "store/packed_children.h"
#include "store/sqlite_transaction.h"

namespace muster {
namespace {

// --- SQL, one named constant per statement ---------------------------------

constexpr const char* kCheckTables =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'callouts'";

constexpr const char* kInsertActivation =
    "INSERT INTO activations (idempotency_key, spec_digest, title, message, lat, lon, radius_km, "
    "start_at_ms, end_at_ms, answer_within_minutes, priority, state, created_at_ms, "
    "updated_at_ms, areas, raised_by_areas, selection_activation_event, selection_callout_event) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15, ?16, ?17)";

constexpr const char* kInsertRequirement =
    "INSERT INTO activation_requirements (activation_id, position, skill, min_level, count, "
    "eligible, asked_elsewhere) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

constexpr const char* kInsertEvent =
    "INSERT INTO activation_events (activation_id, at_ms, state, reason) VALUES (?1, ?2, ?3, ?4)";

// One row of the call-out insert: `n` is the first parameter number of the
// row (18 parameters per row). The last is the reservist's contact channels
// as copied in, in preference order, as "kind<TAB>address" lines
// (schema/0003_dispatch.sql; see ChannelSnapshot).
constexpr int kCalloutParams = 18;
std::string CalloutRowSql(int n) {
  auto p = [n](int i) { return "?" + std::to_string(n + i - 1); };
  std::string row = "(";
  for (int i = 1; i <= 16; ++i) row += p(i) + ", ";
  return row + p(16) + ", 1, " + p(17) + ", " + p(18) + ")";
}

// A reservist's packed channels (schema/0008) as a call-out's snapshot:
// "kind<TAB>address" lines in preference order, no trailing newline.
Result<std::string> ChannelSnapshot(std::string_view packed, std::vector<ContactChannel>& scratch) {
  MUSTER_RETURN_IF_ERROR(UnpackChannels(packed, scratch));
  std::string out;
  for (const ContactChannel& c : scratch) {
    if (!out.empty()) out += '\n';
    out += std::to_string(static_cast<int>(c.kind));
    out += '\t';
    out += c.address;
  }
  return out;
}

// Inserts `rows` call-outs in one statement, returning what the dispatcher
// needs (RETURNING order is unspecified: rows are matched by reservist id,
// unique per activation).
std::string InsertCalloutsSql(int rows) {
  std::string sql =
      "INSERT INTO callouts (activation_id, reservist_id, reservist_name, requirement_position, "
      "wave, rank, distance_km, level, score_distance, score_level, score_fairness, "
      "score_reliability, score_total, accept_probability, idempotency_key, created_at_ms, "
      "updated_at_ms, state, answer_token, channels) VALUES ";
  for (int r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += CalloutRowSql(r * kCalloutParams + 1);
  }
  return sql + " RETURNING id, reservist_id";
}

// Call-outs per multi-row insert (18 * 64 parameters, well under SQLite's
// limit of 32766); the remainder goes one row at a time.
constexpr int kCalloutsPerInsert = 64;

// The outbox rows and "asked" events of one wave's call-outs, each in one
// statement.
constexpr const char* kInsertWaveOutbox =
    "INSERT INTO outbox (callout_id, kind, idempotency_key, state, created_at_ms, updated_at_ms) "
    "SELECT id, 1, idempotency_key, 1, ?1, ?1 FROM callouts WHERE activation_id = ?2 AND wave = ?3 "
    "ORDER BY id RETURNING id, callout_id";

constexpr const char* kInsertWaveEvents =
    "INSERT INTO callout_events (activation_id, callout_id, at_ms, state, detail) "
    "SELECT activation_id, id, ?1, 1, ?2 FROM callouts WHERE activation_id = ?3 AND wave = ?4 "
    "ORDER BY id";

constexpr const char* kInsertWave =
    "INSERT INTO waves (activation_id, wave, started_at_ms, deadline_ms, asked, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

constexpr const char* kSelectName = "SELECT name FROM reservists WHERE id = ?1";
constexpr const char* kSelectChannels = "SELECT channels FROM reservists WHERE id = ?1";

constexpr const char* kMaxWave =
    "SELECT coalesce(max(wave), 0) FROM waves WHERE activation_id = ?1";

#define MUSTER_ACTIVATION_COLUMNS                                                                  \
  "id, coalesce(idempotency_key, ''), spec_digest, title, message, lat, lon, radius_km, "          \
  "start_at_ms, end_at_ms, answer_within_minutes, priority, state, created_at_ms, updated_at_ms, " \
  "areas, raised_by_areas, coalesce(selection_activation_event, -1), "                             \
  "coalesce(selection_callout_event, -1)"

constexpr const char* kSelectById =
    "SELECT " MUSTER_ACTIVATION_COLUMNS " FROM activations WHERE id = ?1";
constexpr const char* kSelectAreas = "SELECT areas, raised_by_areas FROM activations WHERE id = ?1";
constexpr const char* kSelectByKey =
    "SELECT " MUSTER_ACTIVATION_COLUMNS " FROM activations WHERE idempotency_key = ?1";
constexpr const char* kSelectPage =
    "SELECT " MUSTER_ACTIVATION_COLUMNS
    " FROM activations WHERE id < ?1 AND (?2 = 0 OR state = ?2) ORDER BY id DESC LIMIT ?3";

constexpr const char* kSelectRequirements =
    "SELECT position, skill, min_level, count, eligible, asked_elsewhere FROM "
    "activation_requirements "
    "WHERE activation_id = ?1 ORDER BY position";
constexpr const char* kSelectSkillRange = "SELECT min_level, max_level FROM skills WHERE code = ?1";
constexpr const char* kSelectAskedPerRequirement =
    "SELECT requirement_position, state, count(*) FROM callouts WHERE activation_id = ?1 "
    "GROUP BY requirement_position, state";

constexpr const char* kSelectCallouts =
    "SELECT c.id, c.reservist_id, c.reservist_name, c.requirement_position, r.skill, c.wave, "
    "c.rank, c.distance_km, c.level, c.score_distance, c.score_level, c.score_fairness, "
    "c.score_reliability, c.score_total, c.accept_probability, c.idempotency_key, c.state, "
    "c.channel, c.backend, c.last_error, c.updated_at_ms "
    "FROM callouts c JOIN activation_requirements r "
    "ON r.activation_id = c.activation_id AND r.position = c.requirement_position "
    "WHERE c.activation_id = ?1 ORDER BY c.requirement_position, c.rank";

constexpr const char* kSelectEvents =
    "SELECT state, at_ms, reason FROM activation_events WHERE activation_id = ?1 ORDER BY id";

constexpr const char* kUpdateState =
    "UPDATE activations SET state = ?2, updated_at_ms = ?3 WHERE id = ?1";

// Live activations overlapping [?1, ?2) ms: everyone asked on them and still
// in play (awaiting an answer or accepted) is busy. People who declined, did
// not answer, failed or were stood down are free for other activations (but
// never asked twice on the same one: see kSelectAskedOn).
constexpr const char* kSelectBusy =
    "SELECT c.reservist_id, c.activation_id FROM activations a "
    "JOIN callouts c ON c.activation_id = a.id "
    "WHERE a.state IN (1, 2) AND a.end_at_ms > ?1 AND a.start_at_ms < ?2 "
    "AND c.state IN (1, 2, 3, 5)";
constexpr const char* kSelectAskedOn = "SELECT reservist_id FROM callouts WHERE activation_id = ?1";

// Per reservist as of ?1 ms: times asked in the 30 days before, lifetime
// answers (an unanswered call-out counts as asked only once its wave has
// closed, i.e. it is no_answer), and when their last accepted deployment ended.
constexpr const char* kSelectHistory =
    "SELECT c.reservist_id, "
    "sum(c.created_at_ms >= ?1 - 2592000000 AND c.created_at_ms < ?1), "
    "sum(c.state IN (5, 6, 7) OR (c.state = 8 AND c.answered_at_ms IS NOT NULL)), "
    "sum(c.state = 5 OR (c.state = 8 AND c.answered_at_ms IS NOT NULL)), sum(c.state = 6), "
    "max(CASE WHEN c.state = 5 AND a.end_at_ms <= ?1 THEN a.end_at_ms ELSE 0 END) "
    "FROM callouts c JOIN activations a ON a.id = c.activation_id "
    "WHERE c.created_at_ms < ?1 GROUP BY c.reservist_id";

constexpr const char* kSelectMark =
    "SELECT coalesce((SELECT max(id) FROM activation_events), 0), "
    "coalesce((SELECT max(id) FROM callout_events), 0)";

// Every activation's (?3) and call-out's (?4) state as of a mark: the last
// logged change at or before it. Rows created after the mark have none.
#define MUSTER_STATES_AS_OF(activation_mark, callout_mark)                                \
  "WITH astate AS (SELECT activation_id AS id, state FROM activation_events WHERE id IN " \
  "(SELECT max(id) FROM activation_events WHERE id <= " activation_mark                   \
  " GROUP BY activation_id)), "                                                           \
  "cstate AS (SELECT callout_id AS id, state FROM callout_events WHERE id IN "            \
  "(SELECT max(id) FROM callout_events WHERE id <= " callout_mark " GROUP BY callout_id)) "

// kSelectBusy as of the mark (?3, ?4).
constexpr const char* kSelectBusyAsOf =
    MUSTER_STATES_AS_OF("?3", "?4")
    "SELECT c.reservist_id, c.activation_id FROM activations a "
    "JOIN astate s ON s.id = a.id JOIN callouts c ON c.activation_id = a.id "
    "JOIN cstate cs ON cs.id = c.id "
    "WHERE s.state IN (1, 2) AND a.end_at_ms > ?1 AND a.start_at_ms < ?2 "
    "AND cs.state IN (1, 2, 3, 5)";

// kSelectHistory as of the mark (?2, ?3): only call-outs that existed then,
// in the state they were in. (A stood-down call-out's answer, if any, came
// before the stand-down, so answered_at_ms is as it was.)
constexpr const char* kSelectHistoryAsOf =
    MUSTER_STATES_AS_OF("?2", "?3")
    "SELECT c.reservist_id, "
    "sum(c.created_at_ms >= ?1 - 2592000000 AND c.created_at_ms < ?1), "
    "sum(cs.state IN (5, 6, 7) OR (cs.state = 8 AND c.answered_at_ms IS NOT NULL)), "
    "sum(cs.state = 5 OR (cs.state = 8 AND c.answered_at_ms IS NOT NULL)), sum(cs.state = 6), "
    "max(CASE WHEN cs.state = 5 AND a.end_at_ms <= ?1 THEN a.end_at_ms ELSE 0 END) "
    "FROM callouts c JOIN cstate cs ON cs.id = c.id JOIN activations a ON a.id = c.activation_id "
    "WHERE c.created_at_ms < ?1 GROUP BY c.reservist_id";

#undef MUSTER_STATES_AS_OF

constexpr int64_t kMsPerSecond = 1000;

// `n` answer tokens, each 128 random bits as 32 hex digits: the secret in a
// call-out's answer links. One RAND_bytes call for all of them: a call per
// token was a noticeable part of storing a big selection (docs/benchmarks.md).
// Internal if the random generator fails (the create then stores nothing).
Result<std::vector<std::string>> NewAnswerTokens(size_t n) {
  constexpr size_t kBytes = 16;
  std::vector<unsigned char> bytes(n * kBytes);
  if (n > 0 && RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Internal("no random bytes for the call-outs' answer tokens (RAND_bytes failed)");
  }
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t t = 0; t < n; ++t) {
    out.push_back(HexEncode(
        std::string_view(reinterpret_cast<const char*>(bytes.data()) + t * kBytes, kBytes)));
  }
  return out;
}

// Runs fn with a prepared statement, or returns the preparation error.
template <typename Fn>
auto WithStatement(SqliteDb& db, const char* sql, Fn fn)
    -> decltype(fn(std::declval<SqliteStatement&>())) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  SqliteStatement::AutoReset reset(**st);
  return fn(**st);
}

Status ConstraintError(const SqliteStatement& st, const Activation& a) {
  if (st.error_code() == SQLITE_CONSTRAINT_UNIQUE &&
      st.error_message().find("idempotency_key") != std::string::npos) {
    return Status::AlreadyExists(
        "idempotency_key", fmt::format("idempotency key '{}' is already used by another activation",
                                       a.idempotency_key));
  }
  return Status::Internal(fmt::format("storing activation: {}", st.error_message()));
}

}  // namespace

Result<std::unique_ptr<SqliteActivationStore>> SqliteActivationStore::Open(const std::string& path,
                                                                           const Clock& clock) {
  SqliteDbOptions options;
  options.busy_timeout_ms = 30000;
  // A big selection writes ~1 KiB of table and index pages per call-out in
  // one transaction: a small cache spills them to the WAL and reads them
  // back mid-transaction. Pages are allocated as used, so small activations
  // never grow it (figures: docs/benchmarks.md, "Dispatch").
  options.cache_size_kib = 512 * 1024;
  auto db = SqliteDb::Open(path, options);
  if (!db.ok()) return db.status();
  auto tables = (*db)->QueryInt64(kCheckTables);
  if (!tables.ok()) return tables.status();
  if (*tables != 1) {
    return Status::FailedPrecondition(
        fmt::format("{} has no activation tables: open the roster store first", path));
  }
  return std::unique_ptr<SqliteActivationStore>(
      new SqliteActivationStore(std::move(db).value(), clock));
}

Result<int64_t> SqliteActivationStore::InsertHeader(const Activation& a, int64_t now_ms) {
  return WithStatement(*db_, kInsertActivation, [&](SqliteStatement& st) -> Result<int64_t> {
    const ActivationSpec& s = a.spec;
    st.BindTextOrNull(1, a.idempotency_key);
    st.BindText(2, a.spec_digest);
    st.BindText(3, s.title);
    st.BindText(4, s.message);
    st.BindDouble(5, s.lat);
    st.BindDouble(6, s.lon);
    st.BindDouble(7, s.radius_km);
    st.BindInt64(8, s.start_unix * kMsPerSecond);
    st.BindInt64(9, s.end_unix() * kMsPerSecond);
    st.BindInt64(10, s.answer_within_minutes);
    st.BindInt64(11, static_cast<int>(s.priority));
    st.BindInt64(12, static_cast<int>(a.state));
    st.BindInt64(13, now_ms);
    const std::string areas = JoinAreas(s.areas);
    st.BindText(14, areas);
    const std::string raised_by = JoinAreas(a.raised_by_areas);
    st.BindText(15, raised_by);
    if (a.selection.known) {
      st.BindInt64(16, a.selection.activation_event);
      st.BindInt64(17, a.selection.callout_event);
    } else {
      st.BindNull(16);
      st.BindNull(17);
    }
    auto step = st.Step();
    if (!step.ok()) return ConstraintError(st, a);
    return db_->LastInsertRowid();
  });
}

Status SqliteActivationStore::InsertEvent(int64_t id, ActivationState state,
                                          const std::string& reason, int64_t now_ms) {
  return WithStatement(*db_, kInsertEvent, [&](SqliteStatement& st) {
    st.BindInt64(1, id);
    st.BindInt64(2, now_ms);
    st.BindInt64(3, static_cast<int>(state));
    st.BindText(4, reason);
    return st.Run();
  });
}

Status SqliteActivationStore::InsertChildren(int64_t id, const Activation& a, int64_t now_ms,
                                             std::vector<StoredCallout>* stored) {
  for (size_t i = 0; i < a.requirements.size(); ++i) {
    const RequirementRecord& r = a.requirements[i];
    MUSTER_RETURN_IF_ERROR(WithStatement(*db_, kInsertRequirement, [&](SqliteStatement& st) {
      st.BindInt64(1, id);
      st.BindInt64(2, static_cast<int64_t>(i));
      st.BindText(3, r.requirement.skill);
      st.BindInt64(4, r.requirement.min_level);
      st.BindInt64(5, r.requirement.count);
      st.BindInt64(6, r.eligible);
      st.BindInt64(7, r.asked_elsewhere);
      return st.Run();
    }));
  }
  MUSTER_RETURN_IF_ERROR(InsertCallouts(id, a.callouts, 1, now_ms, stored));
  MUSTER_RETURN_IF_ERROR(InsertWave(id, 1, static_cast<int>(a.callouts.size()), "first wave",
                                    a.spec.answer_within_minutes, now_ms));
  return InsertEvent(id, a.state, "created", now_ms);
}

Status SqliteActivationStore::InsertWave(int64_t id, int wave, int asked, const std::string& reason,
                                         int answer_within_minutes, int64_t now_ms) {
  return WithStatement(*db_, kInsertWave, [&](SqliteStatement& st) {
    st.BindInt64(1, id);
    st.BindInt64(2, wave);
    st.BindInt64(3, now_ms);
    st.BindInt64(4, now_ms + int64_t{answer_within_minutes} * 60000);
    st.BindInt64(5, asked);
    st.BindText(6, reason);
    return st.Run();
  });
}

Status SqliteActivationStore::InsertCallouts(int64_t id, const std::vector<Callout>& callouts,
                                             int wave, int64_t now_ms,
                                             std::vector<StoredCallout>* stored) {
  const size_t n = callouts.size();
  auto tokens = NewAnswerTokens(n);
  if (!tokens.ok()) return tokens.status();
  stored->assign(n, StoredCallout());
  for (size_t i = 0; i < n; ++i) {
    const Callout& c = callouts[i];
    StoredCallout& s = (*stored)[i];
    s.reservist_id = c.candidate.reservist_id;
    s.reservist_name = c.reservist_name;
    s.requirement = c.candidate.requirement_index;
    s.distance_km = c.candidate.distance_km;
    s.wave = wave;
    s.idempotency_key =
        c.idempotency_key.empty() ? CalloutKey(id, c.candidate.reservist_id) : c.idempotency_key;
    s.answer_token = std::move((*tokens)[i]);
  }
  // The roster is read in reservist id order, so the lookups walk the
  // reservists table once, front to back, instead of at random. Call-outs
  // are inserted in selection order (requirement, then rank): their ids,
  // and so the order they are sent in and their delivery updates, follow it.
  // (Inserting in reservist order too made storing a little faster but
  // scattered the dispatcher's updates: six times the time spent storing
  // delivery states for 100,000.)
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return (*stored)[x].reservist_id < (*stored)[y].reservist_id;
  });
  // Contact channels as they are now: a later roster change does not alter
  // whom a call-out goes to. (A reservist deleted meanwhile has none.)
  {
    auto st = db_->Prepare(kSelectChannels);
    if (!st.ok()) return st.status();
    std::vector<ContactChannel> scratch;
    for (size_t i : order) {
      StoredCallout& s = (*stored)[i];
      SqliteStatement::AutoReset reset(**st);
      (*st)->BindInt64(1, s.reservist_id);
      auto row = (*st)->Step();
      if (!row.ok()) return row.status();
      if (!*row) continue;
      auto snapshot = ChannelSnapshot((*st)->ColumnView(0), scratch);
      if (!snapshot.ok()) return snapshot.status();
      s.channels = std::move(snapshot).value();
    }
  }
  // Bound without copies: every bound string lives in `stored` or `callouts`.
  auto bind_row = [&](SqliteStatement& st, int base, size_t i) {
    const Callout& c = callouts[i];
    const StoredCallout& s = (*stored)[i];
    const RankedCandidate& k = c.candidate;
    st.BindInt64(base + 1, id);
    st.BindInt64(base + 2, k.reservist_id);
    st.BindText(base + 3, c.reservist_name);
    st.BindInt64(base + 4, k.requirement_index);
    st.BindInt64(base + 5, wave);
    st.BindInt64(base + 6, k.rank);
    st.BindDouble(base + 7, k.distance_km);
    st.BindInt64(base + 8, k.level);
    st.BindDouble(base + 9, k.score.distance);
    st.BindDouble(base + 10, k.score.level);
    st.BindDouble(base + 11, k.score.fairness);
    st.BindDouble(base + 12, k.score.reliability);
    st.BindDouble(base + 13, k.score.total);
    st.BindDouble(base + 14, k.accept_probability);
    st.BindText(base + 15, s.idempotency_key);
    st.BindInt64(base + 16, now_ms);
    st.BindText(base + 17, s.answer_token);
    st.BindText(base + 18, s.channels);
  };
  // Runs an insert of rows [from, from + count) and takes the returned ids
  // (matched by reservist id: RETURNING order is unspecified).
  auto run = [&](SqliteStatement& st, size_t from, size_t count) -> Status {
    SqliteStatement::AutoReset reset(st);
    for (size_t r = 0; r < count; ++r) {
      bind_row(st, static_cast<int>(r) * kCalloutParams, from + r);
    }
    size_t seen = 0;
    for (auto row = st.Step();; row = st.Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      int64_t reservist = st.ColumnInt64(1);
      size_t at = from;
      while (at < from + count && (*stored)[at].reservist_id != reservist) ++at;
      if (at == from + count) {
        return Status::Internal(fmt::format("storing call-outs: unexpected row for {}", reservist));
      }
      (*stored)[at].id = st.ColumnInt64(0);
      ++seen;
    }
    if (seen != count) return Status::Internal("storing call-outs: rows missing from RETURNING");
    return {};
  };
  size_t i = 0;
  if (n >= static_cast<size_t>(kCalloutsPerInsert)) {
    auto many = db_->Prepare(InsertCalloutsSql(kCalloutsPerInsert));
    if (!many.ok()) return many.status();
    for (; i + kCalloutsPerInsert <= n; i += kCalloutsPerInsert) {
      MUSTER_RETURN_IF_ERROR(run(**many, i, kCalloutsPerInsert));
    }
  }
  if (i < n) {
    auto one = db_->Prepare(InsertCalloutsSql(1));
    if (!one.ok()) return one.status();
    for (; i < n; ++i) MUSTER_RETURN_IF_ERROR(run(**one, i, 1));
  }
  // Outbox rows for the whole wave in one statement, matched back by call-out id.
  std::unordered_map<int64_t, size_t> by_id;
  by_id.reserve(n);
  for (size_t k = 0; k < n; ++k) by_id.emplace((*stored)[k].id, k);
  MUSTER_RETURN_IF_ERROR(WithStatement(*db_, kInsertWaveOutbox, [&](SqliteStatement& st) -> Status {
    st.BindInt64(1, now_ms);
    st.BindInt64(2, id);
    st.BindInt64(3, wave);
    for (auto row = st.Step();; row = st.Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto it = by_id.find(st.ColumnInt64(1));
      if (it != by_id.end()) (*stored)[it->second].outbox_id = st.ColumnInt64(0);
    }
    return {};
  }));
  std::string detail = fmt::format("asked in wave {}", wave);
  return WithStatement(*db_, kInsertWaveEvents, [&](SqliteStatement& st) {
    st.BindInt64(1, now_ms);
    st.BindText(2, detail);
    st.BindInt64(3, id);
    st.BindInt64(4, wave);
    return st.Run();
  });
}

Result<std::vector<Callout>> SqliteActivationStore::AddWave(int64_t id,
                                                            std::vector<Callout> callouts,
                                                            const std::string& reason) {
  std::lock_guard lock(mutex_);
  int64_t now_ms = clock_.NowMs();
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kImmediate);
  if (!tx.ok()) return tx.status();
  auto current = LoadLocked(id, /*with_callouts=*/false);
  if (!current.ok()) return current.status();
  if (current->state != ActivationState::kOpen) {
    return Status::FailedPrecondition(
        fmt::format("activation {} is {}; no new wave", id, ActivationStateName(current->state)));
  }
  auto max_wave = WithStatement(*db_, kMaxWave, [&](SqliteStatement& st) -> Result<int64_t> {
    st.BindInt64(1, id);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    return st.ColumnInt64(0);
  });
  if (!max_wave.ok()) return max_wave.status();
  int wave = static_cast<int>(*max_wave) + 1;
  for (auto& c : callouts) c.wave = wave;
  std::vector<StoredCallout> rows;
  MUSTER_RETURN_IF_ERROR(InsertCallouts(id, callouts, wave, now_ms, &rows));
  MUSTER_RETURN_IF_ERROR(InsertWave(id, wave, static_cast<int>(callouts.size()), reason,
                                    current->spec.answer_within_minutes, now_ms));
  MUSTER_RETURN_IF_ERROR(tx->Commit());
  auto stored = LoadLocked(id, /*with_callouts=*/true);
  if (!stored.ok()) return stored.status();
  std::vector<Callout> out;
  for (auto& c : stored->callouts) {
    if (c.wave == wave) out.push_back(std::move(c));
  }
  return out;
}

Result<std::unordered_map<int64_t, std::string>> SqliteActivationStore::ReservistNames(
    const std::vector<int64_t>& ids) {
  std::lock_guard lock(mutex_);
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!tx.ok()) return tx.status();
  auto st = db_->Prepare(kSelectName);
  if (!st.ok()) return st.status();
  std::unordered_map<int64_t, std::string> out;
  out.reserve(ids.size());
  for (int64_t id : ids) {
    SqliteStatement::AutoReset reset(**st);
    (*st)->BindInt64(1, id);
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    if (*row) out.emplace(id, (*st)->ColumnText(0));
  }
  return out;
}

Result<std::vector<int64_t>> SqliteActivationStore::AskedOn(int64_t id) {
  std::lock_guard lock(mutex_);
  return WithStatement(*db_, kSelectAskedOn,
                       [&](SqliteStatement& st) -> Result<std::vector<int64_t>> {
                         st.BindInt64(1, id);
                         std::vector<int64_t> out;
                         for (auto row = st.Step();; row = st.Step()) {
                           if (!row.ok()) return row.status();
                           if (!*row) break;
                           out.push_back(st.ColumnInt64(0));
                         }
                         return out;
                       });
}

Result<Activation> SqliteActivationStore::Insert(const Activation& a,
                                                 std::vector<StoredCallout>* stored) {
  std::lock_guard lock(mutex_);
  int64_t now_ms = clock_.NowMs();
  std::vector<StoredCallout> local;
  if (!stored) stored = &local;
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kImmediate);
  if (!tx.ok()) return tx.status();
  auto id = InsertHeader(a, now_ms);
  if (!id.ok()) return id.status();
  MUSTER_RETURN_IF_ERROR(InsertChildren(*id, a, now_ms, stored));
  // Read back inside the transaction, without the call-outs: those (and the
  // counts per requirement) come from what was just written instead.
  auto out = LoadLocked(*id, /*with_callouts=*/false, &a.callouts);
  if (!out.ok()) return out.status();
  MUSTER_RETURN_IF_ERROR(tx->Commit());
  out->callouts.reserve(a.callouts.size());
  for (size_t i = 0; i < a.callouts.size(); ++i) {
    Callout c = a.callouts[i];
    const StoredCallout& s = (*stored)[i];
    c.id = s.id;
    c.wave = 1;
    c.idempotency_key = s.idempotency_key;
    c.state = CalloutState::kQueued;
    c.channel_kind = 0;
    c.backend.clear();
    c.last_error.clear();
    c.updated_at_ms = now_ms;
    size_t r = static_cast<size_t>(c.candidate.requirement_index);
    if (r < out->requirements.size()) c.candidate.skill = out->requirements[r].requirement.skill;
    out->callouts.push_back(std::move(c));
  }
  // As LoadCallouts orders them.
  std::stable_sort(out->callouts.begin(), out->callouts.end(),
                   [](const Callout& x, const Callout& y) {
                     return std::tie(x.candidate.requirement_index, x.candidate.rank) <
                            std::tie(y.candidate.requirement_index, y.candidate.rank);
                   });
  return out;
}

Result<Activation> SqliteActivationStore::ReadHeader(SqliteStatement& st) {
  Activation a;
  a.id = st.ColumnInt64(0);
  a.idempotency_key = st.ColumnText(1);
  a.spec_digest = st.ColumnText(2);
  a.spec.title = st.ColumnText(3);
  a.spec.message = st.ColumnText(4);
  a.spec.lat = st.ColumnDouble(5);
  a.spec.lon = st.ColumnDouble(6);
  a.spec.radius_km = st.ColumnDouble(7);
  a.spec.start_unix = st.ColumnInt64(8) / kMsPerSecond;
  a.spec.duration_minutes =
      static_cast<int32_t>((st.ColumnInt64(9) - st.ColumnInt64(8)) / (60 * kMsPerSecond));
  a.spec.answer_within_minutes = st.ColumnInt(10);
  a.spec.priority = static_cast<Priority>(st.ColumnInt(11));
  a.state = static_cast<ActivationState>(st.ColumnInt(12));
  a.created_at_ms = st.ColumnInt64(13);
  a.updated_at_ms = st.ColumnInt64(14);
  a.spec.areas = SplitAreas(st.ColumnText(15));
  a.raised_by_areas = SplitAreas(st.ColumnText(16));
  a.selection.known = st.ColumnInt64(17) >= 0;
  if (a.selection.known) {
    a.selection.activation_event = st.ColumnInt64(17);
    a.selection.callout_event = st.ColumnInt64(18);
  }
  return a;
}

Status SqliteActivationStore::LoadRequirements(Activation& a, const std::vector<Callout>* fresh) {
  MUSTER_RETURN_IF_ERROR(
      WithStatement(*db_, kSelectRequirements, [&](SqliteStatement& st) -> Status {
        st.BindInt64(1, a.id);
        for (auto row = st.Step();; row = st.Step()) {
          if (!row.ok()) return row.status();
          if (!*row) break;
          RequirementRecord r;
          r.requirement.skill = st.ColumnText(1);
          r.requirement.min_level = st.ColumnInt(2);
          r.requirement.count = st.ColumnInt(3);
          r.eligible = st.ColumnInt64(4);
          r.asked_elsewhere = st.ColumnInt64(5);
          a.spec.requirements.push_back(
              {r.requirement.skill, r.requirement.min_level, r.requirement.count});
          a.requirements.push_back(std::move(r));
        }
        return {};
      }));
  for (auto& r : a.requirements) {
    MUSTER_RETURN_IF_ERROR(
        WithStatement(*db_, kSelectSkillRange, [&](SqliteStatement& st) -> Status {
          st.BindText(1, r.requirement.skill);
          auto row = st.Step();
          if (!row.ok()) return row.status();
          if (*row) {
            r.requirement.skill_min_level = st.ColumnInt(0);
            r.requirement.skill_max_level = st.ColumnInt(1);
          }
          return {};
        }));
  }
  if (fresh) {
    // Just stored: every call-out is queued (no need to count them in SQL,
    // which for a million call-outs read them all back).
    for (const Callout& c : *fresh) {
      size_t pos = static_cast<size_t>(c.candidate.requirement_index);
      if (pos >= a.requirements.size()) continue;
      ++a.requirements[pos].asked;
      CountCallout(a.requirements[pos], CalloutState::kQueued);
    }
  } else {
    MUSTER_RETURN_IF_ERROR(
        WithStatement(*db_, kSelectAskedPerRequirement, [&](SqliteStatement& st) -> Status {
          st.BindInt64(1, a.id);
          for (auto row = st.Step();; row = st.Step()) {
            if (!row.ok()) return row.status();
            if (!*row) break;
            size_t pos = static_cast<size_t>(st.ColumnInt64(0));
            if (pos >= a.requirements.size()) continue;
            auto state = static_cast<CalloutState>(st.ColumnInt(1));
            int n = st.ColumnInt(2);
            RequirementRecord& r = a.requirements[pos];
            r.asked += n;
            for (int i = 0; i < n; ++i) CountCallout(r, state);
          }
          return {};
        }));
  }
  for (auto& r : a.requirements) r.shortfall = ShortfallOf(r);
  return {};
}

Status SqliteActivationStore::LoadCallouts(Activation& a) {
  return WithStatement(*db_, kSelectCallouts, [&](SqliteStatement& st) -> Status {
    st.BindInt64(1, a.id);
    for (auto row = st.Step();; row = st.Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      Callout c;
      c.id = st.ColumnInt64(0);
      RankedCandidate& k = c.candidate;
      k.reservist_id = st.ColumnInt64(1);
      c.reservist_name = st.ColumnText(2);
      k.requirement_index = st.ColumnInt(3);
      k.skill = st.ColumnText(4);
      c.wave = st.ColumnInt(5);
      k.rank = st.ColumnInt(6);
      k.distance_km = st.ColumnDouble(7);
      k.level = st.ColumnInt(8);
      k.score = {st.ColumnDouble(9), st.ColumnDouble(10), st.ColumnDouble(11), st.ColumnDouble(12),
                 st.ColumnDouble(13)};
      k.accept_probability = st.ColumnDouble(14);
      c.idempotency_key = st.ColumnText(15);
      c.state = static_cast<CalloutState>(st.ColumnInt(16));
      c.channel_kind = st.ColumnInt(17);
      c.backend = st.ColumnText(18);
      c.last_error = st.ColumnText(19);
      c.updated_at_ms = st.ColumnInt64(20);
      a.callouts.push_back(std::move(c));
    }
    return {};
  });
}

Status SqliteActivationStore::LoadHistory(Activation& a) {
  return WithStatement(*db_, kSelectEvents, [&](SqliteStatement& st) -> Status {
    st.BindInt64(1, a.id);
    for (auto row = st.Step();; row = st.Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      a.history.push_back(
          {static_cast<ActivationState>(st.ColumnInt(0)), st.ColumnInt64(1), st.ColumnText(2)});
    }
    return {};
  });
}

Result<Activation> SqliteActivationStore::LoadLocked(int64_t id, bool with_callouts,
                                                     const std::vector<Callout>* fresh) {
  auto header = WithStatement(*db_, kSelectById, [&](SqliteStatement& st) -> Result<Activation> {
    st.BindInt64(1, id);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound(fmt::format("activation {} not found", id));
    return ReadHeader(st);
  });
  if (!header.ok()) return header;
  Activation a = std::move(header).value();
  MUSTER_RETURN_IF_ERROR(LoadRequirements(a, fresh));
  if (with_callouts) MUSTER_RETURN_IF_ERROR(LoadCallouts(a));
  MUSTER_RETURN_IF_ERROR(LoadHistory(a));
  return a;
}

Result<Activation> SqliteActivationStore::Get(int64_t id) {
  std::lock_guard lock(mutex_);
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!tx.ok()) return tx.status();
  return LoadLocked(id, /*with_callouts=*/true);
}

Result<ActivationReach> SqliteActivationStore::ReachOf(int64_t id) {
  std::lock_guard lock(mutex_);
  return WithStatement(*db_, kSelectAreas, [&](SqliteStatement& st) -> Result<ActivationReach> {
    st.BindInt64(1, id);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return Status::NotFound(fmt::format("activation {} not found", id));
    }
    return ActivationReach{SplitAreas(st.ColumnText(0)), SplitAreas(st.ColumnText(1))};
  });
}

Result<std::optional<Activation>> SqliteActivationStore::FindByKey(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!tx.ok()) return tx.status();
  auto id = WithStatement(*db_, kSelectByKey, [&](SqliteStatement& st) -> Result<int64_t> {
    st.BindText(1, key);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    return *row ? st.ColumnInt64(0) : int64_t{0};
  });
  if (!id.ok()) return id.status();
  if (*id == 0) return std::optional<Activation>();
  auto a = LoadLocked(*id, /*with_callouts=*/true);
  if (!a.ok()) return a.status();
  return std::optional<Activation>(std::move(a).value());
}

Result<std::vector<Activation>> SqliteActivationStore::List(std::optional<ActivationState> state,
                                                            int64_t before_id, int limit) {
  std::lock_guard lock(mutex_);
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!tx.ok()) return tx.status();
  auto ids =
      WithStatement(*db_, kSelectPage, [&](SqliteStatement& st) -> Result<std::vector<int64_t>> {
        st.BindInt64(1, before_id > 0 ? before_id : INT64_MAX);
        st.BindInt64(2, state ? static_cast<int>(*state) : 0);
        st.BindInt64(3, limit);
        std::vector<int64_t> out;
        for (auto row = st.Step();; row = st.Step()) {
          if (!row.ok()) return row.status();
          if (!*row) break;
          out.push_back(st.ColumnInt64(0));
        }
        return out;
      });
  if (!ids.ok()) return ids.status();
  std::vector<Activation> out;
  for (int64_t id : *ids) {
    auto a = LoadLocked(id, /*with_callouts=*/false);
    if (!a.ok()) return a.status();
    out.push_back(std::move(a).value());
  }
  return out;
}

Result<Activation> SqliteActivationStore::Transition(int64_t id,
                                                     const std::vector<ActivationState>& from,
                                                     ActivationState to,
                                                     const std::string& reason) {
  std::lock_guard lock(mutex_);
  int64_t now_ms = clock_.NowMs();
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kImmediate);
  if (!tx.ok()) return tx.status();
  auto current = LoadLocked(id, /*with_callouts=*/false);
  if (!current.ok()) return current.status();
  bool allowed = false;
  for (ActivationState s : from) allowed |= current->state == s;
  if (!allowed) {
    return Status::FailedPrecondition(fmt::format("activation {} is {}; cannot move it to {}", id,
                                                  ActivationStateName(current->state),
                                                  ActivationStateName(to)));
  }
  MUSTER_RETURN_IF_ERROR(WithStatement(*db_, kUpdateState, [&](SqliteStatement& st) {
    st.BindInt64(1, id);
    st.BindInt64(2, static_cast<int>(to));
    st.BindInt64(3, now_ms);
    return st.Run();
  }));
  MUSTER_RETURN_IF_ERROR(InsertEvent(id, to, reason, now_ms));
  MUSTER_RETURN_IF_ERROR(tx->Commit());
  return LoadLocked(id, /*with_callouts=*/true);
}

Result<SelectionInputs> SqliteActivationStore::ReadSelectionInputs(int64_t start_unix,
                                                                   int64_t end_unix,
                                                                   int64_t history_as_of_unix) {
  std::lock_guard lock(mutex_);
  return ReadInputsLocked(kSelectBusy, kSelectHistory, start_unix, end_unix, history_as_of_unix,
                          nullptr);
}

Result<SelectionInputs> SqliteActivationStore::ReadSelectionInputsAsOf(int64_t start_unix,
                                                                       int64_t end_unix,
                                                                       int64_t history_as_of_unix,
                                                                       const SelectionMark& mark) {
  std::lock_guard lock(mutex_);
  return ReadInputsLocked(kSelectBusyAsOf, kSelectHistoryAsOf, start_unix, end_unix,
                          history_as_of_unix, &mark);
}

Result<SelectionInputs> SqliteActivationStore::ReadInputsLocked(
    const char* busy_sql, const char* history_sql, int64_t start_unix, int64_t end_unix,
    int64_t history_as_of_unix, const SelectionMark* mark) {
  // One read transaction: the mark names exactly the state the rows show.
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!tx.ok()) return tx.status();
  SelectionInputs in;
  if (mark) {
    in.mark = *mark;
  } else {
    MUSTER_RETURN_IF_ERROR(WithStatement(*db_, kSelectMark, [&](SqliteStatement& st) -> Status {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      in.mark = {true, st.ColumnInt64(0), st.ColumnInt64(1)};
      return {};
    }));
  }
  MUSTER_RETURN_IF_ERROR(WithStatement(*db_, busy_sql, [&](SqliteStatement& st) -> Status {
    st.BindInt64(1, start_unix * kMsPerSecond);
    st.BindInt64(2, end_unix * kMsPerSecond);
    if (mark) {
      st.BindInt64(3, mark->activation_event);
      st.BindInt64(4, mark->callout_event);
    }
    for (auto row = st.Step();; row = st.Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      in.busy.push_back({st.ColumnInt64(0), st.ColumnInt64(1)});
    }
    return {};
  }));
  MUSTER_RETURN_IF_ERROR(WithStatement(*db_, history_sql, [&](SqliteStatement& st) -> Status {
    st.BindInt64(1, history_as_of_unix * kMsPerSecond);
    if (mark) {
      st.BindInt64(2, mark->activation_event);
      st.BindInt64(3, mark->callout_event);
    }
    for (auto row = st.Step();; row = st.Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      ReservistHistory h;
      h.reservist_id = st.ColumnInt64(0);
      h.callouts_30d = st.ColumnInt(1);
      h.asked = st.ColumnInt(2);
      h.accepted = st.ColumnInt(3);
      h.declined = st.ColumnInt(4);
      h.last_deployment_end = st.ColumnInt64(5) / kMsPerSecond;
      in.history.push_back(h);
    }
    return {};
  }));
  return in;
}

}  // namespace muster
