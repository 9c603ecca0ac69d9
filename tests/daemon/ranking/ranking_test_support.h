// Helpers shared by the ranking tests: a small catalogue, reservist and
// request builders, and points at chosen distances.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "ranking/geo.h"
#include "ranking/rank_request.h"
#include "roster/model.h"

namespace muster::testing {

// Tewkesbury, the usual activation centre in these tests.
inline constexpr double kLat = 51.9925;
inline constexpr double kLon = -2.1580;

inline int64_t Utc(const char* iso) {
  return *ParseInstant(iso);
}
inline Date Day(const char* iso) {
  return *ParseDate(iso);
}

inline std::vector<Skill> TestSkills() {
  return {{"first_aid", "First aid", 1, 3},
          {"driver_4x4", "4x4 driver", 1, 3},
          {"flood_rescue", "Flood rescue", 1, 3},
          {"interpreter", "Interpreter", 1, 5}};
}

// An active reservist at (lat, lon) holding first_aid level 2 (no
// certificate), max travel 50 km, no windows (always available).
inline Reservist Person(int64_t id, double lat = kLat, double lon = kLon) {
  Reservist r;
  r.id = id;
  r.external_id = "T-" + std::to_string(id);
  r.name = "Person " + std::to_string(id);
  r.channels = {{ChannelKind::kSms, "+447700900123"}};
  r.lat = lat;
  r.lon = lon;
  r.home_area = "gloucestershire";
  r.max_travel_km = 50;
  r.skills = {{"first_aid", 2, "", std::nullopt}};
  return r;
}

// The point `km` north of the centre (approximately; use GreatCircleKm for
// the exact distance).
inline double LatNorth(double km) {
  return kLat + km / (kEarthRadiusKm * std::numbers::pi / 180);
}

inline double DistanceFromCentre(const Reservist& r) {
  return GreatCircleKm(GeoPoint::FromLatLon(r.lat, r.lon), GeoPoint::FromLatLon(kLat, kLon));
}

// 12 h from Wednesday 2026-07-15 08:00 BST, 50 km around Tewkesbury, one
// requirement of `count` first aiders at level 1.
inline RankRequest Request(int count = 1) {
  RankRequest r;
  r.lat = kLat;
  r.lon = kLon;
  r.radius_km = 50;
  r.start_unix = Utc("2026-07-15T07:00:00Z");
  r.duration_minutes = 12 * 60;
  r.requirements = {{"first_aid", 1, count}};
  return r;
}

}  // namespace muster::testing
