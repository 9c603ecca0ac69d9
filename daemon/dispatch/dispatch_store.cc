#include "dispatch/dispatch_store.h"

#include <fmt/format.h>

#include "activation/callout_key.h"
#include "store/sqlite_transaction.h"

namespace muster::dispatch {
namespace {

// Open and filled activations; any with messages still to send; and
// cancelled or stood-down ones with call-outs never stood down (a crash
// between the state change and the stand-downs).
constexpr const char* kSelectLiveIds =
    "SELECT id FROM activations WHERE state IN (1, 2) UNION "
    "SELECT DISTINCT c.activation_id FROM outbox o JOIN callouts c ON c.id = o.callout_id "
    "WHERE o.state = 1 UNION "
    "SELECT DISTINCT c.activation_id FROM callouts c JOIN activations a ON a.id = c.activation_id "
    "WHERE a.state IN (3, 4) AND c.state IN (1, 2, 3, 5)";

constexpr const char* kSelectHeader =
    "SELECT id, title, message, lat, lon, radius_km, start_at_ms, end_at_ms, "
    "answer_within_minutes, priority, state, created_at_ms, coalesce(idempotency_key, '') "
    "FROM activations WHERE id = ?1";

constexpr const char* kSelectRequirements =
    "SELECT skill, min_level, count, eligible FROM activation_requirements "
    "WHERE activation_id = ?1 ORDER BY position";

constexpr const char* kSelectCallouts =
    "SELECT id, reservist_id, reservist_name, requirement_position, wave, state, "
    "idempotency_key, coalesce(answer_token, ''), channels, channel, backend, last_error, "
    "updated_at_ms, answered_at_ms IS NOT NULL, distance_km FROM callouts WHERE activation_id = ?1 "
    "ORDER BY id";

constexpr const char* kSelectWaves =
    "SELECT wave, started_at_ms, deadline_ms, closed FROM waves WHERE activation_id = ?1 "
    "ORDER BY wave";

constexpr const char* kSelectPendingOutbox =
    "SELECT o.id, o.callout_id, o.kind, o.idempotency_key, o.attempts FROM outbox o "
    "JOIN callouts c ON c.id = o.callout_id WHERE o.state = 1 AND (?1 = 0 OR c.activation_id = ?1) "
    "ORDER BY o.id";

constexpr const char* kSelectRecentSends =
    "SELECT c.reservist_id, e.at_ms FROM callout_events e JOIN callouts c ON c.id = e.callout_id "
    "WHERE e.at_ms >= ?1 AND e.state IN (2, 3) AND e.detail LIKE 'call-out %'";

// ?8: a bit mask of the stored states the change applies from (bit s for
// state s; 0 = any), so the check and the change are one statement.
constexpr const char* kUpdateCallout =
    "UPDATE callouts SET state = ?2, channel = CASE WHEN ?3 > 0 THEN ?3 ELSE channel END, "
    "backend = CASE WHEN ?4 <> '' THEN ?4 ELSE backend END, last_error = ?5, updated_at_ms = ?6, "
    "answered_at_ms = CASE WHEN ?7 THEN ?6 ELSE answered_at_ms END "
    "WHERE id = ?1 AND (?8 = 0 OR ((1 << state) & ?8) <> 0)";

constexpr const char* kInsertEvent =
    "INSERT INTO callout_events (activation_id, callout_id, at_ms, state, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr const char* kUpdateOutbox =
    "UPDATE outbox SET state = ?2, attempts = ?3, updated_at_ms = ?4 WHERE id = ?1";

constexpr const char* kInsertStandDown =
    "INSERT INTO outbox (callout_id, kind, idempotency_key, state, created_at_ms, updated_at_ms) "
    "VALUES (?1, 2, ?2, 1, ?3, ?3) ON CONFLICT (callout_id, kind) DO NOTHING";

constexpr const char* kCloseWave =
    "UPDATE waves SET closed = 1 WHERE activation_id = ?1 AND wave = ?2";

}  // namespace

std::vector<ContactChannel> ParseChannelSnapshot(std::string_view text) {
  std::vector<ContactChannel> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    int kind = line[0] - '0';
    if (tab != 1 || kind < 1 || kind > 3) continue;
    out.push_back({static_cast<ChannelKind>(kind), std::string(line.substr(tab + 1))});
  }
  return out;
}

Result<std::unique_ptr<DispatchStore>> DispatchStore::Open(const std::string& path) {
  SqliteDbOptions options;
  options.busy_timeout_ms = 30000;
  options.cache_size_kib = 16 * 1024;
  auto db = SqliteDb::Open(path, options);
  if (!db.ok()) return db.status();
  return std::unique_ptr<DispatchStore>(new DispatchStore(std::move(db).value()));
}

