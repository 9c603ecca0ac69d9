// CAP and polygon benchmark (docs/benchmarks.md, "CAP alerts and polygons"):
//
//   cap_polygon_bench [--points=1000000] [--reps=2000]
//
// 1. Distance from N points spread over England and Wales to an incident:
//    the circle (ranking's GreatCircleKm on quantised unit vectors, the
//    baseline) against GeoPolygon::DistanceKm for polygons of 8, 64 and 512
//    corners round the same place (0 inside, else to the nearest edge), and
//    GeoPolygon::Contains. Reports ns per point (best of 3 passes).
// 2. ParseCapAlert of the corpus flood warning and of the same message with
//    a 5,000-point polygon: median and p95 over --reps parses.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "alerts/cap_parser.h"
#include "core/geo_polygon.h"
#include "ranking/geo.h"

namespace muster::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A star-shaped ring of n corners, radius 3..6 km, round (lat, lon).
PolygonRing Star(int n, double lat, double lon) {
  PolygonRing ring;
  for (int k = 0; k < n; ++k) {
    const double a = -2 * M_PI * k / n;
    const double r_km = (k % 2 == 0) ? 6.0 : 3.0;
    ring.push_back({lat + r_km / 111.2 * std::cos(a),
                    lon + r_km / (111.2 * std::cos(lat * M_PI / 180)) * std::sin(a)});
  }
  ring.push_back(ring.front());
  return ring;
}

template <typename F>
double BestNsPerPoint(size_t n, F&& f) {
  double best = 1e18;
  for (int pass = 0; pass < 3; ++pass) {
    const auto t0 = Clock::now();
    f();
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / n;
    best = std::min(best, ns);
  }
  return best;
}

void Distances(size_t n) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> lat(50.0, 55.8), lon(-5.5, 1.7);
  std::vector<LatLon> points(n);
  std::vector<GeoPoint> quantised(n);
  for (size_t i = 0; i < n; ++i) {
    points[i] = {lat(rng), lon(rng)};
    quantised[i] = GeoPoint::FromLatLon(points[i].lat, points[i].lon);
  }
  const LatLon centre{52.7093, -2.7601};  // Shrewsbury
  const GeoPoint c = GeoPoint::FromLatLon(centre.lat, centre.lon);
  volatile double sink = 0;
  const double circle = BestNsPerPoint(n, [&] {
    double s = 0;
    for (const GeoPoint& p : quantised) s += GreatCircleKm(c, p);
    sink = s;
  });
  std::printf("%-44s %8.1f ns/point  1.00x\n", "circle: GreatCircleKm (baseline)", circle);
  for (int corners : {8, 64, 512}) {
    auto poly = GeoPolygon::Make({Star(corners, centre.lat, centre.lon)});
    if (!poly.ok()) {
      std::fprintf(stderr, "%s\n", poly.status().ToString().c_str());
      std::exit(1);
    }
    const double dist = BestNsPerPoint(n, [&] {
      double s = 0;
      for (const LatLon& p : points) s += poly->DistanceKm(p);
      sink = s;
    });
    const double contains = BestNsPerPoint(n, [&] {
      size_t k = 0;
      for (const LatLon& p : points) k += poly->Contains(p);
      sink = static_cast<double>(k);
    });
    char label[64];
    std::snprintf(label, sizeof label, "polygon %d corners: DistanceKm", corners);
    std::printf("%-44s %8.1f ns/point  %.2fx\n", label, dist, dist / circle);
    std::snprintf(label, sizeof label, "polygon %d corners: Contains", corners);
    std::printf("%-44s %8.1f ns/point  %.2fx\n", label, contains, contains / circle);
  }
  (void)sink;
}

void Parses(const std::string& xml, const char* label, int reps) {
  std::vector<double> us;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = Clock::now();
    auto a = ParseCapAlert(xml);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!a.ok()) {
      std::fprintf(stderr, "%s\n", a.status().ToString().c_str());
      std::exit(1);
    }
  }
  std::sort(us.begin(), us.end());
  std::printf("%-44s %8zu bytes  median %8.1f us  p95 %8.1f us\n", label, xml.size(),
              us[us.size() / 2], us[us.size() * 95 / 100]);
}

}  // namespace
}  // namespace muster::bench

int main(int argc, char** argv) {
  size_t points = 1000000;
  int reps = 2000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--points=", 9) == 0)
      points = std::strtoull(argv[i] + 9, nullptr, 10);
    else if (std::strncmp(argv[i], "--reps=", 7) == 0)
      reps = std::atoi(argv[i] + 7);
    else {
      std::fprintf(stderr, "usage: cap_polygon_bench [--points=N] [--reps=N]\n");
      return 2;
    }
  }
  using namespace muster;
  std::printf("distance from %zu points (England and Wales) to an incident at Shrewsbury\n",
              points);
  bench::Distances(points);
  const std::string flood =
      bench::ReadFile(MUSTER_SOURCE_DIR "/tests/data/cap/flood_warning_alert.xml");
  std::printf("\nParseCapAlert, %d parses each\n", reps);
  bench::Parses(flood, "flood warning (8-point polygon)", reps);
  // The same message with a 5,000-point polygon (a detailed river outline).
  PolygonRing big = bench::Star(5000, 52.7093, -2.7601);
  std::string coords;
  for (const LatLon& p : big) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%.5f,%.5f", coords.empty() ? "" : " ", p.lat, p.lon);
    coords += buf;
  }
  std::string xml = flood;
  const size_t a = xml.find("<polygon>") + 9;
  xml.replace(a, xml.find("</polygon>") - a, coords);
  bench::Parses(xml, "flood warning (5,000-point polygon)", reps / 10 + 1);
  return 0;
}
