// RosterIndex::Readiness against a brute-force count over the same roster:
// holders and certificate horizons by date arithmetic, availability by the
// reference eligibility rules (EvaluateEligibility, with the activation
// centred on each reservist's home so that distance never decides).
#include "ranking/readiness.h"

#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "core/civil_time.h"
#include "demo/synthetic_roster.h"
#include "ranking/eligibility.h"
#include "ranking/roster_index.h"
#include "roster/validate.h"

namespace muster {
namespace {

struct Fixture {
  SkillCatalogue catalogue;
  std::vector<Reservist> roster;
  RosterIndex index;

  explicit Fixture(int n) {
    std::vector<Skill> skills = StandardSkillCatalogue();
    for (const Skill& s : skills) catalogue[s.code] = s;
    index.SetSkills(skills);
    const SyntheticRoster gen;
    for (int64_t i = 0; i < n; ++i) {
      Reservist r = gen.Generate(i);
      REQUIRE(NormalizeAndValidateReservist(r, catalogue).ok());
      roster.push_back(r);
      REQUIRE(index.Upsert(r).ok());
    }
  }
};

using Key = std::pair<std::string, std::string>;  // area, skill

std::map<Key, ReadinessCell> BruteForce(const Fixture& f, const ReadinessQuery& q) {
  std::map<Key, ReadinessCell> out;
  const int32_t today = q.today.days;
  for (const Reservist& r : f.roster) {
    if (!q.areas.empty() &&
        std::find(q.areas.begin(), q.areas.end(), r.home_area) == q.areas.end()) {
      continue;
    }
    if (r.status != ReservistStatus::kActive) continue;
    const ReservistFacts facts = ReservistFacts::FromReservist(r);
    for (const auto& h : facts.skills) {
      if (!q.skills.empty() &&
          std::find(q.skills.begin(), q.skills.end(), h.skill) == q.skills.end()) {
        continue;
      }
      if (h.level < q.min_level) continue;
      ReadinessCell& cell = out[{r.home_area, h.skill}];
      if (h.cert_expires && h.cert_expires->days < today) {
        ++cell.lapsed;
        continue;
      }
      ++cell.holders;
      if (h.cert_expires) {
        cell.expiring_30 += h.cert_expires->days < today + 30;
        cell.expiring_90 += h.cert_expires->days < today + 90;
      }
      RankRequest req;
      req.lat = r.lat;
      req.lon = r.lon;
      req.radius_km = 1;
      req.start_unix = q.start_unix;
      req.duration_minutes = static_cast<int32_t>((q.end_unix - q.start_unix) / 60);
      req.requirements = {{h.skill, q.min_level, 1}};
      auto prepared = PrepareRankRequest(req, f.catalogue);
      REQUIRE(prepared.ok());
      ReservistFacts at_home = facts;
      at_home.max_travel_km = std::max(at_home.max_travel_km, 1.0);
      cell.available += EvaluateEligibility(at_home, *prepared).eligible[0];
    }
  }
  return out;
}

void CheckAgainstBruteForce(const Fixture& f, const ReadinessQuery& q) {
  auto got = f.index.Readiness(q);
  REQUIRE(got.ok());
  std::map<Key, ReadinessCell> want = BruteForce(f, q);
  REQUIRE(!want.empty());
  int64_t available = 0, expiring = 0, lapsed = 0;
  for (const ReadinessCell& cell : got->cells) {
    INFO(cell.area << " x " << cell.skill);
    ReadinessCell expected;
    if (auto it = want.find({cell.area, cell.skill}); it != want.end()) {
      expected = it->second;
      want.erase(it);
    }
    expected.area = cell.area;
    expected.skill = cell.skill;
    CHECK(cell == expected);
    available += cell.available;
    expiring += cell.expiring_90;
    lapsed += cell.lapsed;
  }
  // Every non-zero brute-force cell was reported.
  CHECK(want.empty());
  // The roster is rich enough for each count to mean something.
  CHECK(available > 0);
  CHECK(expiring > 0);
  CHECK(lapsed > 0);
}

}  // namespace

TEST_CASE("readiness counts match a brute-force count with the reference rules",
          "[ranking][readiness]") {
  Fixture f(4000);
  ReadinessQuery q;
  q.today = Date{DaysFromCivil(2026, 6, 1)};
  // Saturday 2026-06-06 20:00 to Sunday 08:00 BST.
  q.start_unix = 1780772400;
  q.end_unix = q.start_unix + 12 * 3600;
  SECTION("every area and skill") {
    CheckAgainstBruteForce(f, q);
  }
  SECTION("some areas, some skills, a higher level") {
    std::map<std::string, int> per_area;
    for (const Reservist& r : f.roster) ++per_area[r.home_area];
    REQUIRE(per_area.size() >= 3);
    auto it = per_area.begin();
    q.areas = {(it++)->first, (it++)->first, "nowhere_at_all"};
    q.skills = {"first_aid", "driver_4x4"};
    q.min_level = 2;
    CheckAgainstBruteForce(f, q);
  }
  SECTION("a window across the autumn clock change") {
    q.start_unix = 1792875600;  // Sat 2026-10-24 22:00 BST
    q.end_unix = q.start_unix + 36 * 3600;
    CheckAgainstBruteForce(f, q);
  }
}

TEST_CASE("readiness lists every requested area and skill, zeros included, in order",
          "[ranking][readiness]") {
  Fixture f(300);
  ReadinessQuery q;
  q.today = Date{DaysFromCivil(2026, 6, 1)};
  q.start_unix = 1780772400;
  q.end_unix = q.start_unix + 3600;
  q.areas = {"zzz_nowhere", "aaa_nowhere"};
  q.skills = {"first_aid", "driver_4x4", "first_aid"};
  auto got = f.index.Readiness(q);
  REQUIRE(got.ok());
  REQUIRE(got->cells.size() == 4);
  CHECK(got->cells[0].area == "aaa_nowhere");
  CHECK(got->cells[0].skill == "driver_4x4");
  CHECK(got->cells[1].skill == "first_aid");
  CHECK(got->cells[3].area == "zzz_nowhere");
  for (const ReadinessCell& c : got->cells) CHECK(c.holders == 0);
  CHECK(got->reservists_scanned == 0);
}

TEST_CASE("readiness refuses an unknown skill, a bad level or window, naming the field",
          "[ranking][readiness]") {
  Fixture f(10);
  ReadinessQuery q;
  q.today = Date{DaysFromCivil(2026, 6, 1)};
  q.start_unix = 1780772400;
  q.end_unix = q.start_unix + 3600;
  auto field = [&](const ReadinessQuery& bad) {
    auto r = f.index.Readiness(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    return std::make_tuple(r.status().field(), r.status().message());
  };
  ReadinessQuery bad = q;
  bad.skills = {"first_aid", "juggling"};
  CHECK(field(bad) ==
        std::make_tuple(std::string("skills[1]"), std::string("unknown skill 'juggling'")));
  bad = q;
  bad.min_level = 0;
  CHECK(std::get<0>(field(bad)) == "min_level");
  bad = q;
  bad.end_unix = bad.start_unix;
  CHECK(field(bad) == std::make_tuple(std::string("end"), std::string("must be after start")));
  bad = q;
  bad.end_unix = bad.start_unix + 32 * 86400;
  CHECK(std::get<0>(field(bad)) == "end");
  bad = q;
  bad.start_unix = -5;
  CHECK(std::get<0>(field(bad)) == "start");
}

}  // namespace muster
