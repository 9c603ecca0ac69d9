// ReservistWriter: writes reservists (the reservists row with its packed
// lists, and its skill holdings) with prepared statements on the writer
// connection, and maps constraint violations to Status errors naming the
// field at fault.
//
// Not thread-safe: the caller holds the store's writer lock and has a
// transaction (or savepoint) open. A failed call may leave the reservist half
// written; the caller rolls its transaction or savepoint back.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/status.h"
#include "roster/model.h"
#include "store/packed_children.h"
#include "store/sqlite_db.h"

namespace muster {

class ReservistWriter {
 public:
  struct Written {
    int64_t id = 0;
    int64_t created_at_ms = 0;
    bool created = false;
  };

  // Prepares every statement up front, so the write path never parses SQL.
  static Result<std::unique_ptr<ReservistWriter>> Create(SqliteDb& db);

  // Creates r, or replaces the reservist holding r.external_id (r.id is
  // ignored). A reservist without external id is always created.
  Result<Written> UpsertByExternalId(const Reservist& r, int64_t now_ms);
  // Replaces reservist r.id: NotFound if absent, AlreadyExists (field
  // "external_id") if r.external_id belongs to another reservist.
  Result<Written> ReplaceById(const Reservist& r, int64_t now_ms);
  // NotFound if absent.
  Status SetStatus(int64_t id, ReservistStatus status, int64_t now_ms);
  // Deletes the reservist and (by cascade) its skill holdings. NotFound if
  // absent.
  Status Delete(int64_t id);

 private:
  explicit ReservistWriter(SqliteDb& db) : db_(db) {}
  // Binds the row (packed lists included); InvalidArgument if a list item
  // is out of range (see CheckPackedChildren).
  Status BindReservist(SqliteStatement& st, const Reservist& r, int64_t now_ms);
  Status MapReservistError(const SqliteStatement& st, Status status, const Reservist& r);
  // Updates reservist id's row from r and replaces its skill holdings.
  Status Replace(int64_t id, const Reservist& r, int64_t now_ms);
  Status InsertSkills(int64_t id, const Reservist& r);

  SqliteDb& db_;
  SqliteStatement* insert_ = nullptr;
  SqliteStatement* update_ = nullptr;
  SqliteStatement* find_by_external_id_ = nullptr;
  SqliteStatement* find_by_id_ = nullptr;
  SqliteStatement* set_status_ = nullptr;
  SqliteStatement* delete_ = nullptr;
  SqliteStatement* delete_skills_ = nullptr;
  SqliteStatement* insert_skill_ = nullptr;
  PackedChildren packed_;  // the lists bound to insert_ or update_
};

// Maps a CHECK or NOT NULL violation reported by statement to InvalidArgument
// with field prefix + the constraint's name (constraints in schema/ are named
// after the fields they guard); returns status unchanged for anything else.
Status MapCheckViolation(const SqliteStatement& statement, Status status, std::string_view prefix);

}  // namespace muster
