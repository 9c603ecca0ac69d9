// ActivationManager::Explain against the selection as it was made, the
// activation's areas and the caller's areas; and the creator's areas kept
// with an activation. Real SQLite stores and the in-memory index.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "activation/activation_manager.h"
#include "activation/sqlite_activation_store.h"
#include "core/clock.h"
#include "ranking/roster_index.h"
#include "store/sqlite_db.h"
#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

// 2026-12-01T18:00:00Z, a Tuesday.
constexpr int64_t kStart = 1796148000;
constexpr double kLat = 51.9925, kLon = -2.1580;  // Tewkesbury

struct Person {
  const char* name;
  const char* area;
  double km_east;  // 0.01467 degrees of longitude is about 1 km here
};

// Nearest first: g1 w1 g2 w2 g3 (w2 and g3 nearly tied).
constexpr Person kPeople[] = {{"g1", "gloucestershire", 1.0},
                              {"w1", "worcestershire", 1.5},
                              {"g2", "gloucestershire", 2.0},
                              {"w2", "worcestershire", 2.5},
                              {"g3", "gloucestershire", 2.52}};

struct World {
  testing::TempDir dir;
  ManualClock clock{(kStart - 3 * 86400) * 1000};
  std::unique_ptr<SqliteRosterStore> roster;
  std::unique_ptr<RosterIndex> index;
  std::unique_ptr<SqliteActivationStore> store;
  std::unique_ptr<ActivationManager> manager;

  World() {
    SqliteStoreOptions opts;
    opts.now_ms = [this] { return clock.NowMs(); };
    auto r = SqliteRosterStore::Open(dir.File("m.db"), opts);
    REQUIRE(r.ok());
    roster = std::move(r).value();
    REQUIRE(roster->UpsertSkill({"first_aid", "First aid", 1, 3}).ok());
    for (const Person& p : kPeople) {
      Reservist res;
      res.name = p.name;
      res.external_id = p.name;
      res.home_area = p.area;
      res.lat = kLat;
      res.lon = kLon + p.km_east * 0.01467;
      res.max_travel_km = 50;
      res.channels = {{ChannelKind::kSms, "+447700900123"}};
      res.skills = {{"first_aid", 2, "", std::nullopt}};
      REQUIRE(roster->UpsertReservist(res).ok());
    }
    index = std::make_unique<RosterIndex>();
    index->SetSkills({{"first_aid", "First aid", 1, 3}});
    REQUIRE(index
                ->Rebuild([this](const ReservistSink& sink) {
                  return roster->ForEachReservist({}, sink);
                })
                .ok());
    auto a = SqliteActivationStore::Open(dir.File("m.db"), clock);
    REQUIRE(a.ok());
    store = std::move(a).value();
    manager = std::make_unique<ActivationManager>(*store, *roster, *index, RankingConfig{}, clock);
  }

  int64_t Id(const char* name) {
    auto r = roster->GetReservistByExternalId(name);
    REQUIRE(r.ok());
    return r->id;
  }

  // `count` first aiders at Tewkesbury within 30 km, 12 hours from `start`.
  static ActivationSpec Spec(std::vector<std::string> areas, int64_t start = kStart,
                             int count = 1) {
    ActivationSpec s;
    s.title = "Tewkesbury flooding";
    s.lat = kLat;
    s.lon = kLon;
    s.radius_km = 30;
    s.start_unix = start;
    s.duration_minutes = 12 * 60;
    s.requirements = {{"first_aid", 1, count}};
    s.areas = std::move(areas);
    return s;
  }

  // One first aider wanted: with the default over-ask, two are asked.
  Activation Create(std::vector<std::string> areas = {}, int64_t start = kStart,
                    std::vector<std::string> raised_by = {}) {
    auto out = manager->Create(Spec(std::move(areas), start), "", std::move(raised_by));
    REQUIRE(out.ok());
    clock.Advance(1000);
    return out->activation;
  }

