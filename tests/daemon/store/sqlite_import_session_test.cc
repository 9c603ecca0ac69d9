#include "store/sqlite_import_session.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "store_test_util.h"

namespace muster {
namespace {

using store_test::FullReservist;
using store_test::SimpleReservist;
using store_test::StoreFixture;

std::vector<ImportItem> Items(int first_line, int count, const std::string& prefix = "IMP-") {
  std::vector<ImportItem> items;
  for (int i = 0; i < count; ++i) {
    int line = first_line + i;
    items.push_back(
        {line, FullReservist(prefix + std::to_string(line), "Row " + std::to_string(line))});
  }
  return items;
}

std::unique_ptr<ImportSession> Begin(StoreFixture& f, bool atomic, bool dry_run) {
  auto session = f.store().BeginImport(atomic, dry_run);
  REQUIRE(session.ok());
  return std::move(session).value();
}

TEST_CASE("Non-atomic import stores good rows and reports the bad ones", "[store][import]") {
  StoreFixture f;
  auto existing = f.store().UpsertReservist(SimpleReservist("IMP-3", "glos", "radio"));
  REQUIRE(existing.ok());
  f.Tick();
  auto session = Begin(f, false, false);

  std::vector<ImportItem> chunk1 = Items(2, 3);  // lines 2..4, IMP-3 exists
  chunk1.push_back({5, FullReservist("", "No external id")});
  auto r1 = session->Write(chunk1);
  REQUIRE(r1.size() == 4);
  for (const auto& r : r1) CHECK(r.status.ok());
  CHECK(r1[0].created);
  CHECK_FALSE(r1[1].created);
  CHECK(r1[1].id == existing->stored.id);
  CHECK(r1[3].created);

  std::vector<ImportItem> chunk2 = Items(6, 4);  // lines 6..9
  chunk2[1].reservist.external_id = "IMP-2";     // duplicate of line 2
  chunk2[2].reservist.lat = 200;                 // rejected by SQLite: per-row rollback
  chunk2[3].reservist.skills[0].skill = "nope";  // unknown skill
  auto r2 = session->Write(chunk2);
  REQUIRE(r2.size() == 4);
  CHECK(r2[0].status.ok());
  CHECK(r2[1].line == 7);
  CHECK(r2[1].status.code() == Code::kInvalidArgument);
  CHECK(r2[1].status.field() == "external_id");
  CHECK(r2[1].status.message() == "duplicate external_id 'IMP-2' (first seen on line 2)");
  CHECK(r2[2].status.field() == "lat");
  CHECK(r2[3].status.field() == "skills[0].skill");
  REQUIRE(session->Finish(true).ok());
  CHECK(session->Finish(true).code() == Code::kFailedPrecondition);

  CHECK(*f.store().CountReservists({}) == 5);  // lines 2, 3 (replaced), 4, 5, 6
  auto replaced = f.store().GetReservist(existing->stored.id);
  REQUIRE(replaced.ok());
  CHECK(replaced->name == "Row 3");
  CHECK(replaced->created_at_ms == store_test::kStartMs);
  CHECK(replaced->updated_at_ms == f.now_ms());
  CHECK(f.store().GetReservistByExternalId("IMP-8").status().code() == Code::kNotFound);
  // No half-written row anywhere.
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_channels") == 5 * 3);
}

TEST_CASE("A non-atomic import commits each chunk as it goes", "[store][import]") {
  StoreFixture f;
  auto session = Begin(f, false, false);
  auto items = Items(1, 3);
  session->Write(items);
  CHECK(*f.store().CountReservists({}) == 3);
  REQUIRE(session->Finish(false).ok());  // cannot undo what is committed
  CHECK(*f.store().CountReservists({}) == 3);
}

TEST_CASE("Atomic import commits at Finish(true)", "[store][import]") {
  StoreFixture f;
  auto session = Begin(f, true, false);
  auto chunk1 = Items(1, 50);
  auto chunk2 = Items(51, 50);
  for (const auto& r : session->Write(chunk1)) CHECK(r.status.ok());
  for (const auto& r : session->Write(chunk2)) CHECK(r.status.ok());
  // Readers are not blocked, and see nothing uncommitted.
  CHECK(*f.store().CountReservists({}) == 0);
  REQUIRE(session->Finish(true).ok());
  CHECK(*f.store().CountReservists({}) == 100);
  auto stored = f.store().GetReservistByExternalId("IMP-77");
  REQUIRE(stored.ok());
  Reservist expected = chunk2[26].reservist;
  expected.id = stored->id;
  expected.created_at_ms = expected.updated_at_ms = f.now_ms();
  CHECK(*stored == expected);
}

TEST_CASE("Atomic import rolled back stores nothing", "[store][import]") {
  StoreFixture f;
  auto before = f.store().UpsertReservist(FullReservist("IMP-1"));
  REQUIRE(before.ok());
  auto session = Begin(f, true, false);
  auto items = Items(1, 10);
  items[4].reservist.lat = 300;  // a bad row, rolled back alone within the chunk
  auto results = session->Write(items);
  CHECK(results[0].status.ok());
  CHECK_FALSE(results[0].created);
  CHECK(results[4].status.field() == "lat");
  CHECK(results[5].status.ok());
  REQUIRE(session->Finish(false).ok());
  CHECK(*f.store().CountReservists({}) == 1);
  CHECK(*f.store().GetReservist(before->stored.id) == before->stored);
  // The writer lock is free again.
  CHECK(f.store().UpsertReservist(FullReservist("after")).ok());
}

TEST_CASE("An abandoned atomic session rolls back and frees the writer", "[store][import]") {
  StoreFixture f;
  {
    auto session = Begin(f, true, false);
    auto items = Items(1, 5);
    session->Write(items);
  }
  CHECK(*f.store().CountReservists({}) == 0);
  CHECK(f.store().UpsertReservist(FullReservist("after")).ok());
}

TEST_CASE("Dry run reports outcomes but stores nothing", "[store][import]") {
  StoreFixture f;
  auto before = f.store().UpsertReservist(FullReservist("IMP-2"));
  REQUIRE(before.ok());
  for (bool atomic : {false, true}) {
    INFO("atomic " << atomic);
    std::vector<RosterChange> seen;
    f.store().SetChangeListener([&](const RosterChange& c) { seen.push_back(c); });
    auto session = Begin(f, atomic, true);
    auto items = Items(1, 4);
    items[3].reservist.external_id = "IMP-1";
    auto results = session->Write(items);
    CHECK(results[0].created);
    CHECK_FALSE(results[1].created);
    CHECK(results[3].status.field() == "external_id");
    REQUIRE(session->Finish(true).ok());
    CHECK(*f.store().CountReservists({}) == 1);
    CHECK(*f.store().GetReservist(before->stored.id) == before->stored);
    CHECK(seen.empty());
  }
}

TEST_CASE("Import notifies the listener with the stored state", "[store][import][listener]") {
  StoreFixture f;
  std::vector<Reservist> seen;
  int calls = 0;
  f.store().SetChangeListener([&](const RosterChange& c) {
    ++calls;
    CHECK(c.deleted.empty());
    seen.insert(seen.end(), c.upserted.begin(), c.upserted.end());
  });
  auto check_seen = [&](size_t expected) {
    REQUIRE(seen.size() == expected);
    for (const Reservist& r : seen) CHECK(r == *f.store().GetReservist(r.id));
  };

  SECTION("non-atomic: once per Write, good rows only") {
    auto session = Begin(f, false, false);
    auto items = Items(1, 6);
    items[2].reservist.lat = 400;
    session->Write(items);
    CHECK(calls == 1);
    check_seen(5);
    auto more = Items(7, 2);
    session->Write(more);
    CHECK(calls == 2);
    REQUIRE(session->Finish(true).ok());
    CHECK(calls == 2);
    check_seen(7);
  }
  SECTION("atomic: only after the commit, everything") {
    auto first = f.store().UpsertReservist(FullReservist("IMP-3"));  // replaced below
    REQUIRE(first.ok());
    seen.clear();
    calls = 0;
    auto session = Begin(f, true, false);
    for (int chunk = 0; chunk < 5; ++chunk) {
      auto items = Items(1 + chunk * 10, 10);
      session->Write(items);
    }
    CHECK(calls == 0);
    REQUIRE(session->Finish(true).ok());
    CHECK(calls >= 1);
    check_seen(50);
  }
  SECTION("atomic rollback: never") {
    auto session = Begin(f, true, false);
    auto items = Items(1, 10);
    session->Write(items);
    REQUIRE(session->Finish(false).ok());
    CHECK(calls == 0);
  }
}

TEST_CASE("An atomic import holds other writers until Finish", "[store][import]") {
  StoreFixture f;
  auto session = Begin(f, true, false);
  auto items = Items(1, 3);
  session->Write(items);
  std::atomic<bool> written{false};
  std::thread writer([&] {
    REQUIRE(f.store().UpsertReservist(FullReservist("other")).ok());
    written = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(written.load());
  CHECK(f.store().GetReservistByExternalId("IMP-1").status().code() == Code::kNotFound);
  // Finished from another thread than the one that began it.
  std::thread finisher([&] { CHECK(session->Finish(true).ok()); });
  finisher.join();
  writer.join();
  CHECK(written.load());
  CHECK(*f.store().CountReservists({}) == 4);
}

}  // namespace
}  // namespace muster

namespace muster {
namespace {

using store_test::FullReservist;
using store_test::StoreFixture;

// Reservists with 0..4 of each child, so that the multi-row statements see
// every remainder of their power-of-two batching.
std::vector<ImportItem> VariedItems(int count) {
  std::vector<ImportItem> items;
  for (int i = 0; i < count; ++i) {
    Reservist r = FullReservist(i % 11 == 0 ? "" : "V-" + std::to_string(i));
    r.name = "Varied " + std::to_string(i);
    r.status = i % 5 == 0 ? ReservistStatus::kSuspended : ReservistStatus::kActive;
    r.channels.resize(1 + i % 3);
    r.skills.resize(i % 3);
    r.availability.resize(i % 4);
    r.unavailable.resize(i % 3 == 0 ? 2 : 0);
    items.push_back({i + 1, r});
  }
  return items;
}

TEST_CASE("A large import stores exactly what was given", "[store][import]") {
  StoreFixture f;
  for (bool atomic : {false, true}) {
    INFO("atomic " << atomic);
    auto session = f.store().BeginImport(atomic, false);
    REQUIRE(session.ok());
    std::vector<ImportItem> items = VariedItems(700);
    const std::vector<ImportItem> original = items;
    auto results = (*session)->Write(items);
    REQUIRE((*session)->Finish(true).ok());
    CHECK(items.size() == original.size());
    for (size_t i = 0; i < items.size(); ++i) {
      REQUIRE(results[i].status.ok());
      CHECK(items[i].reservist == original[i].reservist);  // not modified
      auto stored = f.store().GetReservist(results[i].id);
      REQUIRE(stored.ok());
      Reservist expected = original[i].reservist;
      expected.id = results[i].id;
      expected.created_at_ms = stored->created_at_ms;
      expected.updated_at_ms = f.now_ms();
      CHECK(*stored == expected);
    }
    f.Tick();
  }
  // The second pass replaced every reservist with an external id and created
  // the others again.
  CHECK(*f.store().CountReservists({}) == 700 + 700 / 11 + 1);
}

TEST_CASE("Items are unchanged after a Write that notified the listener", "[store][import]") {
  StoreFixture f;
  size_t seen = 0;
  f.store().SetChangeListener([&](const RosterChange& c) {
    for (const Reservist& r : c.upserted) {
      CHECK(r.id != 0);
      CHECK(r.updated_at_ms == f.now_ms());
    }
    seen += c.upserted.size();
  });
  auto session = f.store().BeginImport(false, false);
  REQUIRE(session.ok());
  std::vector<ImportItem> items = VariedItems(100);
  items[3].reservist.id = 77;  // ignored by the import, but given back
  items[3].reservist.created_at_ms = 5;
  items[4].reservist.lat = 1000;  // rejected
  const std::vector<ImportItem> original = items;
  auto results = (*session)->Write(items);
  CHECK(seen == 99);
  CHECK(results[3].id != 77);
  for (size_t i = 0; i < items.size(); ++i) CHECK(items[i].reservist == original[i].reservist);
}

TEST_CASE("Imported ids continue the sequence and are never reused", "[store][import]") {
  StoreFixture f;
  auto first = f.store().UpsertReservist(FullReservist("single"));
  REQUIRE(first.ok());
  auto session = f.store().BeginImport(false, false);
  REQUIRE(session.ok());
  std::vector<ImportItem> items = VariedItems(3);
  auto results = (*session)->Write(items);
  CHECK(results[0].id == first->stored.id + 1);
  CHECK(results[2].id == first->stored.id + 3);
  REQUIRE(f.store().DeleteReservist(results[2].id).ok());
  std::vector<ImportItem> more = {{9, FullReservist("", "after delete")}};
  auto again = (*session)->Write(more);
  CHECK(again[0].id == results[2].id + 1);
  REQUIRE((*session)->Finish(true).ok());
  auto single = f.store().UpsertReservist(FullReservist("", "single again"));
  CHECK(single->stored.id == again[0].id + 1);
}

}  // namespace
}  // namespace muster

namespace muster {
namespace {

using store_test::FullReservist;
using store_test::StoreFixture;

TEST_CASE("Re-import replaces every child row", "[store][import]") {
  StoreFixture f;
  std::vector<ImportItem> first;
  for (int i = 0; i < 150; ++i) first.push_back({i + 1, FullReservist("R-" + std::to_string(i))});
  {
    auto session = f.store().BeginImport(false, false);
    REQUIRE(session.ok());
    (*session)->Write(first);
    REQUIRE((*session)->Finish(true).ok());
  }
  f.Tick();
  std::vector<ImportItem> second = first;
  for (size_t i = 0; i < second.size(); ++i) {
    Reservist& r = second[i].reservist;
    r.channels.resize(1);
    r.skills = {{"radio", 2, "RSGB", Date{21000}}};
    r.availability.resize(i % 2);
    r.unavailable.clear();
  }
  auto session = f.store().BeginImport(true, false);
  REQUIRE(session.ok());
  auto results = (*session)->Write(second);
  REQUIRE((*session)->Finish(true).ok());
  for (size_t i = 0; i < second.size(); ++i) {
    REQUIRE(results[i].status.ok());
    CHECK_FALSE(results[i].created);
    Reservist expected = second[i].reservist;
    expected.id = results[i].id;
    expected.created_at_ms = store_test::kStartMs;
    expected.updated_at_ms = f.now_ms();
    CHECK(*f.store().GetReservist(results[i].id) == expected);
  }
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_channels") == 150);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_skills") == 150);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_windows") == 75);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_unavailability") == 0);
  CHECK(f.store().ListSkills()->at(2).holders == 150);  // radio
}

TEST_CASE("Atomic import commits the good rows around a bad one", "[store][import]") {
  StoreFixture f;
  auto session = f.store().BeginImport(true, false);
  REQUIRE(session.ok());
  std::vector<ImportItem> items;
  for (int i = 0; i < 200; ++i) items.push_back({i + 1, FullReservist("A-" + std::to_string(i))});
  items[100].reservist.unavailable[0].until = Date{0};  // before from: CHECK fails
  auto results = (*session)->Write(items);
  CHECK(results[100].status.code() == Code::kInvalidArgument);
  CHECK(results[100].status.field() == "unavailable[0].until");
  REQUIRE((*session)->Finish(true).ok());
  CHECK(*f.store().CountReservists({}) == 199);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_unavailability") == 199 * 2);
  CHECK(f.store().GetReservistByExternalId("A-100").status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace muster
