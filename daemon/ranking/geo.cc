#include "ranking/geo.h"

#include <numbers>

namespace muster {

namespace {

int32_t Quantise(double unit) {
  constexpr double kScale = 0x1p30;
  return static_cast<int32_t>(std::llround(unit * kScale));
}

}  // namespace

GeoPoint GeoPoint::FromLatLon(double lat_deg, double lon_deg) {
  constexpr double kRadPerDeg = std::numbers::pi / 180.0;
  const double phi = lat_deg * kRadPerDeg;
  const double lambda = lon_deg * kRadPerDeg;
  const double cos_phi = std::cos(phi);
  return GeoPoint{Quantise(cos_phi * std::cos(lambda)), Quantise(cos_phi * std::sin(lambda)),
                  Quantise(std::sin(phi))};
}

double KmToChordSquared(double km) {
  const double angle = km / kEarthRadiusKm;
  if (angle >= std::numbers::pi) return 4.0;
  const double chord = 2.0 * std::sin(angle * 0.5);
  return chord * chord;
}

}  // namespace muster
