#include "store/reservist_cursor.h"

#include "store/packed_children.h"

namespace muster {
namespace {

// Column positions in the reservists query (reservist_sql.cc).
enum ReservistColumn {
  kId,
  kExternalId,
  kName,
  kLat,
  kLon,
  kPostcode,
  kHomeArea,
  kMaxTravelKm,
  kStatus,
  kCreatedAt,
  kUpdatedAt,
  kChannels,
  kWindows,
  kUnavailability
};

Status ReadReservist(const SqliteStatement& st, Reservist& r) {
  r.id = st.ColumnInt64(kId);
  r.external_id.assign(st.ColumnView(kExternalId));  // NULL reads as empty
  r.name.assign(st.ColumnView(kName));
  r.lat = st.ColumnDouble(kLat);
  r.lon = st.ColumnDouble(kLon);
  r.postcode.assign(st.ColumnView(kPostcode));
  r.home_area.assign(st.ColumnView(kHomeArea));
  r.max_travel_km = st.ColumnDouble(kMaxTravelKm);
  r.status = static_cast<ReservistStatus>(st.ColumnInt(kStatus));
  r.created_at_ms = st.ColumnInt64(kCreatedAt);
  r.updated_at_ms = st.ColumnInt64(kUpdatedAt);
  r.skills.clear();
  MUSTER_RETURN_IF_ERROR(UnpackChannels(st.ColumnView(kChannels), r.channels));
  MUSTER_RETURN_IF_ERROR(UnpackWindows(st.ColumnView(kWindows), r.availability));
  return UnpackUnavailability(st.ColumnView(kUnavailability), r.unavailable);
}

// Holding rows: column 0 is reservist_id, the holding's columns follow.
void ReadSkill(const SqliteStatement& st, Reservist& r) {
  SkillHolding& h = r.skills.emplace_back();
  h.skill.assign(st.ColumnView(1));
  h.level = st.ColumnInt(2);
  h.cert_issuer.assign(st.ColumnView(3));
  if (!st.ColumnIsNull(4)) h.cert_expires = Date{st.ColumnInt(4)};
}

}  // namespace

Result<std::unique_ptr<ReservistCursor>> ReservistCursor::Open(SqliteDb& db, ReservistFilter filter,
                                                               int64_t after_id) {
  std::unique_ptr<ReservistCursor> cursor(new ReservistCursor(std::move(filter)));
  ReservistSql sql = BuildReservistSql(cursor->filter_);
  auto reservists = db.Prepare(sql.reservists);
  if (!reservists.ok()) return reservists.status();
  cursor->reservists_ = *reservists;
  BindReservistFilter(**reservists, cursor->filter_, after_id);
  auto skills = db.Prepare(sql.skills);
  if (!skills.ok()) return skills.status();
  cursor->skills_.statement = *skills;
  BindReservistFilter(**skills, cursor->filter_, after_id);
  MUSTER_RETURN_IF_ERROR(cursor->Advance(cursor->skills_));
  return cursor;
}

ReservistCursor::~ReservistCursor() {
  if (reservists_ != nullptr) reservists_->Reset();
  if (skills_.statement != nullptr) skills_.statement->Reset();
}

Status ReservistCursor::Advance(Child& child) {
  auto row = child.statement->Step();
  if (!row.ok()) return row.status();
  child.has_row = *row;
  if (child.has_row) child.reservist_id = child.statement->ColumnInt64(0);
  return {};
}

Status ReservistCursor::CollectSkills(Reservist& out) {
  Child& child = skills_;
  // Rows of lower ids cannot occur (the child queries select the same
  // reservists), but skipping them keeps the merge correct regardless.
  while (child.has_row && child.reservist_id < out.id) MUSTER_RETURN_IF_ERROR(Advance(child));
  while (child.has_row && child.reservist_id == out.id) {
    ReadSkill(*child.statement, out);
    MUSTER_RETURN_IF_ERROR(Advance(child));
  }
  return {};
}

Result<bool> ReservistCursor::Next(Reservist& out) {
  auto row = reservists_->Step();
  if (!row.ok()) return row.status();
  if (!*row) return false;
  MUSTER_RETURN_IF_ERROR(ReadReservist(*reservists_, out));
  MUSTER_RETURN_IF_ERROR(CollectSkills(out));
  return true;
}

}  // namespace muster
