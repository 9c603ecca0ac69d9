#include "store/sqlite_roster_store.h"

#include <catch2/catch.hpp>

#include "store_test_util.h"

namespace muster {
namespace {

using store_test::FullReservist;
using store_test::SimpleReservist;
using store_test::StoreFixture;

TEST_CASE("Every field of a reservist round-trips", "[store]") {
  StoreFixture f;
  Reservist in = FullReservist("GLOS-1");
  auto out = f.store().UpsertReservist(in);
  REQUIRE(out.ok());
  CHECK(out->created);
  CHECK(out->stored.id > 0);
  CHECK(out->stored.created_at_ms == f.now_ms());
  CHECK(out->stored.updated_at_ms == f.now_ms());

  Reservist expected = in;
  expected.id = out->stored.id;
  expected.created_at_ms = expected.updated_at_ms = f.now_ms();
  CHECK(out->stored == expected);
  auto got = f.store().GetReservist(expected.id);
  REQUIRE(got.ok());
  CHECK(*got == expected);
  auto by_ext = f.store().GetReservistByExternalId("GLOS-1");
  REQUIRE(by_ext.ok());
  CHECK(*by_ext == expected);
  f.Reopen();  // and from disk
  CHECK(*f.store().GetReservist(expected.id) == expected);
}

TEST_CASE("A reservist without external id is always created", "[store]") {
  StoreFixture f;
  Reservist in = FullReservist("");
  auto a = f.store().UpsertReservist(in);
  auto b = f.store().UpsertReservist(in);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->created);
  CHECK(b->created);
  CHECK(a->stored.id != b->stored.id);
  CHECK(f.store().GetReservist(a->stored.id)->external_id.empty());
  CHECK(f.QueryInt("SELECT count(*) FROM reservists WHERE external_id IS NULL") == 2);
}

TEST_CASE("Skills round-trip, with holder counts", "[store]") {
  StoreFixture f;
  REQUIRE(f.store().UpsertReservist(FullReservist("a")).ok());
  REQUIRE(f.store().UpsertReservist(SimpleReservist("b", "glos", "first_aid")).ok());
  auto skills = f.store().ListSkills();
  REQUIRE(skills.ok());
  REQUIRE(skills->size() == 3);  // ordered by code
  CHECK((*skills)[0].skill == Skill{"driver_4x4", "4x4", 1, 5});
  CHECK((*skills)[0].holders == 1);
  CHECK((*skills)[1].skill == Skill{"first_aid", "First aid", 1, 3});
  CHECK((*skills)[1].holders == 2);
  CHECK((*skills)[2].skill == Skill{"radio", "Radio operator", 1, 2});
  CHECK((*skills)[2].holders == 0);
}

TEST_CASE("UpsertSkill updates, widens, and refuses to strand holdings", "[store]") {
  StoreFixture f;
  REQUIRE(f.store().UpsertReservist(SimpleReservist("a", "glos", "driver_4x4", 4)).ok());
  REQUIRE(f.store().UpsertReservist(SimpleReservist("b", "glos", "driver_4x4", 5)).ok());
  REQUIRE(f.store().UpsertReservist(SimpleReservist("c", "glos", "driver_4x4", 1)).ok());

  auto narrowed = f.store().UpsertSkill({"driver_4x4", "4x4 driver", 1, 3});
  REQUIRE_FALSE(narrowed.ok());
  CHECK(narrowed.status().code() == Code::kFailedPrecondition);
  CHECK(narrowed.status().message() ==
        "narrowing skill driver_4x4 to levels [1, 3] would leave 2 holdings out of range");
  auto one = f.store().UpsertSkill({"driver_4x4", "4x4 driver", 2, 5});
  REQUIRE_FALSE(one.ok());
  CHECK_THAT(one.status().message(), Catch::EndsWith("would leave 1 holding out of range"));
  CHECK(f.store().ListSkills()->at(0).skill.max_level == 5);  // unchanged

  REQUIRE(f.store().UpsertSkill({"driver_4x4", "4x4 driver", 1, 8}).ok());
  REQUIRE(f.store().UpsertSkill({"driver_4x4", "4x4 driver", 1, 5}).ok());  // nobody above 5
  CHECK(f.store().ListSkills()->at(0).skill == Skill{"driver_4x4", "4x4 driver", 1, 5});
  // The store checks levels against the updated range at once.
  REQUIRE(f.store().UpsertSkill({"radio", "Radio operator", 1, 4}).ok());
  CHECK(f.store().UpsertReservist(SimpleReservist("d", "glos", "radio", 4)).ok());
}

TEST_CASE("Unknown skills and out-of-range levels are InvalidArgument", "[store]") {
  StoreFixture f;
  Reservist r = FullReservist("a");
  r.skills.push_back({"abseiling", 1, "", std::nullopt});
  auto unknown = f.store().UpsertReservist(r);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Code::kInvalidArgument);
  CHECK(unknown.status().field() == "skills[2].skill");
  CHECK_THAT(unknown.status().message(), Catch::Contains("'abseiling'"));

