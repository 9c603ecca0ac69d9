// SqliteStatement: one prepared statement with typed bind, step and column
// helpers. Owned by the SqliteDb that prepared it (see SqliteDb::Prepare).
//
// Not thread-safe: used only under the lock that guards its connection.
// Binding indexes are 1-based, column indexes 0-based (as in SQLite). Text is
// bound without copying, so it must stay alive until the statement is reset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace muster {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt);  // takes ownership of stmt
  ~SqliteStatement();                                // finalizes
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Resets the statement (and clears its bindings) when the scope ends, so a
  // finished or abandoned query never keeps a read transaction open.
  class AutoReset {
   public:
    explicit AutoReset(SqliteStatement& statement) : statement_(statement) {}
    ~AutoReset() { statement_.Reset(); }
    AutoReset(const AutoReset&) = delete;
    AutoReset& operator=(const AutoReset&) = delete;

   private:
    SqliteStatement& statement_;
  };

  void BindInt64(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, std::string_view value);
  // Binds a copy of value (for text that does not outlive the binding).
  void BindTextCopy(int index, std::string_view value);
  // Binds NULL when value is empty (e.g. an absent external id).
  void BindTextOrNull(int index, std::string_view value);
  void BindNull(int index);
  // The index of a named parameter such as ":after", or 0 if the statement
  // has no such parameter.
  int ParamIndex(const char* name) const;

  // Advances: true when a row is available, false when done. On error the
  // statement is reset and error_code() gives SQLite's extended result code.
  Result<bool> Step();
  // Steps to completion ignoring rows, then resets: for INSERT/UPDATE/DELETE.
  Status Run();
  // Resets the statement and clears all bindings. Cheap; always safe.
  void Reset();

  int64_t ColumnInt64(int column) const;
  int ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  bool ColumnIsNull(int column) const;
  // Valid until the next Step or Reset.
  std::string_view ColumnView(int column) const;
  std::string ColumnText(int column) const { return std::string(ColumnView(column)); }

  // SQLite's extended result code of the last failed Step (e.g.
  // SQLITE_CONSTRAINT_UNIQUE), and its message.
  int error_code() const { return error_code_; }
  const std::string& error_message() const { return error_message_; }
  std::string_view sql() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int error_code_ = 0;
  std::string error_message_;
};

}  // namespace muster
