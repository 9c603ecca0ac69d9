#include "store_test_util.h"

#include <catch2/catch.hpp>

namespace muster::store_test {

StoreFixture::StoreFixture() {
  auto store = OpenStore();
  REQUIRE(store.ok());
  store_ = std::move(store).value();
  for (const Skill& s : {Skill{"first_aid", "First aid", 1, 3}, Skill{"driver_4x4", "4x4", 1, 5},
                         Skill{"radio", "Radio operator", 1, 2}}) {
    REQUIRE(store_->UpsertSkill(s).ok());
  }
}

StoreFixture::~StoreFixture() {
  store_.reset();
}

Result<std::unique_ptr<SqliteRosterStore>> StoreFixture::OpenStore() {
  SqliteStoreOptions options;
  options.now_ms = [this] { return now_ms_; };
  return SqliteRosterStore::Open(db_path(), options);
}

void StoreFixture::Reopen() {
  store_.reset();
  auto store = OpenStore();
  REQUIRE(store.ok());
  store_ = std::move(store).value();
}

int64_t StoreFixture::QueryInt(const std::string& sql) const {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int64_t value = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return value;
}

Reservist FullReservist(const std::string& external_id, const std::string& name) {
  Reservist r;
  r.external_id = external_id;
  r.name = name;
  r.channels = {{ChannelKind::kSms, "+447700900123"},
                {ChannelKind::kEmail, "jo@example.org"},
                {ChannelKind::kWebhook, "https://hooks.example.org/jo"}};
  r.lat = 51.9928;
  r.lon = -2.1580;
  r.postcode = "GL20 5AA";
  r.home_area = "gloucestershire";
  r.max_travel_km = 37.5;
  r.status = ReservistStatus::kSuspended;
  r.skills = {{"first_aid", 3, "St John Ambulance", Date{20000}},
              {"driver_4x4", 2, "", std::nullopt}};
  r.availability = {{5, 22 * 60, 6 * 60}, {6, 0, 0}, {1, 9 * 60, 1440}};
  r.unavailable = {{Date{19800}, Date{19810}, "holiday"}, {Date{19900}, Date{19900}, ""}};
  return r;
}

Reservist SimpleReservist(const std::string& external_id, const std::string& area,
                          const std::string& skill, int level) {
  Reservist r;
  r.external_id = external_id;
  r.name = "Reservist " + external_id;
  r.channels = {{ChannelKind::kSms, "+447700900000"}};
  r.lat = 52.0;
  r.lon = -2.0;
  r.home_area = area;
  if (!skill.empty()) r.skills = {{skill, level, "", std::nullopt}};
  return r;
}

}  // namespace muster::store_test
