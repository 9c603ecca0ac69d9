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

// Applies every migration before `version`, whose file must be `name`;
// returns how many were applied.
size_t MigrateUpTo(SqliteDb& db, int version, const std::string& name) {
  const auto all = SchemaMigrations();
  size_t before = 0;
  while (before < all.size() && all[before].version < version) ++before;
  REQUIRE(before < all.size());
  REQUIRE(std::string(all[before].name) == name);
  REQUIRE(Migrator(all.first(before)).Apply(db).ok());
  return before;
}

TEST_CASE("Open migrates an empty database to the newest schema", "[store][migrator]") {
  store_test::StoreFixture f;
  const int latest = SchemaMigrations().back().version;
  CHECK(f.QueryInt("PRAGMA user_version") == latest);
  for (const char* table : {"skills", "reservists", "reservist_skills"}) {
    INFO(table);
    CHECK(f.QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                 "name = '") +
                     table + "'") == 1);
  }
  // Packed into reservists since 0008; read-only views keep the old names.
  for (const char* view : {"reservist_channels", "reservist_windows", "reservist_unavailability"}) {
    INFO(view);
    CHECK(f.QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND "
                                 "name = '") +
                     view + "'") == 1);
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

TEST_CASE("0008 packs channels, windows and unavailability of existing reservists",
          "[store][migrator]") {
  testing::TempDir dir;
  const std::string path = dir.File("old.db");
  {
    auto db = SqliteDb::Open(path, SqliteDbOptions());
    REQUIRE(db.ok());
    REQUIRE(Migrator(SchemaMigrations().first(4)).Apply(**db).ok());
    // Positions out of insertion order, text that JSON must escape, a
    // reservist with no lists at all.
    REQUIRE((*db)
                ->Exec("INSERT INTO skills VALUES ('first_aid', 'First aid', 1, 3, 0, 0);"
                       "INSERT INTO reservists (id, external_id, name, lat, lon, home_area, "
                       "max_travel_km, created_at_ms, updated_at_ms) VALUES "
                       "(7, 'A-7', 'Jo', 51.9, -2.1, 'glos', 40, 5, 6), "
                       "(9, NULL, 'Bo', 52.0, -2.0, 'glos', 30, 5, 6), "
                       "(12, 'C-12', 'Cy', 52.1, -2.2, 'worcs', 20, 5, 6);"
                       "INSERT INTO reservist_channels VALUES (7, 1, 2, 'jo@example.org'), "
                       "(7, 0, 1, '+447700900123'), (9, 0, 3, 'https://h.example/\"q\"\\x');"
                       "INSERT INTO reservist_skills VALUES (7, 0, 'first_aid', 2, 'SJA', 20500);"
                       "INSERT INTO reservist_windows VALUES (7, 1, 5, 1320, 360), "
                       "(7, 0, 1, 480, 1080);"
                       "INSERT INTO reservist_unavailability VALUES "
                       "(9, 0, 20000, 20003, 'Xmas; \"away\"' || char(10) || 'back 28th');")
                .ok());
  }
  auto store = SqliteRosterStore::Open(path);
  REQUIRE(store.ok());
  auto jo = (*store)->GetReservist(7);
  REQUIRE(jo.ok());
  CHECK(jo->channels == std::vector<ContactChannel>{{ChannelKind::kSms, "+447700900123"},
                                                    {ChannelKind::kEmail, "jo@example.org"}});
  CHECK(jo->availability == std::vector<WeeklyWindow>{{1, 480, 1080}, {5, 1320, 360}});
  CHECK(jo->unavailable.empty());
  REQUIRE(jo->skills.size() == 1);
  CHECK(jo->skills[0].cert_expires == Date{20500});
  auto bo = (*store)->GetReservist(9);
  REQUIRE(bo.ok());
  CHECK(bo->channels ==
        std::vector<ContactChannel>{{ChannelKind::kWebhook, "https://h.example/\"q\"\\x"}});
  CHECK(bo->unavailable ==
        std::vector<Unavailability>{{Date{20000}, Date{20003}, "Xmas; \"away\"\nback 28th"}});
  auto cy = (*store)->GetReservist(12);
  REQUIRE(cy.ok());
  CHECK(cy->channels.empty());
  CHECK(cy->availability.empty());
  // The views read the packed lists back in the old tables' shape.
  auto views = SqliteDb::Open(path, SqliteDbOptions());
  REQUIRE(views.ok());
  CHECK(*(*views)->QueryTexts("SELECT kind || ':' || address FROM reservist_channels "
                              "WHERE reservist_id = 7 ORDER BY position") ==
        std::vector<std::string>{"1:+447700900123", "2:jo@example.org"});
  CHECK(*(*views)->QueryInt64("SELECT count(*) FROM reservist_windows") == 2);
  CHECK(*(*views)->QueryInt64("SELECT until_day - from_day FROM reservist_unavailability") == 3);
}

