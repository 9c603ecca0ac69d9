// Points on the Earth and great-circle distances, as used by every ranking
// rule and score. Pure; thread-safe.
//
// The Earth is a sphere of radius kEarthRadiusKm (6371.0088 km, the IUGG mean
// radius R1). A point is held as its unit vector (x, y, z) with each component
// quantised to 2^-30 (about 6 mm on the ground), so a point is 12 bytes and a
// distance needs no trigonometry except one asin:
//   d = 2 R asin(c / 2), c = |p - q| (the chord between the unit vectors),
// which is the haversine formula (hav(d/R) = c^2 / 4) and, like it, is well
// conditioned at short range. Everything that compares or scores distances
// (the index, explanations, the SQL baseline in bench/) calls these functions,
// so they agree to the last bit.
#pragma once

#include <cmath>
#include <cstdint>

namespace muster {

inline constexpr double kEarthRadiusKm = 6371.0088;

struct GeoPoint {
  int32_t x = 0;
  int32_t y = 0;
  int32_t z = 0;

  // From WGS84 degrees (treated as spherical). lat in [-90, 90], lon any.
  static GeoPoint FromLatLon(double lat_deg, double lon_deg);

  friend bool operator==(const GeoPoint&, const GeoPoint&) = default;
};

// The squared chord between two points, in units of the Earth's radius
// squared (0..4).
inline double ChordSquared(const GeoPoint& a, const GeoPoint& b) {
  // Differences of 31-bit values fit exactly in a double; the sum rounds.
  const double dx = static_cast<double>(int64_t{a.x} - b.x);
  const double dy = static_cast<double>(int64_t{a.y} - b.y);
  const double dz = static_cast<double>(int64_t{a.z} - b.z);
  constexpr double kScaleSq = 0x1p-60;  // (2^-30)^2
  return (dx * dx + dy * dy + dz * dz) * kScaleSq;
}

// Great-circle kilometres for a squared chord from ChordSquared.
inline double ChordSquaredToKm(double chord_sq) {
  const double half = std::sqrt(chord_sq) * 0.5;
  return 2.0 * kEarthRadiusKm * std::asin(half < 1.0 ? half : 1.0);
}

// Great-circle distance in km.
inline double GreatCircleKm(const GeoPoint& a, const GeoPoint& b) {
  return ChordSquaredToKm(ChordSquared(a, b));
}

// The squared chord of a great-circle distance (inverse of ChordSquaredToKm,
// up to rounding; use it for pre-filters with a little slack).
double KmToChordSquared(double km);

}  // namespace muster
