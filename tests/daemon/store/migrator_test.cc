#include "store/migrator.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "store/schema_sql.h"
#include "store/sqlite_roster_store.h"
#include "store_test_util.h"
#include "support/temp_dir.h"

namespace muster {
namespace {

void SetUserVersion(const std::string& path, int version) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::string sql = "PRAGMA user_version = " + std::to_string(version);
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

TEST_CASE("Open migrates an empty database to the newest schema", "[store][migrator]") {
  store_test::StoreFixture f;
  const int latest = SchemaMigrations().back().version;
  CHECK(f.QueryInt("PRAGMA user_version") == latest);
  for (const char* table : {"skills", "reservists", "reservist_channels", "reservist_skills",
                            "reservist_windows", "reservist_unavailability"}) {
    INFO(table);
    CHECK(f.QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                 "name = '") +
                     table + "'") == 1);
  }
  CHECK(f.QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                   "('reservists_by_area', 'reservists_inactive', "
                   "'reservist_skills_by_skill')") == 3);
  CHECK(f.QueryInt("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1);
  // Reopening applies nothing and keeps the data.
  REQUIRE(f.store().UpsertReservist(store_test::SimpleReservist("a", "glos", "radio")).ok());
  f.Reopen();
  CHECK(f.QueryInt("PRAGMA user_version") == latest);
  CHECK(*f.store().CountReservists({}) == 1);
}

TEST_CASE("Migrator applies only what is missing, in order", "[store][migrator]") {
  testing::TempDir dir;
  const Migration migrations[] = {
      {1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"},
  };
  auto db = SqliteDb::Open(dir.File("m.db"), SqliteDbOptions());
  REQUIRE(db.ok());
  REQUIRE(Migrator(std::span(migrations, 1)).Apply(**db).ok());
  CHECK(*(*db)->QueryInt64("PRAGMA user_version") == 1);
  Migrator both(migrations);
  CHECK(both.latest_version() == 2);
  REQUIRE(both.Apply(**db).ok());
  REQUIRE(both.Apply(**db).ok());  // idempotent
  CHECK(*(*db)->QueryInt64("PRAGMA user_version") == 2);
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM a") == 1);
}

TEST_CASE("A failing migration leaves the previous version intact", "[store][migrator]") {
  testing::TempDir dir;
  const Migration migrations[] = {
      {1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_bad.sql", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  auto db = SqliteDb::Open(dir.File("m.db"), SqliteDbOptions());
  REQUIRE(db.ok());
  Status st = Migrator(migrations).Apply(**db);
  CHECK(st.code() == Code::kInternal);
  CHECK_THAT(st.message(), Catch::Contains("0002_bad.sql"));
  CHECK(*(*db)->QueryInt64("PRAGMA user_version") == 1);
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0);
}

TEST_CASE("Open refuses a database from a newer musterd", "[store][migrator]") {
  testing::TempDir dir;
  std::string path = dir.File("roster.db");
  { REQUIRE(SqliteRosterStore::Open(path).ok()); }
  const int latest = SchemaMigrations().back().version;
  SetUserVersion(path, latest + 7);
  auto store = SqliteRosterStore::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kFailedPrecondition);
  CHECK(store.status().message() == "database schema version " + std::to_string(latest + 7) +
                                        " is newer than this musterd supports (" +
                                        std::to_string(latest) + "); upgrade musterd");
}

TEST_CASE("Open reports a damaged database found by quick_check", "[store][migrator]") {
  testing::TempDir dir;
  std::string path = dir.File("roster.db");
  {
    auto store = SqliteRosterStore::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->UpsertSkill({"radio", "Radio", 1, 2}).ok());
    for (int i = 0; i < 300; ++i) {
      auto r = store_test::SimpleReservist("x" + std::to_string(i), "glos", "radio");
      REQUIRE((*store)->UpsertReservist(r).ok());
    }
  }
  // Scribble over the middle of the file (B-tree pages, not the header).
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 * 3 + 100);
    std::string junk(3000, '\x5a');
    file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto store = SqliteRosterStore::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kInternal);
  CHECK_THAT(store.status().message(),
             Catch::Contains("quick_check") || Catch::Contains("malformed"));
}

}  // namespace
}  // namespace muster