  std::string Why(int64_t activation, const char* name, const AreaScope& scope = AreaScope::All()) {
    auto e = manager->Explain(activation, Id(name), scope);
    REQUIRE(e.ok());
    return e->reason;
  }
};

std::vector<std::string> Names(const Activation& a) {
  std::vector<std::string> out;
  for (const auto& c : a.callouts) out.push_back(c.reservist_name);
  return out;
}

}  // namespace

TEST_CASE("explain does not blame an activation created after the selection",
          "[activation][explain]") {
  World w;
  const Activation first = w.Create();
  REQUIRE(Names(first) == std::vector<std::string>{"g1", "w1"});
  CHECK(w.Why(first.id, "g2") == "eligible but ranked 3rd for first_aid; 2 were asked");
  // A later, overlapping activation asks g2 and w2 (g1 and w1 are busy).
  const Activation second = w.Create();
  REQUIRE(Names(second) == std::vector<std::string>{"g2", "w2"});
  // g2 was free when the first was selected: still "ranked 3rd", not
  // "already selected for activation 2".
  CHECK(w.Why(first.id, "g2") == "eligible but ranked 3rd for first_aid; 2 were asked");
  // The later activation does see the first one's selection.
  CHECK(w.Why(second.id, "g1") ==
        fmt::format("already selected for activation {} (overlapping)", first.id));
}

TEST_CASE("explain uses the answer history as it was at the selection", "[activation][explain]") {
  World w;
  const Activation first = w.Create();
  const std::string w2_then = w.Why(first.id, "w2");
  const std::string g3_then = w.Why(first.id, "g3");
  CHECK(w2_then == "eligible but ranked 4th for first_aid; 2 were asked");
  CHECK(g3_then == "eligible but ranked 5th for first_aid; 2 were asked");
  // Created later but starting earlier (no overlap): worcestershire's two
  // are asked, so w2 now has a call-out in the 30 days before the first
  // activation's start, which would cost w2 fairness (and the near tie with
  // g3) if Explain recomputed history as it is now.
  const Activation earlier = w.Create({"worcestershire"}, kStart - 2 * 86400);
  // (w2 first: w1's call-out on the first activation costs it fairness.)
  REQUIRE(Names(earlier) == std::vector<std::string>{"w2", "w1"});
  CHECK(w.Why(first.id, "w2") == w2_then);
  CHECK(w.Why(first.id, "g3") == g3_then);
  // A new selection does see that history: g3 now ranks before w2.
  ActivationSpec again = w.manager->Get(first.id)->spec;
  auto preview = w.manager->Preview(again);
  REQUIRE(preview.ok());
  CHECK(Names(*preview) == std::vector<std::string>{"g2", "g3"});
}

TEST_CASE("explain names the area of a reservist outside the activation's areas",
          "[activation][explain]") {
  World w;
  const Activation glos = w.Create({"gloucestershire"});
  REQUIRE(Names(glos) == std::vector<std::string>{"g1", "g2"});
  CHECK(w.Why(glos.id, "w1") ==
        "home area worcestershire is outside this activation's areas (gloucestershire)");
  CHECK(w.Why(glos.id, "g3") == "eligible but ranked 3rd for first_aid; 2 were asked");
}

TEST_CASE("explain tells a scoped caller nothing about reservists of other areas",
          "[activation][explain]") {
  World w;
  const Activation both = w.Create({"gloucestershire", "worcestershire"});
  REQUIRE(Names(both) == std::vector<std::string>{"g1", "w1"});
  const AreaScope glos = AreaScope::Only({"gloucestershire"}, /*mutual_aid=*/true);
  // w2 lives elsewhere and was not asked: as if they did not exist.
  auto hidden = w.manager->Explain(both.id, w.Id("w2"), glos);
  CHECK(hidden.status().code() == Code::kNotFound);
  auto missing = w.manager->Explain(both.id, 424242, glos);
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK(hidden.status().message() == fmt::format("reservist {} is not in the roster", w.Id("w2")));
  CHECK(missing.status().message() == "reservist 424242 is not in the roster");
  // Asked on it: the activation already names them.
  auto asked = w.manager->Explain(both.id, w.Id("w1"), glos);
  REQUIRE(asked.ok());
  CHECK(asked->selected);
  // Their own people, and everyone for an unscoped caller.
  CHECK(w.Why(both.id, "g2", glos) == "eligible but ranked 3rd for first_aid; 2 were asked");
  CHECK(w.Why(both.id, "w2") == "eligible but ranked 4th for first_aid; 2 were asked");
}

