#include "core/geo_polygon.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>

using namespace muster;

namespace {

constexpr double kR = 6371.0088;
constexpr double kRad = std::numbers::pi / 180.0;

// Independent of the code under test: the textbook haversine on degrees.
double Haversine(double lat1, double lon1, double lat2, double lon2) {
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a = std::pow(std::sin(dlat / 2), 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::pow(std::sin(dlon / 2), 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

// Points along the great-circle arc a->b by the spherical interpolation
// formula on latitudes/longitudes (Aviation Formulary "intermediate points").
LatLon Intermediate(LatLon a, LatLon b, double f) {
  const double lat1 = a.lat * kRad, lon1 = a.lon * kRad, lat2 = b.lat * kRad, lon2 = b.lon * kRad;
  const double d = Haversine(a.lat, a.lon, b.lat, b.lon) / kR;
  if (d == 0) return a;
  const double A = std::sin((1 - f) * d) / std::sin(d);
  const double B = std::sin(f * d) / std::sin(d);
  const double x = A * std::cos(lat1) * std::cos(lon1) + B * std::cos(lat2) * std::cos(lon2);
  const double y = A * std::cos(lat1) * std::sin(lon1) + B * std::cos(lat2) * std::sin(lon2);
  const double z = A * std::sin(lat1) + B * std::sin(lat2);
  return {std::atan2(z, std::sqrt(x * x + y * y)) / kRad, std::atan2(y, x) / kRad};
}

// The smallest haversine distance from p to 4000 points sampled on each edge.
double SampledDistance(const PolygonRing& ring, LatLon p) {
  double best = 1e18;
  for (size_t i = 1; i < ring.size(); ++i) {
    for (int k = 0; k <= 4000; ++k) {
      const LatLon q = Intermediate(ring[i - 1], ring[i], k / 4000.0);
      best = std::min(best, Haversine(p.lat, p.lon, q.lat, q.lon));
    }
  }
  return best;
}

GeoPolygon Make(std::vector<PolygonRing> rings) {
  auto p = GeoPolygon::Make(std::move(rings));
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  return std::move(p).value();
}

const PolygonRing kSquare = {{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}};

}  // namespace

TEST_CASE("a point inside a polygon is at distance 0 and one outside is not", "[geo_polygon]") {
  const GeoPolygon sq = Make({kSquare});
  CHECK(sq.Contains({0.5, 0.5}));
  CHECK(sq.DistanceKm({0.5, 0.5}) == 0);
  CHECK_FALSE(sq.Contains({2, 0.5}));
  CHECK_FALSE(sq.Contains({0.5, -0.001}));
  CHECK_FALSE(sq.Contains({-60, 120}));  // far side of the Earth
  // South of the equator edge: the distance is the latitude (the equator is
  // a great circle), 0.5 degrees = 55.597 km.
  CHECK(sq.DistanceKm({-0.5, 0.5}) == Approx(0.5 * kRad * kR).epsilon(1e-12));
  CHECK(sq.DistanceKm({-0.5, 0.5}) == Approx(Haversine(-0.5, 0.5, 0, 0.5)).epsilon(1e-12));
  // West of the meridian edge at 0.5N: cross-track sin(d/R) = cos(lat) sin(dlon).
  CHECK(sq.DistanceKm({0.5, -0.5}) ==
        Approx(kR * std::asin(std::cos(0.5 * kRad) * std::sin(0.5 * kRad))).epsilon(1e-12));
  // Beyond a corner the nearest point is the corner.
  CHECK(sq.DistanceKm({-1, -1}) == Approx(Haversine(-1, -1, 0, 0)).epsilon(1e-12));
  CHECK(sq.DistanceKm({3, 4}) == Approx(Haversine(3, 4, 1, 1)).epsilon(1e-12));
}

TEST_CASE("points on an edge or a corner count as inside", "[geo_polygon]") {
  const GeoPolygon sq = Make({kSquare});
  CHECK(sq.Contains({0, 0.5}));  // on the equator edge
  CHECK(sq.DistanceKm({0, 0.5}) == 0);
  CHECK(sq.Contains({1, 1}));  // a corner
  CHECK(sq.Contains({0.25, 0}));
  CHECK(sq.DistanceKm({0.25, 0}) == 0);
}

TEST_CASE("edges are great-circle arcs: the top edge bulges north of 1N", "[geo_polygon]") {
  const GeoPolygon sq = Make({kSquare});
  // The great circle through (1N, 0E) and (1N, 1E) peaks at 0.5E, where
  // tan(lat) = tan(1 deg) / cos(0.5 deg): about 4 m north of 1N.
  const double peak = std::atan(std::tan(1 * kRad) / std::cos(0.5 * kRad)) / kRad;
  REQUIRE(peak > 1.00003);
  CHECK(sq.Contains({1.00001, 0.5}));
  CHECK(sq.Contains({peak - 1e-9, 0.5}));
  CHECK_FALSE(sq.Contains({peak + 1e-5, 0.5}));
  CHECK(sq.DistanceKm({peak + 1e-5, 0.5}) == Approx(1e-5 * kRad * kR).epsilon(1e-6));
  CHECK(sq.BoundingBox().max_lat == Approx(peak).epsilon(1e-12));
  CHECK(sq.BoundingBox().min_lat == 0);  // the equator edge does not bulge
  CHECK(sq.BoundingBox().min_lon == 0);
  CHECK(sq.BoundingBox().max_lon == 1);
}

TEST_CASE("a concave polygon: the notch is outside and its distance is to the notch's sides",
          "[geo_polygon]") {
  // A U over England: lat 51..54, lon 0..3, with the notch lon 1..2 above 52N.
  const PolygonRing u = {{51, 0}, {51, 3}, {54, 3}, {54, 2}, {52, 2},
                         {52, 1}, {54, 1}, {54, 0}, {51, 0}};
  const GeoPolygon poly = Make({u});
  CHECK(poly.Contains({53, 0.5}));
  CHECK(poly.Contains({53, 2.5}));
  CHECK(poly.Contains({51.5, 1.5}));
  CHECK_FALSE(poly.Contains({53, 1.5}));
  // Nearest are the notch's meridian sides, 0.5 degrees of longitude away:
  // R asin(cos 53 sin 0.5) = 33.46 km (the notch's floor is ~111 km away).
  const double side = kR * std::asin(std::cos(53 * kRad) * std::sin(0.5 * kRad));
  CHECK(side == Approx(33.46).margin(0.01));
  CHECK(poly.DistanceKm({53, 1.5}) == Approx(side).epsilon(1e-12));
  CHECK(poly.DistanceKm({53, 1.5}) == Approx(SampledDistance(u, {53, 1.5})).margin(1e-3));
}

TEST_CASE("a hole is outside", "[geo_polygon]") {
  const PolygonRing outer = {{50, -2}, {50, 2}, {54, 2}, {54, -2}, {50, -2}};
  const PolygonRing hole = {{51, -1}, {51, 1}, {53, 1}, {53, -1}, {51, -1}};
  const GeoPolygon poly = Make({outer, hole});
  CHECK_FALSE(poly.Contains({52, 0}));
  CHECK(poly.Contains({50.5, 0}));
  CHECK(poly.DistanceKm({52, 0}) == Approx(SampledDistance(hole, {52, 0})).margin(1e-3));
}

TEST_CASE("distances agree with haversine to points sampled along the edges", "[geo_polygon]") {
  // An irregular ring over the Somerset Levels and one over the Highlands.
  const std::vector<PolygonRing> rings = {
      {{51.05, -3.05}, {51.12, -2.80}, {51.02, -2.70}, {50.98, -2.95}, {51.05, -3.05}},
      {{56.5, -5.5}, {57.8, -4.1}, {57.2, -3.0}, {56.9, -3.9}, {56.3, -4.0}, {56.5, -5.5}}};
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> lat(49.5, 59.5), lon(-8.5, 2.5);
  for (const auto& ring : rings) {
    const GeoPolygon poly = Make({ring});
    for (int i = 0; i < 40; ++i) {
      const LatLon p{lat(rng), lon(rng)};
      if (poly.Contains(p)) continue;
      const double sampled = SampledDistance(ring, p);
      INFO(p.lat << "," << p.lon);
      // Sampling finds a boundary point no nearer than the true nearest, and
      // one within half a sample step (< 60 m here) of it.
      CHECK(poly.DistanceKm(p) <= sampled + 1e-9);
      CHECK(poly.DistanceKm(p) >= sampled - 0.06);
    }
  }
}

TEST_CASE("a polygon across the antimeridian contains and measures correctly", "[geo_polygon]") {
  const GeoPolygon poly = Make({{{0, 179.5}, {0, -179.5}, {1, -179.5}, {1, 179.5}, {0, 179.5}}});
  CHECK(poly.Contains({0.5, 180}));
  CHECK(poly.Contains({0.5, -179.9}));
  CHECK_FALSE(poly.Contains({0.5, 0}));
  CHECK(poly.DistanceKm({0.5, -179}) ==
        Approx(kR * std::asin(std::cos(0.5 * kRad) * std::sin(0.5 * kRad))).epsilon(1e-9));
  // The box is the documented limitation: correct but nearly all longitudes.
  CHECK(poly.BoundingBox().min_lon == -179.5);
  CHECK(poly.BoundingBox().max_lon == 179.5);
}

TEST_CASE("a polygon round a pole has a box reaching the pole", "[geo_polygon]") {
  const GeoPolygon poly = Make({{{80, 0}, {80, 90}, {80, 180}, {80, -90}, {80, 0}}});
  CHECK(poly.Contains({90, 0}));
  CHECK(poly.Contains({85, 45}));
  CHECK(poly.BoundingBox().max_lat == 90);
  CHECK(poly.BoundingBox().min_lon == -180);
  CHECK(poly.BoundingBox().max_lon == 180);
  // Each 90-degree arc dips nowhere below 80N: the arcs bulge poleward.
  CHECK(poly.BoundingBox().min_lat == 80);
}

TEST_CASE("a southern polygon's box reaches its edges' southward bulge", "[geo_polygon]") {
  const GeoPolygon poly = Make({{{-10, 0}, {-10, 20}, {-5, 20}, {-5, 0}, {-10, 0}}});
  const double low = -std::atan(std::tan(10 * kRad) / std::cos(10 * kRad)) / kRad;
  CHECK(poly.BoundingBox().min_lat == Approx(low).epsilon(1e-12));
  CHECK(poly.BoundingBox().min_lat < -10.1);
}

TEST_CASE("invalid rings are refused with the problem named", "[geo_polygon]") {
  auto fails = [](PolygonRing ring) {
    auto p = GeoPolygon::Make({std::move(ring)});
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == Code::kInvalidArgument);
    return p.status().ToString();
  };
  CHECK(fails({{0, 0}, {0, 1}, {0, 0}}) ==
        "rings[0].points: a polygon needs at least 4 points (3 corners and the first repeated "
        "to close it); it has 3");
  CHECK(fails({{0, 0}, {0, 1}, {1, 1}, {1, 0}}) ==
        "rings[0].points: the polygon is not closed: its last point (1,0) differs from its "
        "first (0,0)");
  CHECK(fails({{0, 0}, {95, 1}, {1, 1}, {0, 0}}) ==
        "rings[0].points[1]: latitude 95 is outside [-90, 90]");
  CHECK(fails({{0, 0}, {1, 200}, {1, 1}, {0, 0}}) ==
        "rings[0].points[1]: longitude 200 is outside [-180, 180]");
  CHECK(fails({{0, 0}, {NAN, 1}, {1, 1}, {0, 0}}) ==
        "rings[0].points[1]: latitude nan is outside [-90, 90]");
  CHECK(fails({{0, 0}, {0, 1}, {0, 0}, {0, 1}, {0, 0}}) ==
        "rings[0].points: the polygon has 2 distinct corners; at least 3 are needed");
  CHECK(fails({{0, 0}, {0, 140}, {10, 70}, {0, 0}}).find("rings[0].points[") == 0);
  CHECK(fails({{0, 0}, {0, 140}, {10, 70}, {0, 0}}).find("may spread at most 6672 km") !=
        std::string::npos);
  auto hole = GeoPolygon::Make({kSquare, {{0.2, 0.2}, {0.2, 0.4}, {0.4, 0.4}}});
  REQUIRE_FALSE(hole.ok());
  CHECK(hole.status().field() == "rings[1].points");
  CHECK(GeoPolygon::Make({}).status().field() == "rings");
}

TEST_CASE("the centre and the great-circle distance", "[geo_polygon]") {
  const GeoPolygon sq = Make({kSquare});
  CHECK(sq.Centre().lat == Approx(0.5).margin(1e-4));
  CHECK(sq.Centre().lon == Approx(0.5).margin(1e-4));
  // London to Edinburgh.
  CHECK(GreatCircleDistanceKm({51.5074, -0.1278}, {55.9533, -3.1883}) ==
        Approx(Haversine(51.5074, -0.1278, 55.9533, -3.1883)).epsilon(1e-12));
  CHECK(GreatCircleDistanceKm({51.5, -0.1}, {51.5, -0.1}) == 0);
}