Status DispatchStore::LoadCallouts(LiveActivationRow& row) {
  auto st = db_->Prepare(kSelectCallouts);
  if (!st.ok()) return st.status();
  SqliteStatement::AutoReset reset(**st);
  (*st)->BindInt64(1, row.activation.id);
  for (auto r = (*st)->Step();; r = (*st)->Step()) {
    if (!r.ok()) return r.status();
    if (!*r) break;
    SqliteStatement& s = **st;
    CalloutRow c;
    c.id = s.ColumnInt64(0);
    c.activation_id = row.activation.id;
    c.reservist_id = s.ColumnInt64(1);
    c.reservist_name = s.ColumnText(2);
    c.requirement = s.ColumnInt(3);
    c.wave = s.ColumnInt(4);
    c.state = static_cast<CalloutState>(s.ColumnInt(5));
    c.idempotency_key = s.ColumnText(6);
    c.answer_token = s.ColumnText(7);
    c.channels = ParseChannelSnapshot(s.ColumnView(8));
    c.channel_kind = s.ColumnInt(9);
    c.backend = s.ColumnText(10);
    c.last_error = s.ColumnText(11);
    c.updated_at_ms = s.ColumnInt64(12);
    c.answered = s.ColumnInt(13) != 0;
    c.distance_km = s.ColumnDouble(14);
    row.callouts.push_back(std::move(c));
  }
  return {};
}

Status DispatchStore::LoadWaves(LiveActivationRow& row) {
  auto st = db_->Prepare(kSelectWaves);
  if (!st.ok()) return st.status();
  SqliteStatement::AutoReset reset(**st);
  (*st)->BindInt64(1, row.activation.id);
  for (auto r = (*st)->Step();; r = (*st)->Step()) {
    if (!r.ok()) return r.status();
    if (!*r) break;
    SqliteStatement& s = **st;
    row.waves.push_back({s.ColumnInt(0), s.ColumnInt64(1), s.ColumnInt64(2), s.ColumnInt(3) != 0});
  }
  return {};
}

Result<LiveActivationRow> DispatchStore::LoadOne(int64_t id, bool with_callouts) {
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kDeferred);
  if (!tx.ok()) return tx.status();
  LiveActivationRow row;
  Activation& a = row.activation;
  {
    auto st = db_->Prepare(kSelectHeader);
    if (!st.ok()) return st.status();
    SqliteStatement::AutoReset reset(**st);
    (*st)->BindInt64(1, id);
    auto r = (*st)->Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::NotFound(fmt::format("activation {} not found", id));
    SqliteStatement& s = **st;
    a.id = s.ColumnInt64(0);
    a.spec.title = s.ColumnText(1);
    a.spec.message = s.ColumnText(2);
    a.spec.lat = s.ColumnDouble(3);
    a.spec.lon = s.ColumnDouble(4);
    a.spec.radius_km = s.ColumnDouble(5);
    a.spec.start_unix = s.ColumnInt64(6) / 1000;
    a.spec.duration_minutes = static_cast<int32_t>((s.ColumnInt64(7) - s.ColumnInt64(6)) / 60000);
    a.spec.answer_within_minutes = s.ColumnInt(8);
    a.spec.priority = static_cast<Priority>(s.ColumnInt(9));
    a.state = static_cast<ActivationState>(s.ColumnInt(10));
    a.created_at_ms = s.ColumnInt64(11);
    a.idempotency_key = s.ColumnText(12);
  }
  {
    auto st = db_->Prepare(kSelectRequirements);
    if (!st.ok()) return st.status();
    SqliteStatement::AutoReset reset(**st);
    (*st)->BindInt64(1, id);
    for (auto r = (*st)->Step();; r = (*st)->Step()) {
      if (!r.ok()) return r.status();
      if (!*r) break;
      SqliteStatement& s = **st;
      RequirementRecord rec;
      rec.requirement.skill = s.ColumnText(0);
      rec.requirement.min_level = s.ColumnInt(1);
      rec.requirement.count = s.ColumnInt(2);
      rec.eligible = s.ColumnInt64(3);
      a.spec.requirements.push_back(
          {rec.requirement.skill, rec.requirement.min_level, rec.requirement.count});
      a.requirements.push_back(std::move(rec));
    }
  }
  if (with_callouts) MUSTER_RETURN_IF_ERROR(LoadCallouts(row));
  MUSTER_RETURN_IF_ERROR(LoadWaves(row));
  return row;
}

Result<std::vector<LiveActivationRow>> DispatchStore::LoadLive() {
  std::vector<int64_t> ids;
  {
    auto st = db_->Prepare(kSelectLiveIds);
    if (!st.ok()) return st.status();
    SqliteStatement::AutoReset reset(**st);
    for (auto r = (*st)->Step();; r = (*st)->Step()) {
      if (!r.ok()) return r.status();
      if (!*r) break;
      ids.push_back((*st)->ColumnInt64(0));
    }
  }
  std::vector<LiveActivationRow> out;
  for (int64_t id : ids) {
    auto row = LoadOne(id);
    if (!row.ok()) return row.status();
    out.push_back(std::move(row).value());
  }
  return out;
}