TEST_CASE("0009 keeps stored requirements and allows counts up to 100,000", "[store][migrator]") {
  testing::TempDir dir;
  const std::string path = dir.File("old.db");
  auto db = SqliteDb::Open(path, SqliteDbOptions());
  REQUIRE(db.ok());
  const auto all = SchemaMigrations();
  MigrateUpTo(**db, 9, "0009_requirement_count.sql");
  // Named: later migrations add columns.
#define MUSTER_REQUIREMENT_COLUMNS "(activation_id, position, skill, min_level, count, eligible)"
  const char* kRequirement = "INSERT INTO activation_requirements " MUSTER_REQUIREMENT_COLUMNS
                             " VALUES (1, 1, 'first_aid', 2, 20000, 7)";
  REQUIRE((*db)
              ->Exec("INSERT INTO skills VALUES ('first_aid', 'First aid', 1, 3, 0, 0);"
                     "INSERT INTO activations (id, spec_digest, title, lat, lon, radius_km, "
                     "start_at_ms, end_at_ms, answer_within_minutes, priority, state, "
                     "created_at_ms, updated_at_ms) VALUES "
                     "(1, 'd', 'Flood', 52, -2, 10, 1000, 2000, 15, 2, 1, 5, 5);"
                     "INSERT INTO activation_requirements " MUSTER_REQUIREMENT_COLUMNS
                     " VALUES (1, 0, 'first_aid', 1, 9000, 12)")
              .ok());
  CHECK_FALSE((*db)->Exec(kRequirement).ok());  // above 10,000 before 0009
  REQUIRE(Migrator(all).Apply(**db).ok());
  CHECK(*(*db)->QueryInt64("SELECT count * 100 + eligible FROM activation_requirements "
                           "WHERE activation_id = 1 AND position = 0") == 900012);
  CHECK((*db)->Exec(kRequirement).ok());
  CHECK_FALSE((*db)
                  ->Exec("INSERT INTO activation_requirements " MUSTER_REQUIREMENT_COLUMNS
                         " VALUES (1, 2, 'first_aid', 1, 100001, 0)")
                  .ok());
  // Still tied to its activation and to the catalogue.
  CHECK_FALSE((*db)
                  ->Exec("INSERT INTO activation_requirements " MUSTER_REQUIREMENT_COLUMNS
                         " VALUES (9, 0, 'first_aid', 1, 5, 0)")
                  .ok());
  CHECK_FALSE((*db)
                  ->Exec("INSERT INTO activation_requirements " MUSTER_REQUIREMENT_COLUMNS
                         " VALUES (1, 3, 'juggling', 1, 5, 0)")
                  .ok());
  REQUIRE((*db)->Exec("DELETE FROM activations WHERE id = 1").ok());
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM activation_requirements") == 0);
}
#undef MUSTER_REQUIREMENT_COLUMNS

TEST_CASE("0010 and 0011 keep call-outs and outbox rows, one stand-down per call-out",
          "[store][migrator]") {
  testing::TempDir dir;
  const std::string path = dir.File("old.db");
  auto db = SqliteDb::Open(path, SqliteDbOptions());
  REQUIRE(db.ok());
  const auto all = SchemaMigrations();
  size_t before = MigrateUpTo(**db, 10, "0010_token_index.sql");
  REQUIRE(before + 1 < all.size());
  REQUIRE(std::string(all[before + 1].name) == "0011_outbox_key.sql");
  REQUIRE((*db)
              ->Exec("INSERT INTO activations (id, spec_digest, title, lat, lon, radius_km, "
                     "start_at_ms, end_at_ms, answer_within_minutes, priority, state, "
                     "created_at_ms, updated_at_ms) VALUES "
                     "(1, 'd', 'Flood', 52, -2, 10, 1000, 2000, 15, 2, 1, 5, 5);"
                     "INSERT INTO callouts (id, activation_id, reservist_id, reservist_name, "
                     "requirement_position, wave, rank, distance_km, level, score_distance, "
                     "score_level, score_fairness, score_reliability, score_total, "
                     "accept_probability, idempotency_key, created_at_ms, updated_at_ms, "
                     "answer_token) VALUES "
                     "(7, 1, 3, 'Jo', 0, 1, 1, 2.5, 1, 0, 0, 0, 0, 0, 0.5, 'muster-a1-r3', 5, 5, "
                     "'00112233445566778899aabbccddeeff');"
                     "INSERT INTO outbox VALUES (11, 7, 1, 'muster-a1-r3', 2, 1, 5, 6);"
                     "INSERT INTO outbox VALUES (12, 7, 2, 'muster-a1-r3-standdown', 1, 0, 7, 7)")
              .ok());
  REQUIRE(Migrator(all).Apply(**db).ok());
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM sqlite_schema WHERE name = 'callouts_by_token'") ==
        0);
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM callouts WHERE answer_token = "
                           "'00112233445566778899aabbccddeeff'") == 1);
  CHECK(*(*db)->QueryInt64("SELECT sum(id * 1000 + callout_id * 100 + kind * 10 + state) "
                           "FROM outbox") == (11000 + 700 + 10 + 2) + (12000 + 700 + 20 + 1));
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM outbox WHERE state = 1 AND "
                           "idempotency_key = 'muster-a1-r3-standdown'") == 1);
  // One call-out message and one stand-down per call-out.
  CHECK_FALSE((*db)->Exec("INSERT INTO outbox VALUES (13, 7, 2, 'other-key', 1, 0, 8, 8)").ok());
  CHECK((*db)
            ->Exec("INSERT INTO outbox VALUES (13, 7, 2, 'x', 1, 0, 8, 8) "
                   "ON CONFLICT (callout_id, kind) DO NOTHING")
            .ok());
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM outbox") == 2);
  // Still tied to its call-out.
  CHECK_FALSE((*db)->Exec("INSERT INTO outbox VALUES (14, 99, 1, 'y', 1, 0, 8, 8)").ok());
  REQUIRE((*db)->Exec("DELETE FROM activations WHERE id = 1").ok());
  CHECK(*(*db)->QueryInt64("SELECT count(*) FROM outbox") == 0);
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
