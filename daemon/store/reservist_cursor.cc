#include "store/reservist_cursor.h"

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
  kUpdatedAt
};

void ReadReservist(const SqliteStatement& st, Reservist& r) {
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
  r.channels.clear();
  r.skills.clear();
  r.availability.clear();
  r.unavailable.clear();
}

// Child rows: column 0 is reservist_id, the table's columns follow.
void ReadChild(ChildTable table, const SqliteStatement& st, Reservist& r) {
  switch (table) {
    case ChildTable::kChannels:
      r.channels.push_back({static_cast<ChannelKind>(st.ColumnInt(1)), st.ColumnText(2)});
      break;
    case ChildTable::kSkills: {
      SkillHolding& h = r.skills.emplace_back();
      h.skill.assign(st.ColumnView(1));
      h.level = st.ColumnInt(2);
      h.cert_issuer.assign(st.ColumnView(3));
      if (!st.ColumnIsNull(4)) h.cert_expires = Date{st.ColumnInt(4)};
      break;
    }
    case ChildTable::kWindows:
      r.availability.push_back({st.ColumnInt(1), st.ColumnInt(2), st.ColumnInt(3)});
      break;
    case ChildTable::kUnavailability:
      r.unavailable.push_back({Date{st.ColumnInt(1)}, Date{st.ColumnInt(2)}, st.ColumnText(3)});
      break;
  }
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
  for (int t = 0; t < kChildTableCount; ++t) {
    auto child = db.Prepare(sql.children[t]);
    if (!child.ok()) return child.status();
    cursor->children_[t].statement = *child;
    BindReservistFilter(**child, cursor->filter_, after_id);
    MUSTER_RETURN_IF_ERROR(cursor->Advance(cursor->children_[t]));
  }
  return cursor;
}

ReservistCursor::~ReservistCursor() {
  if (reservists_ != nullptr) reservists_->Reset();
  for (Child& child : children_) {
    if (child.statement != nullptr) child.statement->Reset();
  }
}

Status ReservistCursor::Advance(Child& child) {
  auto row = child.statement->Step();
  if (!row.ok()) return row.status();
  child.has_row = *row;
  if (child.has_row) child.reservist_id = child.statement->ColumnInt64(0);
  return {};
}

Status ReservistCursor::CollectChildren(ChildTable table, Reservist& out) {
  Child& child = children_[static_cast<int>(table)];
  // Rows of lower ids cannot occur (the child queries select the same
  // reservists), but skipping them keeps the merge correct regardless.
  while (child.has_row && child.reservist_id < out.id) MUSTER_RETURN_IF_ERROR(Advance(child));
  while (child.has_row && child.reservist_id == out.id) {
    ReadChild(table, *child.statement, out);
    MUSTER_RETURN_IF_ERROR(Advance(child));
  }
  return {};
}

Result<bool> ReservistCursor::Next(Reservist& out) {
  auto row = reservists_->Step();
  if (!row.ok()) return row.status();
  if (!*row) return false;
  ReadReservist(*reservists_, out);
  for (int t = 0; t < kChildTableCount; ++t) {
    MUSTER_RETURN_IF_ERROR(CollectChildren(static_cast<ChildTable>(t), out));
  }
  return true;
}

}  // namespace muster