TEST_CASE("an activation keeps the areas of the caller that raised it", "[activation]") {
  World w;
  const Activation aid = w.Create({"worcestershire"}, kStart, {"gloucestershire"});
  CHECK(aid.raised_by_areas == std::vector<std::string>{"gloucestershire"});
  auto reach = w.manager->ReachOf(aid.id);
  REQUIRE(reach.ok());
  CHECK(reach->areas == std::vector<std::string>{"worcestershire"});
  CHECK(reach->raised_by == std::vector<std::string>{"gloucestershire"});
  CHECK(w.manager->Get(aid.id)->raised_by_areas == std::vector<std::string>{"gloucestershire"});

  const AreaScope glos_aid = AreaScope::Only({"gloucestershire"}, true);
  const AreaScope glos_only = AreaScope::Only({"gloucestershire"}, false);
  const AreaScope worcs = AreaScope::Only({"worcestershire"}, false);
  const AreaScope wilts_aid = AreaScope::Only({"wiltshire"}, true);
  CHECK(MayManage(glos_aid, *reach));  // the creator keeps it
  CHECK(MayManage(worcs, *reach));     // the area asked sees it
  CHECK(MayManage(AreaScope::All(), *reach));
  CHECK_FALSE(MayManage(glos_only, *reach));  // no mutual aid: only its own areas' activations
  CHECK_FALSE(MayManage(wilts_aid, *reach));
}

TEST_CASE("an activation stored before selections were marked is explained as of now",
          "[activation][explain]") {
  World w;
  const Activation first = w.Create();
  const Activation second = w.Create();
  REQUIRE(w.manager->Get(first.id)->selection.known);
  // As schema 0012 leaves rows stored before it.
  auto db = SqliteDb::Open(w.dir.File("m.db"), SqliteDbOptions());
  REQUIRE(db.ok());
  const std::string unmark = fmt::format(
      "UPDATE activations SET selection_activation_event = NULL, selection_callout_event = NULL "
      "WHERE id = {}",
      first.id);
  REQUIRE((*db)->Exec(unmark.c_str()).ok());
  CHECK_FALSE(w.manager->Get(first.id)->selection.known);
  CHECK(w.Why(first.id, "g2") ==
        fmt::format("already selected for activation {} (overlapping)", second.id));
}

TEST_CASE("a mutual-aid preview lists only the caller's own areas' candidates",
          "[activation][scope]") {
  World w;
  const ActivationSpec s = World::Spec({"gloucestershire", "worcestershire"}, kStart, 2);
  const AreaScope glos = AreaScope::Only({"gloucestershire"}, /*mutual_aid=*/true);
  auto exact = w.manager->Preview(s);
  auto scoped = w.manager->Preview(s, glos);
  REQUIRE(exact.ok());
  REQUIRE(scoped.ok());
  std::vector<std::string> own;
  for (const std::string& name : Names(*exact)) {
    if (name[0] == 'g') own.push_back(name);
  }
  REQUIRE(own.size() < exact->callouts.size());  // worcestershire's were asked too
  CHECK(Names(*scoped) == own);
  // The requirement counts still include everyone.
  REQUIRE(scoped->requirements.size() == 1);
  CHECK(scoped->requirements[0].eligible == exact->requirements[0].eligible);
  CHECK(scoped->requirements[0].asked == exact->requirements[0].asked);
}
