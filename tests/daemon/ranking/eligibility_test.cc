// Each eligibility rule, through the index's fast path and through Explain's
// sentences, with hand-picked edge cases.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <set>

#include "ranking/activation_ranker.h"
#include "ranking/roster_index.h"
#include "ranking_test_support.h"

namespace muster {
namespace {

using namespace testing;

class Engine {
 public:
  Engine() { index.SetSkills(TestSkills()); }
  void Add(const Reservist& r) { REQUIRE(index.Upsert(r).ok()); }
  // Ids eligible for requirement i.
  std::set<int64_t> Eligible(const RankRequest& request, size_t i = 0) const {
    auto prepared = index.Prepare(request);
    REQUIRE(prepared.ok());
    std::vector<std::vector<EligibleCandidate>> out;
    index.CollectEligible(*prepared, out);
    std::set<int64_t> ids;
    for (const auto& c : out.at(i)) ids.insert(c.reservist_id);
    return ids;
  }
  std::string Why(const RankRequest& request, int64_t id) const {
    auto e = ActivationRanker(index).Explain(request, id);
    REQUIRE(e.ok());
    return e->reason;
  }
  RosterIndex index;
};

TEST_CASE("suspended reservists are not eligible", "[eligibility]") {
  Engine e;
  Reservist r = Person(1);
  e.Add(r);
  CHECK(e.Eligible(Request()) == std::set<int64_t>{1});
  r.status = ReservistStatus::kSuspended;
  e.Add(r);
  CHECK(e.Eligible(Request()).empty());
  CHECK(e.Why(Request(), 1) == "suspended");
}

TEST_CASE("busy on an overlapping activation, free on a non-overlapping one", "[eligibility]") {
  Engine e;
  e.Add(Person(1));
  e.Add(Person(2));
  RankRequest req = Request();  // 07:00-19:00 UTC
  const std::vector<ExistingSelection> others = {
      {1, 17, Utc("2026-07-15T18:00:00Z"), Utc("2026-07-16T02:00:00Z")},  // overlaps
      {2, 18, Utc("2026-07-15T19:00:00Z"), Utc("2026-07-15T23:00:00Z")},  // starts as we end
  };
  req.busy = OverlappingBusy(others, req.start_unix, req.start_unix + 12 * 3600);
  REQUIRE(req.busy.size() == 1);
  CHECK(e.Eligible(req) == std::set<int64_t>{2});
  CHECK(e.Why(req, 1) == "already selected for activation 17 (overlapping)");
}

TEST_CASE("certification valid through its expiry day", "[eligibility]") {
  Engine e;
  Reservist on_day = Person(1);
  on_day.skills[0].cert_expires = Day("2026-07-15");  // the activation's end date
  Reservist day_before = Person(2);
  day_before.skills[0].cert_expires = Day("2026-07-14");
  Reservist never = Person(3);
  e.Add(on_day);
  e.Add(day_before);
  e.Add(never);
  CHECK(e.Eligible(Request()) == std::set<int64_t>{1, 3});
  CHECK(e.Why(Request(), 2) == "certification first_aid expired 2026-07-14");
  // Over midnight the end date is the next day: expiring on the start day fails.
  RankRequest overnight = Request();
  overnight.start_unix = Utc("2026-07-15T20:00:00Z");
  overnight.duration_minutes = 8 * 60;  // to 05:00 BST on the 16th
  CHECK(e.Eligible(overnight) == std::set<int64_t>{3});
  CHECK(e.Why(overnight, 1) == "certification first_aid expired 2026-07-15");
}

TEST_CASE("skill level at the minimum or above", "[eligibility]") {
  Engine e;
  e.Add(Person(1));  // level 2
  RankRequest req = Request();
  req.requirements[0].min_level = 2;
  CHECK(e.Eligible(req) == std::set<int64_t>{1});
  req.requirements[0].min_level = 3;
  CHECK(e.Eligible(req).empty());
  CHECK(e.Why(req, 1) == "first_aid level 2 is below the required 3");
  req.requirements[0] = {"driver_4x4", 1, 1};
  CHECK(e.Why(req, 1) == "does not hold driver_4x4");
  req.requirements.push_back({"flood_rescue", 1, 1});
  CHECK(e.Why(req, 1) == "holds none of the required skills (driver_4x4, flood_rescue)");
}

TEST_CASE("radius boundary: just inside and just outside", "[eligibility]") {
  Engine e;
  Reservist r = Person(1, LatNorth(30));
  r.max_travel_km = 100;
  e.Add(r);
  const double d = DistanceFromCentre(r);
  RankRequest req = Request();
  req.radius_km = d;  // exactly on the boundary: inside (inclusive)
  CHECK(e.Eligible(req) == std::set<int64_t>{1});
  req.radius_km = d + 0.001;
  CHECK(e.Eligible(req) == std::set<int64_t>{1});
  req.radius_km = d - 0.001;  // a metre short
  CHECK(e.Eligible(req).empty());
  req.radius_km = 25;
  CHECK(e.Why(req, 1) == fmt::format("outside radius: {:.1f} km > 25 km", d));
}

TEST_CASE("max travel boundary: just inside and just outside", "[eligibility]") {
  Engine e;
  Reservist r = Person(1, LatNorth(20));
  const double d = DistanceFromCentre(r);
  r.max_travel_km = d;
  e.Add(r);
  CHECK(e.Eligible(Request()) == std::set<int64_t>{1});
  r.max_travel_km = d - 0.001;
  e.Add(r);
  CHECK(e.Eligible(Request()).empty());
  r.max_travel_km = 15;
  e.Add(r);
  CHECK(e.Why(Request(), 1) == fmt::format("beyond their max travel: {:.1f} km > 15 km", d));
}

TEST_CASE("dated unavailability on any local day the activation touches", "[eligibility]") {
  Engine e;
  Reservist r = Person(1);
  r.unavailable = {{Day("2026-07-16"), Day("2026-07-20"), "holiday"}};
  e.Add(r);
  CHECK(e.Eligible(Request()) == std::set<int64_t>{1});  // the 15th only
  RankRequest overnight = Request();
  overnight.start_unix = Utc("2026-07-15T20:00:00Z");
  overnight.duration_minutes = 4 * 60;  // 21:00 BST to 01:00 BST on the 16th
  CHECK(e.Eligible(overnight).empty());
  CHECK(e.Why(overnight, 1) == "unavailable 2026-07-16..2026-07-20");
  overnight.duration_minutes = 3 * 60;  // ends at midnight exactly: the 15th only
  CHECK(e.Eligible(overnight) == std::set<int64_t>{1});
}

TEST_CASE("weekly windows in London time, crossing midnight", "[eligibility]") {
  Engine e;
  Reservist nights = Person(1);
  nights.availability = {{3, 20 * 60, 2 * 60}};  // Wed 20:00-02:00
  Reservist days = Person(2);
  days.availability = {{3, 8 * 60, 20 * 60}, {4, 0, 0}};  // Wed 08:00-20:00, all Thursday
  e.Add(nights);
  e.Add(days);
  RankRequest req = Request();
  req.start_unix = Utc("2026-07-15T20:00:00Z");  // Wed 21:00 BST
  req.duration_minutes = 4 * 60;                 // to Thu 01:00 BST
  CHECK(e.Eligible(req) == std::set<int64_t>{1});
  CHECK(e.Why(req, 2) == "not available Wed 21:00-24:00 (weekly windows)");
  req.duration_minutes = 6 * 60;  // to Thu 03:00 BST
  CHECK(e.Eligible(req).empty());
  CHECK(e.Why(req, 1) == "not available Thu 02:00-03:00 (weekly windows)");
}

TEST_CASE("activations over the March clock change", "[eligibility]") {
  Engine e;
  Reservist a = Person(1);
  a.availability = {{6, 22 * 60, 7 * 60}};  // Sat 22:00-Sun 07:00 local
  Reservist b = Person(2);
  b.availability = {{6, 22 * 60, 6 * 60}};  // Sat 22:00-Sun 06:00 local
  e.Add(a);
  e.Add(b);
  RankRequest req = Request();
  req.start_unix = Utc("2026-03-28T22:00:00Z");
  req.duration_minutes = 8 * 60;  // to 06:00 UTC = 07:00 BST
  CHECK(e.Eligible(req) == std::set<int64_t>{1});
  CHECK(e.Why(req, 2) == "not available Sun 06:00-07:00 (weekly windows)");
}

TEST_CASE("activations over the October clock change", "[eligibility]") {
  Engine e;
  Reservist a = Person(1);
  a.availability = {{6, 22 * 60, 6 * 60}};  // Sat 22:00-Sun 06:00 local
  Reservist b = Person(2);
  b.availability = {{6, 21 * 60, 5 * 60}};  // Sat 21:00-Sun 05:00 local
  e.Add(a);
  e.Add(b);
  RankRequest req = Request();
  req.start_unix = Utc("2026-10-24T21:00:00Z");  // 22:00 BST
  req.duration_minutes = 9 * 60;                 // to 06:00 GMT
  CHECK(e.Eligible(req) == std::set<int64_t>{1});
  CHECK(e.Why(req, 2) == "not available Sun 05:00-06:00 (weekly windows)");
}

TEST_CASE("rules are reported in order", "[eligibility]") {
  Engine e;
  Reservist r = Person(1, LatNorth(80));   // outside the radius ...
  r.status = ReservistStatus::kSuspended;  // ... but suspension comes first
  r.skills[0].cert_expires = Day("2020-01-01");
  e.Add(r);
  CHECK(e.Why(Request(), 1) == "suspended");
  r.status = ReservistStatus::kActive;
  e.Add(r);
  CHECK(e.Why(Request(), 1) == "certification first_aid expired 2020-01-01");
  r.skills[0].cert_expires.reset();
  r.availability = {{1, 0, 60}};
  e.Add(r);
  CHECK(e.Why(Request(), 1).rfind("outside radius: ", 0) == 0);
}

TEST_CASE("explain for unknown reservists and selected ones", "[eligibility]") {
  Engine e;
  e.Add(Person(1));
  auto missing = ActivationRanker(e.index).Explain(Request(), 99);
  CHECK(missing.status().code() == Code::kNotFound);
  auto selected = ActivationRanker(e.index).Explain(Request(), 1);
  REQUIRE(selected.ok());
  CHECK(selected->selected);
  CHECK(selected->candidate.reservist_id == 1);
  CHECK(selected->reason.rfind("selected for first_aid: ranked 1st, score ", 0) == 0);
}

TEST_CASE("eligible but not asked: the rank and how many were asked", "[eligibility]") {
  Engine e;
  for (int64_t id = 1; id <= 10; ++id) {
    Reservist r = Person(id, LatNorth(static_cast<double>(id)));  // id km away
    r.skills.push_back({"driver_4x4", 1, "", std::nullopt});
    e.Add(r);
  }
  RankRequest req = Request(2);  // ceil(2 * 1.5) = 3 asked
  CHECK(e.Why(req, 6) == "eligible but ranked 6th for first_aid; 3 were asked");
  req.requirements.push_back({"driver_4x4", 1, 1});
  // driver_4x4 (10 for 1) is less scarce than first_aid (10 for 2): first
  // aiders 1-3 go first, then drivers 4-5.
  CHECK(e.Why(req, 9) ==
        "eligible but ranked 9th for first_aid; 3 were asked; and ranked 9th for driver_4x4; 2 "
        "were asked");
  auto explained = ActivationRanker(e.index).Explain(req, 5);
  REQUIRE(explained.ok());
  CHECK(explained->selected);
  CHECK(explained->candidate.requirement_index == 1);
  CHECK(explained->candidate.rank == 5);
  // With a stored result, "asked" comes from what was stored.
  RankResult stored = *ActivationRanker(e.index).Rank(req);
  stored.requirements[0].asked = 4;
  stored.selected.erase(stored.selected.begin());  // reservist 1 not recorded
  CHECK(ActivationRanker(e.index).Explain(req, 1, &stored)->reason ==
        "eligible but ranked 1st for first_aid; 4 were asked; and ranked 1st for driver_4x4; 2 "
        "were asked");
}

TEST_CASE("ordinals", "[eligibility]") {
  CHECK(Ordinal(1) == "1st");
  CHECK(Ordinal(2) == "2nd");
  CHECK(Ordinal(3) == "3rd");
  CHECK(Ordinal(4) == "4th");
  CHECK(Ordinal(11) == "11th");
  CHECK(Ordinal(12) == "12th");
  CHECK(Ordinal(13) == "13th");
  CHECK(Ordinal(21) == "21st");
  CHECK(Ordinal(23) == "23rd");
  CHECK(Ordinal(111) == "111th");
  CHECK(Ordinal(102) == "102nd");
}

}  // namespace
}  // namespace muster
