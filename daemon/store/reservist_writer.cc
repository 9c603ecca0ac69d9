#include "store/reservist_writer.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/packed_children.h"

namespace muster {
namespace {

// ?1..?9 and ?11..?13 (the packed lists, schema/0008) are shared by insert
// and update (see BindReservist). The insert leaves an existing external id
// alone (changes() == 0), which tells the caller to replace instead, without
// a lookup before every create.
constexpr const char* kInsertReservist =
    "INSERT INTO reservists (external_id, name, lat, lon, postcode, home_area, max_travel_km, "
    "status, created_at_ms, updated_at_ms, channels, windows, unavailability) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?11, ?12, ?13) "
    "ON CONFLICT (external_id) DO NOTHING";
constexpr const char* kUpdateReservist =
    "UPDATE reservists SET external_id = ?1, name = ?2, lat = ?3, lon = ?4, postcode = ?5, "
    "home_area = ?6, max_travel_km = ?7, status = ?8, updated_at_ms = ?9, channels = ?11, "
    "windows = ?12, unavailability = ?13 WHERE id = ?10";
constexpr const char* kFindByExternalId =
    "SELECT id, created_at_ms FROM reservists WHERE external_id = ?1";
constexpr const char* kFindById = "SELECT created_at_ms FROM reservists WHERE id = ?1";
constexpr const char* kSetStatus =
    "UPDATE reservists SET status = ?1, updated_at_ms = ?2 WHERE id = ?3";
constexpr const char* kDeleteReservist = "DELETE FROM reservists WHERE id = ?1";

// Skill holdings are the only child rows left (the other lists are packed).
constexpr const char* kDeleteSkills = "DELETE FROM reservist_skills WHERE reservist_id = ?1";
constexpr const char* kInsertSkill =
    "INSERT INTO reservist_skills (reservist_id, position, skill, level, cert_issuer, "
    "cert_expires_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

std::string NotFoundMessage(int64_t id) {
  return fmt::format("reservist {} not found", id);
}

}  // namespace

Status MapCheckViolation(const SqliteStatement& statement, Status status, std::string_view prefix) {
  const std::string& message = statement.error_message();
  std::string name;
  if (statement.error_code() == SQLITE_CONSTRAINT_CHECK) {
    // "CHECK constraint failed: <constraint name>"
    name = message.substr(message.rfind(": ") == std::string::npos ? 0 : message.rfind(": ") + 2);
  } else if (statement.error_code() == SQLITE_CONSTRAINT_NOTNULL) {
    // "NOT NULL constraint failed: <table>.<column>"
    name = message.substr(message.rfind('.') == std::string::npos ? 0 : message.rfind('.') + 1);
  } else {
    return status;
  }
  std::string field = prefix.empty() ? name : fmt::format("{}.{}", prefix, name);
  return Status::InvalidArgument(std::move(field),
                                 fmt::format("rejected by the database ({})", message));
}

Result<std::unique_ptr<ReservistWriter>> ReservistWriter::Create(SqliteDb& db) {
  std::unique_ptr<ReservistWriter> w(new ReservistWriter(db));
  struct Slot {
    SqliteStatement** slot;
    const char* sql;
  };
  const Slot slots[] = {
      {&w->insert_, kInsertReservist},
      {&w->update_, kUpdateReservist},
      {&w->find_by_external_id_, kFindByExternalId},
      {&w->find_by_id_, kFindById},
      {&w->set_status_, kSetStatus},
      {&w->delete_, kDeleteReservist},
      {&w->delete_skills_, kDeleteSkills},
      {&w->insert_skill_, kInsertSkill},
  };
  for (const Slot& s : slots) {
    auto statement = db.Prepare(s.sql);
    if (!statement.ok()) return statement.status();
    *s.slot = *statement;
  }
  return w;
}

Status ReservistWriter::BindReservist(SqliteStatement& st, const Reservist& r, int64_t now_ms) {
  MUSTER_RETURN_IF_ERROR(CheckPackedChildren(r));
  PackChildren(r, packed_);  // bound below: lives until the next call
  st.BindText(11, packed_.channels);
  st.BindText(12, packed_.windows);
  st.BindText(13, packed_.unavailability);
  st.BindTextOrNull(1, r.external_id);
  st.BindText(2, r.name);
  st.BindDouble(3, r.lat);
  st.BindDouble(4, r.lon);
  st.BindText(5, r.postcode);
  st.BindText(6, r.home_area);
  st.BindDouble(7, r.max_travel_km);
  st.BindInt64(8, static_cast<int64_t>(r.status));
  st.BindInt64(9, now_ms);
  return {};
}

Status ReservistWriter::MapReservistError(const SqliteStatement& st, Status status,
                                          const Reservist& r) {
  if (st.error_code() != SQLITE_CONSTRAINT_UNIQUE) return MapCheckViolation(st, status, "");
  // The only unique column of reservists besides the id is external_id.
  SqliteStatement& find = *find_by_external_id_;
  SqliteStatement::AutoReset reset(find);
  find.BindText(1, r.external_id);
  auto row = find.Step();
  int64_t owner = row.ok() && *row ? find.ColumnInt64(0) : 0;
  return Status::AlreadyExists(
      "external_id",
      fmt::format("external_id '{}' already belongs to reservist {}", r.external_id, owner));
}

Result<ReservistWriter::Written> ReservistWriter::UpsertByExternalId(const Reservist& r,
                                                                     int64_t now_ms) {
  MUSTER_RETURN_IF_ERROR(BindReservist(*insert_, r, now_ms));
  Status st = insert_->Run();
  if (!st.ok()) return MapReservistError(*insert_, st, r);
  if (db_.Changes() == 1) {
    Written w{db_.LastInsertRowid(), now_ms, true};
    MUSTER_RETURN_IF_ERROR(InsertSkills(w.id, r));
    return w;
  }
  // The external id exists: replace that reservist, keeping its created_at.
  Written w;
  {
    SqliteStatement& find = *find_by_external_id_;
    SqliteStatement::AutoReset reset(find);
    find.BindText(1, r.external_id);
    auto row = find.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Internal("external id vanished during upsert");
    w = Written{find.ColumnInt64(0), find.ColumnInt64(1), false};
  }
  MUSTER_RETURN_IF_ERROR(Replace(w.id, r, now_ms));
  return w;
}

Result<ReservistWriter::Written> ReservistWriter::ReplaceById(const Reservist& r, int64_t now_ms) {
  Written w{r.id, 0, false};
  {
    SqliteStatement& find = *find_by_id_;
    SqliteStatement::AutoReset reset(find);
    find.BindInt64(1, r.id);
    auto row = find.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound(NotFoundMessage(r.id));
    w.created_at_ms = find.ColumnInt64(0);
  }
  MUSTER_RETURN_IF_ERROR(Replace(w.id, r, now_ms));
  return w;
}

Status ReservistWriter::Replace(int64_t id, const Reservist& r, int64_t now_ms) {
  MUSTER_RETURN_IF_ERROR(BindReservist(*update_, r, now_ms));
  update_->BindInt64(10, id);
  Status st = update_->Run();
  if (!st.ok()) return MapReservistError(*update_, st, r);
  // Skill holdings are replaced wholesale: simpler and, for the few rows a
  // reservist has, no slower than diffing.
  delete_skills_->BindInt64(1, id);
  MUSTER_RETURN_IF_ERROR(delete_skills_->Run());
  return InsertSkills(id, r);
}

Status ReservistWriter::SetStatus(int64_t id, ReservistStatus status, int64_t now_ms) {
  set_status_->BindInt64(1, static_cast<int64_t>(status));
  set_status_->BindInt64(2, now_ms);
  set_status_->BindInt64(3, id);
  Status st = set_status_->Run();
  if (!st.ok()) return MapCheckViolation(*set_status_, st, "");
  if (db_.Changes() == 0) return Status::NotFound(NotFoundMessage(id));
  return {};
}

Status ReservistWriter::Delete(int64_t id) {
  delete_->BindInt64(1, id);
  MUSTER_RETURN_IF_ERROR(delete_->Run());
  if (db_.Changes() == 0) return Status::NotFound(NotFoundMessage(id));
  return {};
}

Status ReservistWriter::InsertSkills(int64_t id, const Reservist& r) {
  SqliteStatement& st = *insert_skill_;
  for (size_t i = 0; i < r.skills.size(); ++i) {
    const SkillHolding& h = r.skills[i];
    st.BindInt64(1, id);
    st.BindInt64(2, static_cast<int64_t>(i));
    st.BindText(3, h.skill);
    st.BindInt64(4, h.level);
    st.BindText(5, h.cert_issuer);
    if (h.cert_expires) {
      st.BindInt64(6, h.cert_expires->days);
    } else {
      st.BindNull(6);
    }
    Status s = st.Run();
    if (s.ok()) continue;
    std::string prefix = fmt::format("skills[{}]", i);
    if (st.error_code() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::InvalidArgument(prefix + ".skill",
                                     fmt::format("unknown skill code '{}'", h.skill));
    }
    if (st.error_code() == SQLITE_CONSTRAINT_UNIQUE) {
      return Status::InvalidArgument(prefix + ".skill",
                                     fmt::format("skill '{}' is listed twice", h.skill));
    }
    return MapCheckViolation(st, s, prefix);
  }
  return {};
}

}  // namespace muster
