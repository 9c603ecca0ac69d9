// Shared helpers for the store tests: a store on a temp file with a fake
// clock and a small skill catalogue, sample reservists, raw SQL peeking.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "roster/model.h"
#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

namespace muster::store_test {

inline constexpr int64_t kStartMs = 1'700'000'000'000;

// A fresh store in a temp dir, with skills first_aid [1,3], driver_4x4
// [1,5], radio [1,2]. The clock advances only when told.
class StoreFixture {
 public:
  StoreFixture();
  ~StoreFixture();

  SqliteRosterStore& store() { return *store_; }
  std::string db_path() const { return dir_.File("roster.db"); }
  // Closes and reopens the store (same file).
  void Reopen();
  void CloseStore() { store_.reset(); }
  Result<std::unique_ptr<SqliteRosterStore>> OpenStore();
  void Tick(int64_t ms = 1000) { now_ms_ += ms; }
  int64_t now_ms() const { return now_ms_; }
  // Runs a single-value query on a separate raw connection.
  int64_t QueryInt(const std::string& sql) const;

 private:
  muster::testing::TempDir dir_;
  int64_t now_ms_ = kStartMs;
  std::unique_ptr<SqliteRosterStore> store_;
};

// A reservist with every field set (external id as given, may be empty).
Reservist FullReservist(const std::string& external_id, const std::string& name = "Jo Bloggs");
// A minimal valid reservist in the given area with the given skill.
Reservist SimpleReservist(const std::string& external_id, const std::string& area,
                          const std::string& skill, int level = 1);

}  // namespace muster::store_test
