#include "interop/activation_geojson.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "interop_test_support.h"

using namespace muster;
using nlohmann::json;

namespace {

constexpr double kR = 6371.0088;
constexpr double kRad = std::numbers::pi / 180.0;

double Haversine(double lat1, double lon1, double lat2, double lon2) {
  const double a = std::pow(std::sin((lat2 - lat1) * kRad / 2), 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) *
                       std::pow(std::sin((lon2 - lon1) * kRad / 2), 2);
  return 2 * kR * std::asin(std::sqrt(a));
}

// Shoelace over [lon, lat] positions: > 0 counter-clockwise.
double SignedArea(const json& ring) {
  double sum = 0;
  for (size_t i = 1; i < ring.size(); ++i) {
    sum += ring[i - 1][0].get<double>() * ring[i][1].get<double>() -
           ring[i][0].get<double>() * ring[i - 1][1].get<double>();
  }
  return sum;
}

const json* FeatureOfKind(const json& doc, const std::string& kind, int nth = 0) {
  for (const json& f : doc["features"]) {
    if (f["properties"]["kind"] == kind && nth-- == 0) return &f;
  }
  return nullptr;
}

const std::unordered_map<int64_t, LatLon> kHomes = {{1001, {52.7201, -2.7433}},
                                                    {1002, {52.70, -2.80}},
                                                    {1003, {52.6500, -2.6000}},
                                                    {1004, {52.71, -2.76}}};

}  // namespace

TEST_CASE("the GeoJSON of an activation has the incident, the circle and the accepted",
          "[geojson]") {
  const Activation a = testing::FloodActivation();
  const json doc = json::parse(ActivationGeoJson(a, kHomes));
  CHECK(doc["type"] == "FeatureCollection");
  REQUIRE(doc["features"].size() == 4);  // incident, area, two accepted

  const json* incident = FeatureOfKind(doc, "incident");
  REQUIRE(incident);
  CHECK((*incident)["type"] == "Feature");
  CHECK((*incident)["geometry"]["type"] == "Point");
  CHECK((*incident)["geometry"]["coordinates"] == json::array({-2.7601, 52.7093}));  // lon, lat
  const json& p = (*incident)["properties"];
  CHECK(p["activation_id"] == 42);
  CHECK(p["title"] == "Flood: Frankwell, Shrewsbury");
  CHECK(p["state"] == "open");
  CHECK(p["priority"] == "emergency");
  CHECK(p["start"] == "2026-12-07T09:00:00Z");
  CHECK(p["end"] == "2026-12-07T15:00:00Z");
  CHECK(p["radius_km"] == 25);
  REQUIRE(p["requirements"].size() == 1);
  CHECK(p["requirements"][0]["skill"] == "boat-crew");
  CHECK(p["requirements"][0]["count"] == 2);
  CHECK(p["requirements"][0]["accepted"] == 2);
  CHECK(p["requirements"][0]["declined"] == 1);
  CHECK(p["callout_states"] == json({{"accepted", 2}, {"declined", 1}, {"sent", 1}}));

  const json* area = FeatureOfKind(doc, "search_area");
  REQUIRE(area);
  CHECK((*area)["properties"]["shape"] == "circle");
  CHECK((*area)["geometry"]["type"] == "Polygon");
  const json& ring = (*area)["geometry"]["coordinates"][0];
  REQUIRE(ring.size() == 65);
  CHECK(ring.front() == ring.back());
  CHECK(SignedArea(ring) > 0);  // RFC 7946: exterior counter-clockwise
  for (const json& v : ring) {
    CHECK(Haversine(52.7093, -2.7601, v[1].get<double>(), v[0].get<double>()) ==
          Approx(25).margin(1e-3));
  }
}

