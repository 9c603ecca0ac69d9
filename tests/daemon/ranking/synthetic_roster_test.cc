// The synthetic roster: deterministic, valid, and shaped as documented.
#include "demo/synthetic_roster.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "ranking/geo.h"
#include "roster/validate.h"

namespace muster {
namespace {

SkillCatalogue Catalogue() {
  SkillCatalogue c;
  for (const Skill& s : StandardSkillCatalogue()) c[s.code] = s;
  return c;
}

TEST_CASE("the same seed gives the same roster — another seed another", "[synthetic]") {
  const SyntheticRoster a, b;
  SyntheticRosterOptions other;
  other.seed = 2;
  const SyntheticRoster c(other);
  CHECK(a.Generate(0, 200) == b.Generate(0, 200));
  CHECK(a.Generate(123) == a.Generate(100, 50)[23]);  // slices are independent
  CHECK(a.Generate(0, 50) != c.Generate(0, 50));
  CHECK(a.Generate(7).id == 8);
  CHECK(a.Generate(7).external_id == "GEN-0000008");
}

TEST_CASE("every generated reservist passes roster validation", "[synthetic]") {
  const SkillCatalogue catalogue = Catalogue();
  for (const Skill& s : StandardSkillCatalogue()) {
    Skill copy = s;
    REQUIRE(NormalizeAndValidateSkill(copy).ok());
  }
  const SyntheticRoster gen;
  for (int64_t i = 0; i < 5000; ++i) {
    Reservist r = gen.Generate(i);
    const Status s = NormalizeAndValidateReservist(r, catalogue);
    INFO("reservist " << i << ": " << s.ToString());
    REQUIRE(s.ok());
  }
  for (Reservist& r : GenerateAround(51.9925, -2.1580, 300, 15, 3)) {
    REQUIRE(r.id == 0);
    REQUIRE(NormalizeAndValidateReservist(r, catalogue).ok());
  }
}

TEST_CASE("the roster has the documented shape", "[synthetic]") {
  const SyntheticRoster gen;
  const int n = 20000;
  double skills = 0, channels = 0, windows = 0;
  int suspended = 0, no_windows = 0, crossing = 0, unavailable = 0, expired = 0, webhooks = 0;
  std::map<std::string, int> holders;
  std::set<std::string> areas;
  for (const Reservist& r : gen.Generate(0, n)) {
    skills += static_cast<double>(r.skills.size());
    channels += static_cast<double>(r.channels.size());
    windows += static_cast<double>(r.availability.size());
    suspended += r.status == ReservistStatus::kSuspended;
    no_windows += r.availability.empty();
    unavailable += !r.unavailable.empty();
    for (const auto& w : r.availability) crossing += w.end_min <= w.start_min && w.end_min != 0;
    for (const auto& s : r.skills) {
      ++holders[s.skill];
      expired += s.cert_expires && *s.cert_expires < gen.options().reference_date;
    }
    for (const auto& c : r.channels) webhooks += c.kind == ChannelKind::kWebhook;
    areas.insert(r.home_area);
    REQUIRE(r.max_travel_km >= 10);
    REQUIRE(r.max_travel_km <= 100);
    REQUIRE(r.lat > 49.5);
    REQUIRE(r.lat < 56.5);
  }
  CHECK(skills / n == Approx(1.6).margin(0.1));
  CHECK(channels / n == Approx(1.5).margin(0.05));
  CHECK(windows / n == Approx(2.0).margin(0.2));
  CHECK(suspended == Approx(0.02 * n).margin(0.005 * n));
  CHECK(no_windows > n / 3);
  CHECK(crossing > n / 50);
  CHECK(unavailable > n / 50);
  CHECK(expired > n / 20);
  CHECK(webhooks > 0);
  CHECK(holders["first_aid"] > 5 * holders["flood_rescue"]);
  CHECK(holders["drone_pilot"] > 0);
  CHECK(areas.count("cumbria"));
  CHECK(areas.count("greater_london"));
}

TEST_CASE("homes follow population", "[synthetic]") {
  const SyntheticRoster gen;
  const GeoPoint birmingham = GeoPoint::FromLatLon(52.4862, -1.8904);
  const GeoPoint keswick = GeoPoint::FromLatLon(54.6013, -3.1347);
  int near_birmingham = 0, near_keswick = 0;
  for (const Reservist& r : gen.Generate(0, 20000)) {
    const GeoPoint home = GeoPoint::FromLatLon(r.lat, r.lon);
    near_birmingham += GreatCircleKm(home, birmingham) <= 50;
    near_keswick += GreatCircleKm(home, keswick) <= 50;
  }
  CHECK(near_birmingham > 1000);              // a dense area
  CHECK(near_keswick < near_birmingham / 4);  // a sparse one
  CHECK(near_keswick > 50);
}

TEST_CASE("GenerateAround stays within the radius", "[synthetic]") {
  const GeoPoint centre = GeoPoint::FromLatLon(51.9925, -2.1580);
  const auto roster = GenerateAround(51.9925, -2.1580, 400, 20, 9);
  REQUIRE(roster.size() == 400);
  int gloucestershire = 0;
  for (const Reservist& r : roster) {
    REQUIRE(GreatCircleKm(GeoPoint::FromLatLon(r.lat, r.lon), centre) <= 20.01);
    gloucestershire += r.home_area == "gloucestershire";
  }
  CHECK(gloucestershire > 200);
  CHECK(GenerateAround(51.9925, -2.1580, 50, 20, 9) ==
        std::vector<Reservist>(roster.begin(), roster.begin() + 50));
}

}  // namespace
}  // namespace muster
