#include "ranking/geo.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>

#include "ranking/geo_grid.h"

namespace muster {
namespace {

double Haversine(double lat1, double lon1, double lat2, double lon2) {
  const double k = std::numbers::pi / 180;
  const double a =
      std::pow(std::sin((lat2 - lat1) * k / 2), 2) +
      std::cos(lat1 * k) * std::cos(lat2 * k) * std::pow(std::sin((lon2 - lon1) * k / 2), 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(a));
}

TEST_CASE("great-circle distance matches the haversine formula", "[geo]") {
  // London to Paris, about 343.5 km on this sphere.
  const double d =
      GreatCircleKm(GeoPoint::FromLatLon(51.5074, -0.1278), GeoPoint::FromLatLon(48.8566, 2.3522));
  CHECK(d == Approx(343.56).margin(0.05));
  CHECK(d == Approx(Haversine(51.5074, -0.1278, 48.8566, 2.3522)).margin(1e-5));  // 1 cm
  // One degree of latitude is R * pi / 180.
  CHECK(GreatCircleKm(GeoPoint::FromLatLon(52, -2), GeoPoint::FromLatLon(53, -2)) ==
        Approx(kEarthRadiusKm * std::numbers::pi / 180).epsilon(1e-8));
  CHECK(GreatCircleKm(GeoPoint::FromLatLon(52, -2), GeoPoint::FromLatLon(52, -2)) == 0.0);
  // Antipodes.
  CHECK(GreatCircleKm(GeoPoint::FromLatLon(0, 0), GeoPoint::FromLatLon(0, 180)) ==
        Approx(kEarthRadiusKm * std::numbers::pi).epsilon(1e-9));
}

TEST_CASE("quantised points are accurate to about a centimetre", "[geo]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(-80, 80), lon(-180, 180), off(-0.5, 0.5);
  for (int i = 0; i < 2000; ++i) {
    const double a = lat(rng), b = lon(rng), c = a + off(rng), d = b + off(rng);
    const double exact = Haversine(a, b, c, d);
    REQUIRE(std::abs(GreatCircleKm(GeoPoint::FromLatLon(a, b), GeoPoint::FromLatLon(c, d)) -
                     exact) < 2e-5);  // 2 cm
  }
}

TEST_CASE("KmToChordSquared inverts ChordSquaredToKm", "[geo]") {
  for (double km : {0.001, 1.0, 50.0, 999.0, 5000.0}) {
    CHECK(ChordSquaredToKm(KmToChordSquared(km)) == Approx(km).epsilon(1e-12));
  }
}

// The point at `km` along `bearing` (radians) from (lat, lon), in degrees.
void Destination(double lat, double lon, double km, double bearing, double& out_lat,
                 double& out_lon) {
  const double k = std::numbers::pi / 180, delta = km / kEarthRadiusKm;
  const double p1 = lat * k;
  const double p2 = std::asin(std::sin(p1) * std::cos(delta) +
                              std::cos(p1) * std::sin(delta) * std::cos(bearing));
  const double l2 = lon * k + std::atan2(std::sin(bearing) * std::sin(delta) * std::cos(p1),
                                         std::cos(delta) - std::sin(p1) * std::sin(p2));
  out_lat = p2 / k;
  out_lon = std::remainder(l2 / k, 360.0);
}

TEST_CASE("grid cells near a point include every point within the radius", "[geo]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0, 1);
  struct Case {
    double lat, lon, radius;
  };
  const Case cases[] = {{52.4862, -1.8904, 50}, {54.6, -3.13, 50}, {51.5, 0.0, 1},
                        {51.99, -2.15, 1000},   {0.0, 179.99, 30}, {89.9, 10, 40},
                        {-45.0, -179.95, 120},  {60, 25, 5},       {-89.99, 0, 10}};
  for (const Case& c : cases) {
    const std::vector<uint32_t> cells = GeoGrid::CellsNear(c.lat, c.lon, c.radius);
    const GeoPoint centre = GeoPoint::FromLatLon(c.lat, c.lon);
    for (int i = 0; i < 20000; ++i) {
      // Half uniform over the cap, half on its rim.
      const double km = c.radius * (i % 2 ? std::sqrt(unit(rng)) : 1 - 1e-9);
      double plat, plon;
      Destination(c.lat, c.lon, km, unit(rng) * 2 * std::numbers::pi, plat, plon);
      if (GreatCircleKm(centre, GeoPoint::FromLatLon(plat, plon)) > c.radius) continue;
      INFO("centre " << c.lat << "," << c.lon << " point " << plat << "," << plon);
      REQUIRE(std::binary_search(cells.begin(), cells.end(), GeoGrid::CellOf(plat, plon)));
    }
  }
}

TEST_CASE("grid cells near Birmingham are few", "[geo]") {
  const auto cells = GeoGrid::CellsNear(52.4862, -1.8904, 50);
  CHECK(cells.size() < 400);
  CHECK(cells.size() > 250);
}

}  // namespace
}  // namespace muster
