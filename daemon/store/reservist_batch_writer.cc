#include "store/reservist_batch_writer.h"

#include <fmt/format.h>

#include <bit>
#include <string_view>
#include <unordered_map>

namespace muster {
namespace {

// Multi-row INSERTs: the head, `rows` copies of the tuple, the tail.
struct InsertSql {
  const char* head;
  int columns;
  const char* tail;
};
constexpr InsertSql kInserts[] = {
    // A reservist whose external id exists is left alone here (and replaced
    // afterwards), so a fresh import needs no lookup before it inserts.
    {"INSERT INTO reservists (id, external_id, name, lat, lon, postcode, home_area, "
     "max_travel_km, status, created_at_ms, updated_at_ms, channels, windows, unavailability) "
     "VALUES ",
     14, " ON CONFLICT (external_id) DO NOTHING"},
    {"INSERT INTO reservist_skills (reservist_id, position, skill, level, cert_issuer, "
     "cert_expires_day) VALUES ",
     6, ""},
};

// Lookups and deletes take exactly kInListSize parameters; unused ones are
// left NULL, which matches nothing. One statement text each.
constexpr int kInListSize = 64;
constexpr const char* kFindByExternalIdsHead =
    "SELECT external_id, id, created_at_ms FROM reservists WHERE external_id IN ";
// Skill holdings are the only child rows (the other lists are packed).
constexpr const char* kDeleteSkillsHead = "DELETE FROM reservist_skills WHERE reservist_id IN ";
// The next id: above both the AUTOINCREMENT sequence and the current max.
constexpr const char* kNextId =
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reservists'), 0), "
    "coalesce((SELECT max(id) FROM reservists), 0)) + 1";
constexpr const char* kUpdateReservist =
    "UPDATE reservists SET name = ?1, lat = ?2, lon = ?3, postcode = ?4, home_area = ?5, "
    "max_travel_km = ?6, status = ?7, updated_at_ms = ?8, channels = ?10, windows = ?11, "
    "unavailability = ?12 WHERE id = ?9";

std::string Placeholders(int n) {
  std::string list = "(";
  for (int i = 0; i < n; ++i) list += i == 0 ? "?" : ",?";
  return list + ")";
}

std::string MultiRowInsert(const InsertSql& sql, int rows) {
  std::string text = sql.head;
  const std::string tuple = Placeholders(sql.columns);
  for (int r = 0; r < rows; ++r) {
    if (r > 0) text += ",";
    text += tuple;
  }
  return text + sql.tail;
}

}  // namespace

Result<SqliteStatement*> ReservistBatchWriter::InsertStatement(Table table, int rows) {
  const int log2 = std::countr_zero(static_cast<unsigned>(rows));
  SqliteStatement*& cached = inserts_[table][log2];
  if (cached == nullptr) {
    auto statement = db_.Prepare(MultiRowInsert(kInserts[table], rows));
    if (!statement.ok()) return statement.status();
    cached = *statement;
  }
  return cached;
}

template <typename BindRow>
Status ReservistBatchWriter::InsertRows(Table table, size_t count, const BindRow& bind_row,
                                        size_t* inserted) {
  const int columns = kInserts[table].columns;
  size_t done = 0;
  while (done < count) {
    // Largest power of two that fits: at most log2(64) + 1 statement texts
    // per table, and a remainder of n rows takes popcount(n) statements.
    const int rows = static_cast<int>(std::bit_floor(std::min<size_t>(kMaxRows, count - done)));
    auto statement = InsertStatement(table, rows);
    if (!statement.ok()) return statement.status();
    for (int r = 0; r < rows; ++r) bind_row(**statement, r * columns + 1, done + r);
    MUSTER_RETURN_IF_ERROR((*statement)->Run());
    if (inserted != nullptr) *inserted += db_.Changes();
    done += rows;
  }
  return {};
}

Status ReservistBatchWriter::UpsertByExternalId(const std::vector<const Reservist*>& reservists,
                                                int64_t now_ms,
                                                std::vector<ReservistWriter::Written>& written) {
  // Every reservist gets a new id first; those whose external id turns out
  // to exist keep the existing id instead (their new one is never used).
  auto next_id = NextId();
  if (!next_id.ok()) return next_id.status();
  written.clear();
  if (packed_.size() < reservists.size()) packed_.resize(reservists.size());
  for (size_t i = 0; i < reservists.size(); ++i) {
    written.push_back(ReservistWriter::Written{(*next_id)++, now_ms, true});
    MUSTER_RETURN_IF_ERROR(CheckPackedChildren(*reservists[i]));
    PackChildren(*reservists[i], packed_[i]);
  }
  size_t inserted = 0;
  MUSTER_RETURN_IF_ERROR(InsertNew(reservists, now_ms, written, inserted));
  if (inserted < reservists.size()) {
    MUSTER_RETURN_IF_ERROR(FindExisting(reservists, written));
    MUSTER_RETURN_IF_ERROR(ReplaceExisting(reservists, now_ms, written));
  }
  return InsertSkills(reservists, written);
}

Status ReservistBatchWriter::FindExisting(const std::vector<const Reservist*>& reservists,
                                          std::vector<ReservistWriter::Written>& written) {
  auto statement = db_.Prepare(kFindByExternalIdsHead + Placeholders(kInListSize));
  if (!statement.ok()) return statement.status();
  SqliteStatement& find = **statement;
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(reservists.size());
  for (size_t i = 0; i < reservists.size(); ++i) {
    if (!reservists[i]->external_id.empty()) index.emplace(reservists[i]->external_id, i);
  }
  auto it = index.begin();
  while (it != index.end()) {
    SqliteStatement::AutoReset reset(find);
    for (int p = 1; p <= kInListSize && it != index.end(); ++p, ++it) find.BindText(p, it->first);
    for (;;) {
      auto row = find.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto found = index.find(find.ColumnView(0));
      if (found == index.end()) continue;  // cannot happen: IN matches exactly
      ReservistWriter::Written& w = written[found->second];
      // Found under the id just assigned: inserted now, not replaced.
      if (find.ColumnInt64(1) == w.id) continue;
      w = ReservistWriter::Written{find.ColumnInt64(1), find.ColumnInt64(2), false};
    }
  }
  return {};
}

Result<int64_t> ReservistBatchWriter::NextId() {
  auto statement = db_.Prepare(kNextId);
  if (!statement.ok()) return statement.status();
  SqliteStatement::AutoReset reset(**statement);
  auto row = (*statement)->Step();
  if (!row.ok()) return row.status();
  return (*statement)->ColumnInt64(0);
}

Status ReservistBatchWriter::ReplaceExisting(const std::vector<const Reservist*>& reservists,
                                             int64_t now_ms,
                                             const std::vector<ReservistWriter::Written>& written) {
  auto update = db_.Prepare(kUpdateReservist);
  if (!update.ok()) return update.status();
  std::vector<int64_t> replaced;
  for (size_t i = 0; i < reservists.size(); ++i) {
    if (written[i].created) continue;
    // The external id is the key it was found by, so it stays as it is.
    const Reservist& r = *reservists[i];
    SqliteStatement& st = **update;
    st.BindText(1, r.name);
    st.BindDouble(2, r.lat);
    st.BindDouble(3, r.lon);
    st.BindText(4, r.postcode);
    st.BindText(5, r.home_area);
    st.BindDouble(6, r.max_travel_km);
    st.BindInt64(7, static_cast<int64_t>(r.status));
    st.BindInt64(8, now_ms);
    st.BindInt64(9, written[i].id);
    st.BindText(10, packed_[i].channels);
    st.BindText(11, packed_[i].windows);
    st.BindText(12, packed_[i].unavailability);
    MUSTER_RETURN_IF_ERROR(st.Run());
    replaced.push_back(written[i].id);
  }
  auto del = db_.Prepare(kDeleteSkillsHead + Placeholders(kInListSize));
  if (!del.ok()) return del.status();
  for (size_t done = 0; done < replaced.size(); done += kInListSize) {
    for (int p = 0; p < kInListSize && done + p < replaced.size(); ++p) {
      (*del)->BindInt64(p + 1, replaced[done + p]);
    }
    MUSTER_RETURN_IF_ERROR((*del)->Run());
  }
  return {};
}

Status ReservistBatchWriter::InsertNew(const std::vector<const Reservist*>& reservists,
                                       int64_t now_ms,
                                       const std::vector<ReservistWriter::Written>& written,
                                       size_t& inserted) {
  return InsertRows(
      kReservists, reservists.size(),
      [&](SqliteStatement& st, int p, size_t i) {
        const Reservist& r = *reservists[i];
        st.BindInt64(p, written[i].id);
        st.BindTextOrNull(p + 1, r.external_id);
        st.BindText(p + 2, r.name);
        st.BindDouble(p + 3, r.lat);
        st.BindDouble(p + 4, r.lon);
        st.BindText(p + 5, r.postcode);
        st.BindText(p + 6, r.home_area);
        st.BindDouble(p + 7, r.max_travel_km);
        st.BindInt64(p + 8, static_cast<int64_t>(r.status));
        st.BindInt64(p + 9, now_ms);
        st.BindInt64(p + 10, now_ms);
        st.BindText(p + 11, packed_[i].channels);
        st.BindText(p + 12, packed_[i].windows);
        st.BindText(p + 13, packed_[i].unavailability);
      },
      &inserted);
}

Status ReservistBatchWriter::InsertSkills(const std::vector<const Reservist*>& reservists,
                                          const std::vector<ReservistWriter::Written>& written) {
  std::vector<std::pair<uint32_t, uint32_t>>& refs = skill_refs_;  // (reservist, holding)
  refs.clear();
  for (uint32_t i = 0; i < reservists.size(); ++i) {
    for (uint32_t j = 0; j < reservists[i]->skills.size(); ++j) refs.emplace_back(i, j);
  }
  return InsertRows(kSkills, refs.size(), [&](SqliteStatement& st, int p, size_t row) {
    const auto [i, j] = refs[row];
    const SkillHolding& h = reservists[i]->skills[j];
    st.BindInt64(p, written[i].id);
    st.BindInt64(p + 1, j);
    st.BindText(p + 2, h.skill);
    st.BindInt64(p + 3, h.level);
    st.BindText(p + 4, h.cert_issuer);
    if (h.cert_expires) st.BindInt64(p + 5, h.cert_expires->days);  // else NULL (cleared)
  });
}

}  // namespace muster
