// ReservistCursor: reads whole reservists matching a filter, in id order,
// without a query per reservist. It steps the reservists query (whose rows
// carry the packed lists) and the skill holdings query side by side (both
// ordered by reservist id, see reservist_sql.h) and merges them, like a
// merge join.
//
// Not thread-safe. Uses the connection's cached statements for the filter's
// shape, so at most one cursor per connection and shape may be open at a
// time (the store opens cursors under the connection's lock). Open it inside
// a transaction for a consistent snapshot across the tables.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "roster/model.h"
#include "store/reservist_sql.h"
#include "store/roster_store.h"
#include "store/sqlite_db.h"

namespace muster {

class ReservistCursor {
 public:
  // Positions before the first matching reservist with id > after_id.
  static Result<std::unique_ptr<ReservistCursor>> Open(SqliteDb& db, ReservistFilter filter,
                                                       int64_t after_id);
  ~ReservistCursor();  // resets the statements (ending their read)
  ReservistCursor(const ReservistCursor&) = delete;
  ReservistCursor& operator=(const ReservistCursor&) = delete;

  // Reads the next reservist into out (reusing its strings' and vectors'
  // storage); false at the end.
  Result<bool> Next(Reservist& out);

 private:
  struct Child {
    SqliteStatement* statement = nullptr;
    bool has_row = false;
    int64_t reservist_id = 0;  // of the current row, when has_row
  };

  explicit ReservistCursor(ReservistFilter filter) : filter_(std::move(filter)) {}
  Status Advance(Child& child);
  Status CollectSkills(Reservist& out);

  ReservistFilter filter_;  // owns the text bound to the statements
  SqliteStatement* reservists_ = nullptr;
  Child skills_;
};

}  // namespace muster
