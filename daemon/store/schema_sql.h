// The SQL migrations in schema/NNNN_*.sql, compiled in by CMake (see
// schema_sql.cc.in). Migration N brings the database to PRAGMA user_version N.
#pragma once

#include <span>

namespace muster {

struct Migration {
  int version;       // from the file name's number
  const char* name;  // e.g. "0001_init.sql"
  const char* sql;   // the whole file
};

// All migrations, in ascending version order.
std::span<const Migration> SchemaMigrations();

}  // namespace muster
