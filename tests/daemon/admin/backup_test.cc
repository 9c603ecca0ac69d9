// Online backup taken while another thread keeps writing: every copy is a
// consistent snapshot (whole import chunks only) that opens and passes checks.
#include "admin/backup.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

Reservist Person(int i) {
  Reservist r;
  r.name = "Person " + std::to_string(i);
  r.external_id = "P" + std::to_string(i);
  r.home_area = "gloucestershire";
  r.lat = 51.9;
  r.lon = -2.1;
  r.channels = {{ChannelKind::kSms, "+447700900123"}};
  r.skills = {{"first_aid", 1, "", std::nullopt}};
  return r;
}

}  // namespace

TEST_CASE("backup under write load is a consistent, checkable snapshot", "[admin][backup]") {
  testing::TempDir dir;
  auto store = SqliteRosterStore::Open(dir.File("live.db"));
  REQUIRE(store.ok());
  REQUIRE((*store)->UpsertSkill({"first_aid", "First aid", 1, 3}).ok());

  constexpr int kChunk = 250;
  constexpr int kChunks = 40;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto session = (*store)->BeginImport(/*atomic=*/false, /*dry_run=*/false);
    REQUIRE(session.ok());
    for (int c = 0; c < kChunks; ++c) {
      std::vector<ImportItem> items;
      for (int i = 0; i < kChunk; ++i) items.push_back({i + 1, Person(c * kChunk + i)});
      (*session)->Write(items);  // one committed transaction per chunk
    }
    REQUIRE((*session)->Finish(true).ok());
    done = true;
  });

  int backups = 0;
  std::vector<int64_t> counts;
  while (!done || backups < 2) {
    std::string copy = dir.File("copy" + std::to_string(backups) + ".db");
    auto info = BackupDatabase(dir.File("live.db"), copy);
    REQUIRE(info.ok());
    CHECK(info->bytes > 0);
    CHECK(info->schema_version >= 1);
    CHECK(FileSha256(copy).value() == info->sha256);
    auto restored = SqliteRosterStore::Open(copy);  // migrations + quick_check
    REQUIRE(restored.ok());
    auto n = (*restored)->CountReservists({});
    REQUIRE(n.ok());
    CHECK(*n % kChunk == 0);  // never half a chunk
    counts.push_back(*n);
    ++backups;
  }
  writer.join();
  auto final_copy = BackupDatabase(dir.File("live.db"), dir.File("final.db"));
  REQUIRE(final_copy.ok());
  auto restored = SqliteRosterStore::Open(dir.File("final.db"));
  REQUIRE(restored.ok());
  CHECK((*restored)->CountReservists({}).value() == kChunk * kChunks);
  auto some = (*restored)->GetReservistByExternalId("P1234");
  REQUIRE(some.ok());
  CHECK(some->name == "Person 1234");
}

TEST_CASE("backup of a missing database is an error", "[admin][backup]") {
  testing::TempDir dir;
  auto info = BackupDatabase(dir.File("nope.db"), dir.File("copy.db"));
  CHECK_FALSE(info.ok());
}
