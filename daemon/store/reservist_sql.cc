#include "store/reservist_sql.h"

namespace muster {
namespace {

constexpr const char* kReservistColumns =
    "r.id, r.external_id, r.name, r.lat, r.lon, r.postcode, r.home_area, r.max_travel_km, "
    "r.status, r.created_at_ms, r.updated_at_ms, r.channels, r.windows, r.unavailability";

constexpr const char* kSkillColumns =
    "SELECT c.reservist_id, c.skill, c.level, c.cert_issuer, c.cert_expires_day";

// Sources: with a skill filter, drive from the (skill, reservist_id) index so
// that the matching ids come out in order without a sort.
constexpr const char* kFromReservists = "reservists r";
constexpr const char* kFromSkillHolders =
    "reservist_skills f JOIN reservists r ON r.id = f.reservist_id";
constexpr const char* kKeyReservists = "r.id";
constexpr const char* kKeySkillHolders = "f.reservist_id";

constexpr const char* kTermSkill = " AND f.skill = :skill";
constexpr const char* kTermArea = " AND r.home_area = :area";
// A JSON array of area codes (codes are [a-z0-9_], so no escaping is needed).
constexpr const char* kTermAreas = " AND r.home_area IN (SELECT value FROM json_each(:areas))";
// Status: the index reservists_inactive is partial (status <> 1), and SQLite
// only uses a partial index when the query repeats its condition literally.
// Active is most of the roster, where a scan in id order is the right plan.
constexpr const char* kTermActive = " AND r.status = 1";
constexpr const char* kTermInactive = " AND r.status = :status AND r.status <> 1";

bool IsEmpty(const ReservistFilter& filter) {
  return filter.skill.empty() && !filter.status.has_value() && filter.home_area.empty() &&
         filter.areas.empty();
}

// The filter terms after "key > :after" (or after "1" for the count).
std::string FilterTerms(const ReservistFilter& filter) {
  std::string terms;
  if (!filter.skill.empty()) terms += kTermSkill;
  if (filter.status.has_value()) {
    terms += *filter.status == ReservistStatus::kActive ? kTermActive : kTermInactive;
  }
  if (!filter.home_area.empty()) terms += kTermArea;
  if (!filter.areas.empty()) terms += kTermAreas;
  return terms;
}

}  // namespace

ReservistSql BuildReservistSql(const ReservistFilter& filter) {
  const std::string from = filter.skill.empty() ? kFromReservists : kFromSkillHolders;
  const std::string key = filter.skill.empty() ? kKeyReservists : kKeySkillHolders;
  const std::string terms = FilterTerms(filter);
  const std::string where = " WHERE " + key + " > :after" + terms;

  ReservistSql sql;
  sql.reservists =
      std::string("SELECT ") + kReservistColumns + " FROM " + from + where + " ORDER BY " + key;
  if (IsEmpty(filter)) {
    // The whole roster: scan the holdings' own B-tree in key order.
    sql.skills = std::string(kSkillColumns) +
                 " FROM reservist_skills c WHERE c.reservist_id > :after"
                 " ORDER BY c.reservist_id, c.position";
  } else {
    sql.skills = std::string(kSkillColumns) + " FROM " + from +
                 " JOIN reservist_skills c ON c.reservist_id = " + key + where + " ORDER BY " +
                 key + ", c.position";
  }
  sql.count = "SELECT count(*) FROM " + from + " WHERE 1" + terms;
  return sql;
}

void BindReservistFilter(SqliteStatement& statement, const ReservistFilter& filter,
                         int64_t after_id) {
  if (int i = statement.ParamIndex(":after")) statement.BindInt64(i, after_id);
  if (int i = statement.ParamIndex(":skill")) statement.BindText(i, filter.skill);
  if (int i = statement.ParamIndex(":area")) statement.BindText(i, filter.home_area);
  if (int i = statement.ParamIndex(":areas")) {
    std::string json = "[";
    for (const std::string& a : filter.areas) json += (json.size() > 1 ? ",\"" : "\"") + a + "\"";
    statement.BindTextCopy(i, json + "]");
  }
  if (int i = statement.ParamIndex(":status")) {
    statement.BindInt64(i, static_cast<int64_t>(filter.status.value_or(ReservistStatus::kActive)));
  }
}

}  // namespace muster