TEST_CASE("reservists appear only when accepted, rounded to 1 km, without names", "[geojson]") {
  const Activation a = testing::FloodActivation();
  const std::string text = ActivationGeoJson(a, kHomes);
  const json doc = json::parse(text);
  const json* first = FeatureOfKind(doc, "reservist", 0);
  const json* second = FeatureOfKind(doc, "reservist", 1);
  REQUIRE(first);
  REQUIRE(second);
  CHECK_FALSE(FeatureOfKind(doc, "reservist", 2));
  // No call-out id either: it leads to the name and exact distance.
  CHECK_FALSE((*first)["properties"].contains("callout_id"));
  CHECK((*first)["id"] == "reservist-1");
  CHECK((*second)["id"] == "reservist-2");
  CHECK((*first)["properties"]["state"] == "accepted");
  CHECK((*first)["properties"]["skill"] == "boat-crew");
  CHECK_FALSE((*first)["properties"].contains("name"));
  CHECK_FALSE((*first)["properties"].contains("reservist_id"));
  for (const char* name : {"Ann Jones", "Bryn Evans", "Cerys Hughes", "Dai Price", "1001"}) {
    CHECK(text.find(name) == std::string::npos);
  }
  // Near the home, not at it: the rounded point is within the cell's
  // half-diagonal (0.71 km), and differs from the home.
  const json& c = (*first)["geometry"]["coordinates"];
  const double d = Haversine(52.7201, -2.7433, c[1].get<double>(), c[0].get<double>());
  CHECK(d <= 0.71);
  CHECK(d > 0.001);
  // Two homes in the same cell come out at the same point.
  const LatLon r1 = RoundToKilometre({52.7201, -2.7433});
  const LatLon r2 = RoundToKilometre({52.7203, -2.7431});
  CHECK(r1 == r2);
  CHECK(c == json::array({std::round(r1.lon * 1e6) / 1e6, std::round(r1.lat * 1e6) / 1e6}));
}

TEST_CASE("names and ids are in the GeoJSON only when asked for", "[geojson]") {
  const Activation a = testing::FloodActivation();
  GeoJsonOptions options;
  options.include_identities = true;
  const json doc = json::parse(ActivationGeoJson(a, kHomes, std::nullopt, options));
  const json* first = FeatureOfKind(doc, "reservist");
  REQUIRE(first);
  CHECK((*first)["properties"]["name"] == "Ann Jones");
  CHECK((*first)["properties"]["reservist_id"] == 1001);
}

TEST_CASE("an activation with an alert's polygon gives that polygon, counter-clockwise",
          "[geojson]") {
  const Activation a = testing::FloodActivation();
  // Given clockwise (seen from above): it comes out reversed.
  auto poly = GeoPolygon::Make({{{52.71, -2.77}, {52.72, -2.75}, {52.70, -2.74}, {52.71, -2.77}}});
  REQUIRE(poly.ok());
  const json doc = json::parse(ActivationGeoJson(a, {}, *poly));
  const json* area = FeatureOfKind(doc, "search_area");
  REQUIRE(area);
  CHECK((*area)["properties"]["shape"] == "polygon");
  CHECK_FALSE((*area)["properties"].contains("radius_km"));
  const json& ring = (*area)["geometry"]["coordinates"][0];
  CHECK(ring == json::parse("[[-2.77,52.71],[-2.74,52.7],[-2.75,52.72],[-2.77,52.71]]"));
  CHECK(SignedArea(ring) > 0);
  CHECK_FALSE(FeatureOfKind(doc, "reservist"));  // no homes given
}

TEST_CASE("rounding to 1 km snaps to a grid of 1 km cells", "[geojson]") {
  for (double lat = 49.9; lat < 60.9; lat += 0.37) {
    for (double lon = -8.1; lon < 1.9; lon += 0.53) {
      const LatLon r = RoundToKilometre({lat, lon});
      INFO(lat << "," << lon);
      CHECK(Haversine(lat, lon, r.lat, r.lon) <= 0.7072);
      CHECK(RoundToKilometre(r) == r);  // a grid point rounds to itself
    }
  }
}
