// One definition of a requirement's shortfall, whether previewed, stored or
// read back: count - min(count, accepted + awaiting an answer + eligible and
// not yet asked on the activation). Someone asked for another requirement is
// not "not yet asked" for this one.
#include <catch2/catch.hpp>

#include "activation/activation_manager.h"
#include "activation/sqlite_activation_store.h"
#include "core/clock.h"
#include "ranking/roster_index.h"
#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

constexpr int64_t kStart = 1796148000;  // 2026-12-01T18:00:00Z
constexpr double kLat = 51.9925, kLon = -2.1580;

}  // namespace

TEST_CASE("a person taken for another requirement leaves a shortfall, previewed or stored",
          "[activation][shortfall]") {
  testing::TempDir dir;
  ManualClock clock{(kStart - 3600) * 1000};
  SqliteStoreOptions opts;
  opts.now_ms = [&] { return clock.NowMs(); };
  auto roster = SqliteRosterStore::Open(dir.File("m.db"), opts);
  REQUIRE(roster.ok());
  const std::vector<Skill> skills = {{"first_aid", "First aid", 1, 3},
                                     {"driver_4x4", "4x4 driver", 1, 2}};
  for (const Skill& s : skills) REQUIRE((*roster)->UpsertSkill(s).ok());
  auto add = [&](const char* name, double km, std::vector<SkillHolding> held) {
    Reservist r;
    r.name = name;
    r.external_id = name;
    r.home_area = "gloucestershire";
    r.lat = kLat;
    r.lon = kLon + km * 0.01467;
    r.max_travel_km = 50;
    r.channels = {{ChannelKind::kSms, "+447700900123"}};
    r.skills = std::move(held);
    REQUIRE((*roster)->UpsertReservist(r).ok());
  };
  // The only driver also gives first aid, and is nearest.
  add("both", 1, {{"first_aid", 2, "", std::nullopt}, {"driver_4x4", 1, "", std::nullopt}});
  add("fa", 2, {{"first_aid", 2, "", std::nullopt}});
  RosterIndex index;
  index.SetSkills(skills);
  REQUIRE(
      index
          .Rebuild([&](const ReservistSink& sink) { return (*roster)->ForEachReservist({}, sink); })
          .ok());
  auto store = SqliteActivationStore::Open(dir.File("m.db"), clock);
  REQUIRE(store.ok());
  ActivationManager manager(**store, **roster, index, RankingConfig{}, clock);

  ActivationSpec spec;
  spec.title = "Tewkesbury flooding";
  spec.lat = kLat;
  spec.lon = kLon;
  spec.radius_km = 30;
  spec.start_unix = kStart;
  spec.duration_minutes = 6 * 60;
  // Equally scarce (2/2 and 1/1): first aid is filled first and takes both.
  spec.requirements = {{"first_aid", 1, 2}, {"driver_4x4", 1, 1}};

  auto preview = manager.Preview(spec);
  REQUIRE(preview.ok());
  REQUIRE(preview->requirements.size() == 2);
  CHECK(preview->requirements[0].asked == 2);
  CHECK(preview->requirements[0].shortfall == 0);
  CHECK(preview->requirements[1].eligible == 1);
  CHECK(preview->requirements[1].asked == 0);
  CHECK(preview->requirements[1].shortfall == 1);

  auto created = manager.Create(spec, "");
  REQUIRE(created.ok());
  const Activation& a = created->activation;
  CHECK(a.requirements[1].asked_elsewhere == 1);
  CHECK(a.requirements[1].shortfall == 1);  // was 0: "both" counted as still askable
  CHECK(a.requirements[0].shortfall == 0);
  auto read = manager.Get(a.id);
  REQUIRE(read.ok());
  CHECK(read->requirements[1].shortfall == 1);
  CHECK(read->requirements[1].asked_elsewhere == 1);
}
