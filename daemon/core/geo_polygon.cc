#include "core/geo_polygon.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace muster {

namespace {

using Vec3 = GeoPolygon::Vec3;

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
double Dot(const Vec3& a, const Vec3& b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
double Norm(const Vec3& a) {
  return std::sqrt(Dot(a, a));
}
Vec3 Scale(const Vec3& a, double k) {
  return {a.x * k, a.y * k, a.z * k};
}
Vec3 Sub(const Vec3& a, const Vec3& b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}

Vec3 ToVec(LatLon p) {
  const double lat = p.lat * kDegToRad;
  const double lon = p.lon * kDegToRad;
  return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

LatLon ToLatLon(const Vec3& v) {
  return {std::atan2(v.z, std::hypot(v.x, v.y)) * kRadToDeg, std::atan2(v.y, v.x) * kRadToDeg};
}

// The angle between two unit vectors; accurate at every size.
double AngleBetween(const Vec3& a, const Vec3& b) {
  return std::atan2(Norm(Cross(a, b)), Dot(a, b));
}

// Whether x, a point on the great circle of the arc a->b (normal n), lies on
// the arc (arcs are shorter than a half circle).
bool OnArc(const Vec3& a, const Vec3& b, const Vec3& n, const Vec3& x) {
  return Dot(Cross(a, x), n) >= 0 && Dot(Cross(x, b), n) >= 0;
}

std::string FormatPoint(LatLon p) {
  return fmt::format("{},{}", p.lat, p.lon);
}

}  // namespace

Status ValidateLatLon(const std::string& field, LatLon p) {
  if (!std::isfinite(p.lat) || p.lat < -90 || p.lat > 90) {
    return Status::InvalidArgument(field, fmt::format("latitude {} is outside [-90, 90]", p.lat));
  }
  if (!std::isfinite(p.lon) || p.lon < -180 || p.lon > 180) {
    return Status::InvalidArgument(field,
                                   fmt::format("longitude {} is outside [-180, 180]", p.lon));
  }
  return Status::Ok();
}

Status ValidateRing(const PolygonRing& ring) {
  if (ring.size() < 4) {
    return Status::InvalidArgument(
        "points", fmt::format("a polygon needs at least 4 points (3 corners and the first "
                              "repeated to close it); it has {}",
                              ring.size()));
  }
  for (size_t i = 0; i < ring.size(); ++i) {
    const LatLon& p = ring[i];
    // The field name is only formatted for a point at fault.
    if (!(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180)) {
      return ValidateLatLon(fmt::format("points[{}]", i), p);
    }
  }
  if (!(ring.front() == ring.back())) {
    return Status::InvalidArgument(
        "points", fmt::format("the polygon is not closed: its last point ({}) differs from its "
                              "first ({})",
                              FormatPoint(ring.back()), FormatPoint(ring.front())));
  }
  std::vector<std::pair<double, double>> corners;
  for (size_t i = 0; i + 1 < ring.size(); ++i) corners.emplace_back(ring[i].lat, ring[i].lon);
  std::sort(corners.begin(), corners.end());
  const auto distinct = std::unique(corners.begin(), corners.end()) - corners.begin();
  if (distinct < 3) {
    return Status::InvalidArgument(
        "points",
        fmt::format("the polygon has {} distinct corners; at least 3 are needed", distinct));
  }
  return Status::Ok();
}

double GreatCircleDistanceKm(LatLon a, LatLon b) {
  return AngleBetween(ToVec(a), ToVec(b)) * kPolygonEarthRadiusKm;
}

Result<GeoPolygon> GeoPolygon::Make(std::vector<PolygonRing> rings) {
  if (rings.empty()) return Status::InvalidArgument("rings", "a polygon needs an outer ring");
  for (size_t r = 0; r < rings.size(); ++r) {
    Status s = ValidateRing(rings[r]);
    if (!s.ok()) return s.WithFieldPrefix(fmt::format("rings[{}]", r));
  }
  GeoPolygon poly;
  Vec3 sum;
  for (size_t i = 0; i + 1 < rings[0].size(); ++i) {
    const Vec3 v = ToVec(rings[0][i]);
    sum = {sum.x + v.x, sum.y + v.y, sum.z + v.z};
  }
  const double len = Norm(sum);
  if (!(len > 1e-9)) {
    return Status::InvalidArgument("rings[0].points",
                                   "the polygon's corners are spread round the whole Earth");
  }
  poly.centre_ = Scale(sum, 1.0 / len);
  // Tangent basis at the centre; at a pole any east will do.
  Vec3 east = Cross({0, 0, 1}, poly.centre_);
  if (Norm(east) < 1e-12) east = {0, 1, 0};
  poly.east_ = Scale(east, 1.0 / Norm(east));
  poly.north_ = Cross(poly.centre_, poly.east_);

  for (size_t r = 0; r < rings.size(); ++r) {
    std::vector<Planar> planar;
    for (size_t i = 0; i < rings[r].size(); ++i) {
      const Vec3 v = ToVec(rings[r][i]);
      const double spread = AngleBetween(v, poly.centre_) * kPolygonEarthRadiusKm;
      if (spread > kMaxPolygonSpreadKm) {
        return Status::InvalidArgument(
            fmt::format("rings[{}].points[{}]", r, i),
            fmt::format("the point is {:.0f} km from the polygon's centre; a polygon may "
                        "spread at most {:.0f} km",
                        spread, kMaxPolygonSpreadKm));
      }
      const double d = Dot(v, poly.centre_);
      planar.push_back({Dot(v, poly.east_) / d, Dot(v, poly.north_) / d});
      if (i > 0) {
        Edge e;
        e.a = ToVec(rings[r][i - 1]);
        e.b = v;
        const Vec3 n = Cross(e.a, e.b);
        const double nn = Norm(n);
        e.degenerate = !(nn > 1e-15);
        e.n = e.degenerate ? Vec3{} : Scale(n, 1.0 / nn);
        e.na = Cross(e.n, e.a);
        e.bn = Cross(e.b, e.n);
        poly.edges_.push_back(e);
      }
    }
    poly.projected_.push_back(std::move(planar));
  }
  poly.rings_ = std::move(rings);

  // Box: the corners, then each edge's highest and lowest point when it lies
  // inside the arc (a great-circle arc bulges poleward between its ends;
  // longitude is monotonic along an arc that passes no pole).
  LatLonBox box{90, -90, 180, -180};
  for (const auto& ring : poly.rings_) {
    for (const LatLon& p : ring) {
      box.min_lat = std::min(box.min_lat, p.lat);
      box.max_lat = std::max(box.max_lat, p.lat);
      box.min_lon = std::min(box.min_lon, p.lon);
      box.max_lon = std::max(box.max_lon, p.lon);
    }
  }
  for (const Edge& e : poly.edges_) {
    if (e.degenerate) continue;
    const Vec3 z{0, 0, 1};
    const Vec3 top = Sub(z, Scale(e.n, Dot(z, e.n)));
    const double top_len = Norm(top);
    if (top_len < 1e-12) continue;  // the arc lies on the equator
    const Vec3 hi = Scale(top, 1.0 / top_len);
    const Vec3 lo = Scale(hi, -1.0);
    if (OnArc(e.a, e.b, e.n, hi)) box.max_lat = std::max(box.max_lat, ToLatLon(hi).lat);
    if (OnArc(e.a, e.b, e.n, lo)) box.min_lat = std::min(box.min_lat, ToLatLon(lo).lat);
  }
  if (poly.CrossingInside(ToVec({90, 0}))) box = {box.min_lat, 90, -180, 180};
  if (poly.CrossingInside(ToVec({-90, 0}))) box = {-90, box.max_lat, -180, 180};
  poly.box_ = box;
  return poly;
}

bool GeoPolygon::CrossingInside(const Vec3& p) const {
  const double d = Dot(p, centre_);
  // Every corner is within 60 degrees of the centre, so the polygon is too;
  // a point over 84 degrees away is outside (and would project badly).
  if (d <= 0.1) return false;
  const double x = Dot(p, east_) / d;
  const double y = Dot(p, north_) / d;
  bool inside = false;
  for (const auto& ring : projected_) {
    for (size_t i = 1; i < ring.size(); ++i) {
      const Planar& a = ring[i - 1];
      const Planar& b = ring[i];
      if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) {
        inside = !inside;
      }
    }
  }
  return inside;
}

double GeoPolygon::EdgeChordSquared(const Vec3& p) const {
  // Compared as squared chords (monotone in the angle, no trigonometry per
  // edge); the caller converts the smallest to km once.
  double best = 4;
  for (const Edge& e : edges_) {
    double chord_sq;
    if (!e.degenerate && Dot(p, e.na) >= 0 && Dot(p, e.bn) >= 0) {
      // The foot is on the arc: cross-track angle t with sin t = |p.n|;
      // chord^2 = 2 - 2 cos t, written without cancellation.
      const double s = Dot(p, e.n);
      chord_sq = 2 * s * s / (1 + std::sqrt(std::max(0.0, 1 - s * s)));
    } else {
      const Vec3 da = Sub(p, e.a);
      const Vec3 db = Sub(p, e.b);
      chord_sq = std::min(Dot(da, da), Dot(db, db));
    }
    best = std::min(best, chord_sq);
  }
  return best;
}

namespace {

double ChordSquaredToKm(double chord_sq) {
  return 2 * kPolygonEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(chord_sq) / 2));
}

}  // namespace

bool GeoPolygon::Contains(LatLon p) const {
  const Vec3 v = ToVec(p);
  if (CrossingInside(v)) return true;
  // Outside the box (and the box spans no antimeridian), the point is not
  // on the boundary either: skip the edge scan.
  constexpr double kSlackDeg = 1e-6;  // about 0.1 m, well over the 1 mm tolerance
  if (box_.max_lon - box_.min_lon < 180 &&
      (p.lat < box_.min_lat - kSlackDeg || p.lat > box_.max_lat + kSlackDeg ||
       p.lon < box_.min_lon - kSlackDeg || p.lon > box_.max_lon + kSlackDeg)) {
    return false;
  }
  return ChordSquaredToKm(EdgeChordSquared(v)) <= kBoundaryToleranceKm;
}

double GeoPolygon::DistanceKm(LatLon p) const {
  const Vec3 v = ToVec(p);
  if (CrossingInside(v)) return 0;
  const double km = ChordSquaredToKm(EdgeChordSquared(v));
  return km <= kBoundaryToleranceKm ? 0 : km;
}

LatLon GeoPolygon::Centre() const {
  return ToLatLon(centre_);
}

}  // namespace muster
