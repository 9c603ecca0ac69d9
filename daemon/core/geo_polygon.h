// Polygons on the Earth (a CAP <polygon>, a GeoJSON Polygon): validity,
// point-in-polygon, distance from a point, bounding box. Pure; a GeoPolygon
// is immutable once built, so it may be shared between threads.
//
// Model: the Earth is a sphere of radius kPolygonEarthRadiusKm (the IUGG mean
// radius, the same value as kEarthRadiusKm in ranking/geo.h, which core does
// not include) and an edge is the shorter great-circle arc between its two
// corners. Every computation is done on unit vectors:
// - containment: the rings are projected gnomonically about the outer ring's
//   centre (that projection maps great circles to straight lines, so the
//   crossing-number test there is exact for great-circle edges), with the
//   even-odd rule across all rings (later rings are holes); a point within
//   kBoundaryToleranceKm of an edge counts as inside;
// - distance: 0 inside, else the smallest great-circle distance to an edge
//   (cross-track distance when the foot falls on the arc, else to the nearer
//   corner); edges are compared by squared chord (no trigonometry per edge)
//   and the nearest converted to km once, as ranking/geo.h does.
// Error bound: on the sphere the results are exact up to rounding (well under
// a millimetre). Against the WGS84 ellipsoid a spherical distance is off by at
// most about 0.5 % (ranking uses the same sphere, so they agree).
// Limits: every corner must lie within kMaxPolygonSpreadKm of the outer
// ring's centre (needed by the projection; a polygon cannot cover a
// hemisphere). Containment and distance work across the antimeridian (they
// never look at longitudes), but BoundingBox does not: a ring crossing it gets
// the min/max of its corners' longitudes, a box that covers the polygon but
// almost all longitudes too. Muster serves the UK, so that is not refined.
// Self-intersecting rings are not refused; the even-odd rule decides.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace muster {

inline constexpr double kPolygonEarthRadiusKm = 6371.0088;
// A point this close to an edge is on the boundary (inside).
inline constexpr double kBoundaryToleranceKm = 1e-6;  // 1 mm
// The largest distance of any corner from the outer ring's centre (60 degrees).
inline constexpr double kMaxPolygonSpreadKm = 6671.7;

// WGS84 degrees.
struct LatLon {
  double lat = 0;
  double lon = 0;
  friend bool operator==(const LatLon&, const LatLon&) = default;
};

// A closed ring: at least 4 points, the last equal to the first.
using PolygonRing = std::vector<LatLon>;

struct LatLonBox {
  double min_lat = 0;
  double max_lat = 0;
  double min_lon = 0;
  double max_lon = 0;
};

// OK if lat is in [-90, 90] and lon in [-180, 180] (finite); else
// InvalidArgument naming `field` and the value.
Status ValidateLatLon(const std::string& field, LatLon p);

// OK for a usable ring: at least 4 points, closed (last == first), every
// point valid, at least 3 distinct corners. InvalidArgument otherwise, the
// field naming the point at fault ("points[2]") or "points" for the ring.
Status ValidateRing(const PolygonRing& ring);

// Great-circle distance in km on the sphere above.
double GreatCircleDistanceKm(LatLon a, LatLon b);

class GeoPolygon {
 public:
  // rings[0] is the outer boundary; any further rings are holes. Each ring
  // is validated (ValidateRing, field "rings[i].points[j]") and every corner
  // must be within kMaxPolygonSpreadKm of the outer ring's centre.
  static Result<GeoPolygon> Make(std::vector<PolygonRing> rings);

  const std::vector<PolygonRing>& rings() const { return rings_; }
  // Inside, or on the boundary (within kBoundaryToleranceKm).
  bool Contains(LatLon p) const;
  // 0 inside or on the boundary, else km to the nearest edge.
  double DistanceKm(LatLon p) const;
  // The smallest latitude/longitude box holding the polygon, its edges'
  // poleward bulge included (no antimeridian support: see above).
  const LatLonBox& BoundingBox() const { return box_; }
  // The normalised mean of the outer ring's corners.
  LatLon Centre() const;

  struct Vec3 {
    double x = 0, y = 0, z = 0;
  };

 private:
  struct Edge {
    Vec3 a, b;
    Vec3 n;  // unit normal of the arc's great circle (a x b); zero if a == b
    // p.na >= 0 and p.bn >= 0: p's foot on the great circle lies on the arc
    // (na = n x a, bn = b x n, precomputed so the test is two dot products).
    Vec3 na, bn;
    bool degenerate = false;
  };
  struct Planar {
    double x = 0, y = 0;
  };

  GeoPolygon() = default;
  bool CrossingInside(const Vec3& p) const;
  // The smallest squared chord (unit sphere) from p to an edge.
  double EdgeChordSquared(const Vec3& p) const;

  std::vector<PolygonRing> rings_;
  std::vector<Edge> edges_;
  std::vector<std::vector<Planar>> projected_;  // per ring, closed
  Vec3 centre_, east_, north_;
  LatLonBox box_;
};

}  // namespace muster
