// The SQL that reads reservists matching a ReservistFilter: one query for the
// reservists table (with the packed lists, schema/0008) and one for their
// skill holdings, both yielding rows in reservist id order (holdings also in
// position order), so that a reader can merge them in one pass (see
// ReservistCursor); plus a count.
//
// Statements differ only in which filter terms they contain, so each filter
// shape has its own text (and plan); parameters are :after, :skill, :status
// and :area. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "store/roster_store.h"
#include "store/sqlite_statement.h"

namespace muster {

struct ReservistSql {
  // Columns: id, external_id, name, lat, lon, postcode, home_area,
  // max_travel_km, status, created_at_ms, updated_at_ms, channels, windows,
  // unavailability. Rows with id > :after.
  std::string reservists;
  // reservist_id, skill, level, cert_issuer, cert_expires_day, for the same
  // reservists as `reservists`.
  std::string skills;
  // count(*) of the matching reservists (no :after).
  std::string count;
};

// The statements for filter's shape (which terms are set, not their values).
ReservistSql BuildReservistSql(const ReservistFilter& filter);

// Binds the filter's values and after_id to whichever of :after, :skill,
// :status, :area the statement has. The filter must outlive the statement's
// next Reset (text is bound without copying).
void BindReservistFilter(SqliteStatement& statement, const ReservistFilter& filter,
                         int64_t after_id);

}  // namespace muster
