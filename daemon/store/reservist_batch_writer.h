// ReservistBatchWriter: the bulk import's fast path. Upserts many reservists
// by external id with multi-row statements: one INSERT per table (reservists
// with their packed lists, skill holdings) per up to 64 rows, and a lookup per 64 external ids only
// when some of them already exist. Each statement execution has a fixed cost in SQLite comparable
// to that of a small row; batching removes most of it (about 20% of the whole import's
// instructions, see bench/store_import_bench.cc).
//
// New reservists get ids assigned here, in input order, above the highest id
// ever used (the AUTOINCREMENT sequence), as SQLite would; a reservist that
// turns out to replace an existing one leaves its new id unused.
//
// Not thread-safe: the caller holds the writer lock and has a transaction or
// savepoint open. All or nothing: on error the caller rolls back; errors are
// not attributed to rows (retry row by row with ReservistWriter for that).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "roster/model.h"
#include "store/packed_children.h"
#include "store/reservist_writer.h"
#include "store/sqlite_db.h"

namespace muster {

class ReservistBatchWriter {
 public:
  explicit ReservistBatchWriter(SqliteDb& db) : db_(db) {}

  // Creates each reservist, or replaces the one holding its external id
  // (ids in the input are ignored); written[i] describes reservists[i]. No
  // two reservists may share an external id.
  Status UpsertByExternalId(const std::vector<const Reservist*>& reservists, int64_t now_ms,
                            std::vector<ReservistWriter::Written>& written);

 private:
  enum Table { kReservists, kSkills, kTableCount };

  // Marks the reservists whose external id belongs to an earlier reservist
  // as replacing it (id, created_at of the existing one; created = false).
  Status FindExisting(const std::vector<const Reservist*>& reservists,
                      std::vector<ReservistWriter::Written>& written);
  Result<int64_t> NextId();
  Status ReplaceExisting(const std::vector<const Reservist*>& reservists, int64_t now_ms,
                         const std::vector<ReservistWriter::Written>& written);
  // Inserts every reservist under its new id, except those whose external
  // id exists; counts the rows inserted.
  Status InsertNew(const std::vector<const Reservist*>& reservists, int64_t now_ms,
                   const std::vector<ReservistWriter::Written>& written, size_t& inserted);
  Status InsertSkills(const std::vector<const Reservist*>& reservists,
                      const std::vector<ReservistWriter::Written>& written);
  // Runs the table's multi-row INSERT over count rows, bind_row(statement,
  // first parameter index, row) binding each; adds the rows inserted to
  // *inserted if given.
  template <typename BindRow>
  Status InsertRows(Table table, size_t count, const BindRow& bind_row, size_t* inserted = nullptr);
  // The cached statement inserting `rows` rows (a power of two) into table.
  Result<SqliteStatement*> InsertStatement(Table table, int rows);

  static constexpr int kMaxRowsLog2 = 6;  // up to 64 rows per statement
  static constexpr int kMaxRows = 1 << kMaxRowsLog2;

  SqliteDb& db_;
  SqliteStatement* inserts_[kTableCount][kMaxRowsLog2 + 1] = {};
  // Reused between calls (capacity): (reservist, holding) of each skill
  // row, and each reservist's packed lists (bound until the next call).
  std::vector<std::pair<uint32_t, uint32_t>> skill_refs_;
  std::vector<PackedChildren> packed_;
};

}  // namespace muster