Result<std::vector<OutboxRow>> DispatchStore::LoadPendingOutbox(int64_t activation_id) {
  auto st = db_->Prepare(kSelectPendingOutbox);
  if (!st.ok()) return st.status();
  SqliteStatement::AutoReset reset(**st);
  (*st)->BindInt64(1, activation_id);
  std::vector<OutboxRow> out;
  for (auto r = (*st)->Step();; r = (*st)->Step()) {
    if (!r.ok()) return r.status();
    if (!*r) break;
    SqliteStatement& s = **st;
    out.push_back({s.ColumnInt64(0), s.ColumnInt64(1), static_cast<OutboxKind>(s.ColumnInt(2)),
                   s.ColumnText(3), s.ColumnInt(4)});
  }
  return out;
}

Result<std::vector<std::pair<int64_t, int64_t>>> DispatchStore::RecentCalloutSends(
    int64_t since_ms) {
  auto st = db_->Prepare(kSelectRecentSends);
  if (!st.ok()) return st.status();
  SqliteStatement::AutoReset reset(**st);
  (*st)->BindInt64(1, since_ms);
  std::vector<std::pair<int64_t, int64_t>> out;
  for (auto r = (*st)->Step();; r = (*st)->Step()) {
    if (!r.ok()) return r.status();
    if (!*r) break;
    out.emplace_back((*st)->ColumnInt64(0), (*st)->ColumnInt64(1));
  }
  return out;
}

Result<std::vector<int64_t>> DispatchStore::Apply(
    const std::vector<CalloutUpdate>& callouts, const std::vector<OutboxUpdate>& outbox,
    const std::vector<std::pair<int64_t, std::string>>& new_standdowns, int64_t now_ms) {
  auto tx = SqliteTransaction::Begin(*db_, SqliteTransaction::Kind::kImmediate);
  if (!tx.ok()) return tx.status();
  auto update = db_->Prepare(kUpdateCallout);
  if (!update.ok()) return update.status();
  auto event = db_->Prepare(kInsertEvent);
  if (!event.ok()) return event.status();
  for (const CalloutUpdate& u : callouts) {
    int64_t from_mask = 0;
    for (CalloutState s : u.only_from) from_mask |= int64_t{1} << static_cast<int>(s);
    {
      SqliteStatement::AutoReset reset(**update);
      SqliteStatement& s = **update;
      s.BindInt64(1, u.callout_id);
      s.BindInt64(2, static_cast<int>(u.state));
      s.BindInt64(3, u.channel_kind);
      s.BindText(4, u.backend);
      s.BindText(5, u.last_error);
      s.BindInt64(6, now_ms);
      s.BindInt64(7, u.answered ? 1 : 0);
      s.BindInt64(8, from_mask);
      MUSTER_RETURN_IF_ERROR(s.Run());
      if (db_->Changes() == 0) continue;  // not from an allowed state (or gone): no event
    }
    SqliteStatement::AutoReset reset(**event);
    SqliteStatement& e = **event;
    e.BindInt64(1, u.activation_id);
    e.BindInt64(2, u.callout_id);
    e.BindInt64(3, now_ms);
    e.BindInt64(4, static_cast<int>(u.state));
    e.BindText(5, u.detail);
    MUSTER_RETURN_IF_ERROR(e.Run());
  }
  auto ob = db_->Prepare(kUpdateOutbox);
  if (!ob.ok()) return ob.status();
  for (const OutboxUpdate& u : outbox) {
    SqliteStatement::AutoReset reset(**ob);
    (*ob)->BindInt64(1, u.outbox_id);
    (*ob)->BindInt64(2, static_cast<int>(u.state));
    (*ob)->BindInt64(3, u.attempts);
    (*ob)->BindInt64(4, now_ms);
    MUSTER_RETURN_IF_ERROR((*ob)->Run());
  }
  std::vector<int64_t> ids;
  auto sd = db_->Prepare(kInsertStandDown);
  if (!sd.ok()) return sd.status();
  for (const auto& [callout_id, key] : new_standdowns) {
    SqliteStatement::AutoReset reset(**sd);
    (*sd)->BindInt64(1, callout_id);
    std::string standdown_key = MessageKey(key, MessageRole::kStandDown);  // bound without a copy
    (*sd)->BindText(2, standdown_key);
    (*sd)->BindInt64(3, now_ms);
    MUSTER_RETURN_IF_ERROR((*sd)->Run());
    ids.push_back(db_->Changes() > 0 ? db_->LastInsertRowid() : 0);
  }
  MUSTER_RETURN_IF_ERROR(tx->Commit());
  return ids;
}

Status DispatchStore::CloseWave(int64_t activation_id, int wave) {
  auto st = db_->Prepare(kCloseWave);
  if (!st.ok()) return st.status();
  SqliteStatement::AutoReset reset(**st);
  (*st)->BindInt64(1, activation_id);
  (*st)->BindInt64(2, wave);
  return (*st)->Run();
}

}  // namespace muster::dispatch
