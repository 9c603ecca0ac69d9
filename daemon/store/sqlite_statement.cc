#include "store/sqlite_statement.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/sqlite_db.h"

namespace muster {

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

// Bind errors are programming errors (a wrong index) that SQLite reports
// again at Step, so their return codes are not checked here.
void SqliteStatement::BindInt64(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void SqliteStatement::BindDouble(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
}

void SqliteStatement::BindText(int index, std::string_view value) {
  // SQLITE_STATIC: no copy. Callers keep the text alive until Reset, which
  // every use does through AutoReset or Run.
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
}

void SqliteStatement::BindTextCopy(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::BindTextOrNull(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindText(index, value);
  }
}

void SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
}

int SqliteStatement::ParamIndex(const char* name) const {
  return sqlite3_bind_parameter_index(stmt_, name);
}

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  error_code_ = sqlite3_extended_errcode(db_);
  error_message_ = sqlite3_errmsg(db_);
  Status status = SqliteError(error_code_, error_message_, sql());
  sqlite3_reset(stmt_);
  return status;
}

Status SqliteStatement::Run() {
  AutoReset reset(*this);
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return {};
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

int SqliteStatement::ColumnInt(int column) const {
  return sqlite3_column_int(stmt_, column);
}

double SqliteStatement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string_view SqliteStatement::ColumnView(int column) const {
  // sqlite3_column_text before sqlite3_column_bytes, as SQLite documents.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view SqliteStatement::sql() const {
  const char* text = sqlite3_sql(stmt_);
  return text == nullptr ? std::string_view() : std::string_view(text);
}

}  // namespace muster