  r = FullReservist("a");
  r.skills[1].level = 6;  // driver_4x4 is [1, 5]
  auto level = f.store().UpsertReservist(r);
  CHECK(level.status().code() == Code::kInvalidArgument);
  CHECK(level.status().field() == "skills[1].level");

  r = FullReservist("a");
  r.skills[1].skill = "first_aid";
  auto twice = f.store().UpsertReservist(r);
  CHECK(twice.status().code() == Code::kInvalidArgument);
  CHECK(twice.status().field() == "skills[1].skill");
  CHECK(*f.store().CountReservists({}) == 0);
}

TEST_CASE("CHECK constraints back up validation, naming the field", "[store]") {
  StoreFixture f;
  Reservist r = FullReservist("a");
  r.lat = 123.4;
  auto lat = f.store().UpsertReservist(r);
  CHECK(lat.status().code() == Code::kInvalidArgument);
  CHECK(lat.status().field() == "lat");

  r = FullReservist("a");
  r.availability[1].day = 9;
  auto day = f.store().UpsertReservist(r);
  CHECK(day.status().code() == Code::kInvalidArgument);
  CHECK(day.status().field() == "availability[1].day");

  r = FullReservist("a");
  r.unavailable[0].until = Date{r.unavailable[0].from.days - 1};
  CHECK(f.store().UpsertReservist(r).status().field() == "unavailable[0].until");
  r = FullReservist("a");
  r.max_travel_km = 0;
  CHECK(f.store().UpsertReservist(r).status().field() == "max_travel_km");
  CHECK(*f.store().CountReservists({}) == 0);
}

TEST_CASE("Replace by id and by external id keeps created_at", "[store]") {
  StoreFixture f;
  auto first = f.store().UpsertReservist(FullReservist("GLOS-7"));
  REQUIRE(first.ok());
  const int64_t id = first->stored.id;

  SECTION("by external id") {
    f.Tick();
    Reservist r = SimpleReservist("GLOS-7", "worcestershire", "radio", 2);
    auto second = f.store().UpsertReservist(r);
    REQUIRE(second.ok());
    CHECK_FALSE(second->created);
    CHECK(second->stored.id == id);
    CHECK(second->stored.created_at_ms == store_test::kStartMs);
    CHECK(second->stored.updated_at_ms == f.now_ms());
    CHECK(*f.store().GetReservist(id) == second->stored);
  }
  SECTION("by id, also changing the external id") {
    f.Tick(5);
    Reservist r = SimpleReservist("GLOS-7b", "worcestershire", "radio", 2);
    r.id = id;
    auto second = f.store().UpsertReservist(r);
    REQUIRE(second.ok());
    CHECK_FALSE(second->created);
    CHECK(second->stored.created_at_ms == store_test::kStartMs);
    CHECK(second->stored.updated_at_ms == store_test::kStartMs + 5);
    CHECK(*f.store().GetReservist(id) == second->stored);
    CHECK(f.store().GetReservistByExternalId("GLOS-7").status().code() == Code::kNotFound);
  }
  // Children replaced wholesale, none left over.
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_channels") == 1);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_skills") == 1);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_windows") == 0);
  CHECK(f.QueryInt("SELECT count(*) FROM reservist_unavailability") == 0);
}

TEST_CASE("Taking another reservist's external id is AlreadyExists", "[store]") {
  StoreFixture f;
  auto a = f.store().UpsertReservist(FullReservist("A-1"));
  auto b = f.store().UpsertReservist(FullReservist("B-2"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  Reservist r = b->stored;
  r.external_id = "A-1";
  auto taken = f.store().UpsertReservist(r);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.status().code() == Code::kAlreadyExists);
  CHECK(taken.status().field() == "external_id");
  CHECK(taken.status().message() ==
        "external_id 'A-1' already belongs to reservist " + std::to_string(a->stored.id));
  CHECK(*f.store().GetReservist(b->stored.id) == b->stored);
}

TEST_CASE("A failed replace leaves the stored reservist intact", "[store]") {
  StoreFixture f;
  auto before = f.store().UpsertReservist(FullReservist("GLOS-1"));
  REQUIRE(before.ok());
  f.Tick();
  Reservist r = FullReservist("GLOS-1", "New Name");
  r.id = before->stored.id;
  r.channels.pop_back();
  r.skills.pop_back();
  r.availability.push_back({8, 0, 0});  // fails after the other children were rewritten
  auto failed = f.store().UpsertReservist(r);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().field() == "availability[3].day");
  CHECK(*f.store().GetReservist(before->stored.id) == before->stored);
  r.id = 0;  // the same through the external id path
  CHECK_FALSE(f.store().UpsertReservist(r).ok());
  CHECK(*f.store().GetReservist(before->stored.id) == before->stored);
}

TEST_CASE("Unknown ids are NotFound, naming the id", "[store]") {
  StoreFixture f;
  auto get = f.store().GetReservist(42);
  CHECK(get.status().code() == Code::kNotFound);
  CHECK(get.status().message() == "reservist 42 not found");
  Reservist r = FullReservist("x");
  r.id = 42;
  auto upsert = f.store().UpsertReservist(r);
  CHECK(upsert.status().code() == Code::kNotFound);
  CHECK(upsert.status().message() == "reservist 42 not found");
  CHECK(*f.store().CountReservists({}) == 0);  // and nothing was created
  CHECK(f.store().SetReservistStatus(42, ReservistStatus::kActive).status().message() ==
        "reservist 42 not found");
  CHECK(f.store().DeleteReservist(42).message() == "reservist 42 not found");
  auto ext = f.store().GetReservistByExternalId("NOPE");
  CHECK(ext.status().code() == Code::kNotFound);
  CHECK_THAT(ext.status().message(), Catch::Contains("'NOPE'"));
  // A neighbour's id must not be returned for a missing one.
  auto stored = f.store().UpsertReservist(FullReservist("y"));
  REQUIRE(stored.ok());
  CHECK(f.store().GetReservist(stored->stored.id - 1).status().code() == Code::kNotFound);
}

TEST_CASE("SetReservistStatus changes status and bumps updated_at", "[store]") {
  StoreFixture f;
  auto stored = f.store().UpsertReservist(FullReservist("a"));
  REQUIRE(stored.ok());
  f.Tick(250);
  auto active = f.store().SetReservistStatus(stored->stored.id, ReservistStatus::kActive);
  REQUIRE(active.ok());
  Reservist expected = stored->stored;
  expected.status = ReservistStatus::kActive;
  expected.updated_at_ms = store_test::kStartMs + 250;
  CHECK(*active == expected);
  CHECK(*f.store().GetReservist(expected.id) == expected);
}

TEST_CASE("Delete removes the reservist and all child rows", "[store]") {
  StoreFixture f;
  auto a = f.store().UpsertReservist(FullReservist("a"));
  auto b = f.store().UpsertReservist(FullReservist("b"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(f.store().DeleteReservist(a->stored.id).ok());
  CHECK(f.store().GetReservist(a->stored.id).status().code() == Code::kNotFound);
  CHECK(*f.store().GetReservist(b->stored.id) == b->stored);
  for (const char* table : {"reservist_channels", "reservist_skills", "reservist_windows",
                            "reservist_unavailability"}) {
    INFO(table);
    CHECK(f.QueryInt(std::string("SELECT count(*) FROM ") + table +
                     " WHERE reservist_id = " + std::to_string(a->stored.id)) == 0);
    CHECK(f.QueryInt(std::string("SELECT count(*) FROM ") + table +
                     " WHERE reservist_id = " + std::to_string(b->stored.id)) > 0);
  }
  CHECK(f.store().ListSkills()->at(1).holders == 1);
  // Ids are never reused, even the highest one's.
  REQUIRE(f.store().DeleteReservist(b->stored.id).ok());
  auto c = f.store().UpsertReservist(FullReservist("c"));
  REQUIRE(c.ok());
  CHECK(c->stored.id > b->stored.id);
}

TEST_CASE("The listener sees each committed write", "[store][listener]") {
  StoreFixture f;
  std::vector<RosterChange> seen;
  f.store().SetChangeListener([&](const RosterChange& c) { seen.push_back(c); });
  auto a = f.store().UpsertReservist(FullReservist("a"));
  REQUIRE(a.ok());
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].upserted.size() == 1);
  CHECK(seen[0].upserted[0] == *f.store().GetReservist(a->stored.id));
  CHECK(seen[0].deleted.empty());

  auto suspended = f.store().SetReservistStatus(a->stored.id, ReservistStatus::kSuspended);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].upserted.at(0) == *suspended);

  Reservist bad = FullReservist("b");
  bad.lat = 500;
  CHECK_FALSE(f.store().UpsertReservist(bad).ok());
  CHECK_FALSE(f.store().DeleteReservist(999).ok());
  CHECK(seen.size() == 2);  // failures notify nothing

  REQUIRE(f.store().DeleteReservist(a->stored.id).ok());
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].upserted.empty());
  CHECK(seen[2].deleted == std::vector<int64_t>{a->stored.id});
}

TEST_CASE("The listener may read from the store", "[store][listener]") {
  StoreFixture f;
  int64_t count = -1;
  f.store().SetChangeListener([&](const RosterChange&) { count = *f.store().CountReservists({}); });
  REQUIRE(f.store().UpsertReservist(FullReservist("a")).ok());
  CHECK(count == 1);
}

}  // namespace
}  // namespace muster
