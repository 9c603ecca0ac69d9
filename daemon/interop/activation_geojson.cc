#include "interop/activation_geojson.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>

#include "core/civil_time.h"

namespace muster {

namespace {

using nlohmann::json;

constexpr double kRad = std::numbers::pi / 180.0;

double Round6(double v) {
  return std::round(v * 1e6) / 1e6;
}

json Position(LatLon p) {
  return json::array({Round6(p.lon), Round6(p.lat)});
}

// Twice the signed area in the lon/lat plane: > 0 counter-clockwise.
double SignedArea(const PolygonRing& ring) {
  double sum = 0;
  for (size_t i = 1; i < ring.size(); ++i) {
    sum += ring[i - 1].lon * ring[i].lat - ring[i].lon * ring[i - 1].lat;
  }
  return sum;
}

// RFC 7946: exterior rings counter-clockwise, holes clockwise.
json Ring(PolygonRing ring, bool exterior) {
  if ((SignedArea(ring) > 0) != exterior) std::reverse(ring.begin(), ring.end());
  json out = json::array();
  for (const LatLon& p : ring) out.push_back(Position(p));
  return out;
}

const char* PriorityName(Priority p) {
  switch (p) {
    case Priority::kRoutine:
      return "routine";
    case Priority::kUrgent:
      return "urgent";
    case Priority::kEmergency:
      return "emergency";
  }
  return "unknown";
}

json IncidentFeature(const Activation& a) {
  json requirements = json::array();
  for (const RequirementRecord& r : a.requirements) {
    requirements.push_back({{"skill", r.requirement.skill},
                            {"min_level", r.requirement.min_level},
                            {"count", r.requirement.count},
                            {"asked", r.asked},
                            {"accepted", r.accepted},
                            {"pending", r.pending},
                            {"declined", r.declined},
                            {"unreachable", r.unreachable},
                            {"shortfall", r.shortfall}});
  }
  std::map<std::string, int> states;
  for (const Callout& c : a.callouts) ++states[CalloutStateName(c.state)];
  return {{"type", "Feature"},
          {"id", "incident"},
          {"geometry", {{"type", "Point"}, {"coordinates", Position({a.spec.lat, a.spec.lon})}}},
          {"properties",
           {{"kind", "incident"},
            {"activation_id", a.id},
            {"title", a.spec.title},
            {"state", ActivationStateName(a.state)},
            {"priority", PriorityName(a.spec.priority)},
            {"start", FormatInstant(a.spec.start_unix)},
            {"end", FormatInstant(a.spec.end_unix())},
            {"radius_km", a.spec.radius_km},
            {"requirements", requirements},
            {"callout_states", states}}}};
}

json AreaFeature(const Activation& a, const std::optional<GeoPolygon>& area) {
  json rings = json::array();
  if (area) {
    for (size_t i = 0; i < area->rings().size(); ++i)
      rings.push_back(Ring(area->rings()[i], i == 0));
  } else {
    rings.push_back(Ring(CirclePolygon({a.spec.lat, a.spec.lon}, a.spec.radius_km), true));
  }
  json props = {{"kind", "search_area"}, {"shape", area ? "polygon" : "circle"}};
  if (!area) props["radius_km"] = a.spec.radius_km;
  return {{"type", "Feature"},
          {"id", "search_area"},
          {"geometry", {{"type", "Polygon"}, {"coordinates", rings}}},
          {"properties", props}};
}

}  // namespace

PolygonRing CirclePolygon(LatLon centre, double radius_km, int n) {
  // Destination points on the sphere at bearings going anticlockwise
  // (north, west, south, east), so that the ring is counter-clockwise.
  const double lat1 = centre.lat * kRad;
  const double lon1 = centre.lon * kRad;
  const double d = radius_km / kPolygonEarthRadiusKm;
  PolygonRing ring;
  for (int k = 0; k < n; ++k) {
    const double bearing = -2 * std::numbers::pi * k / n;
    const double lat2 =
        std::asin(std::sin(lat1) * std::cos(d) + std::cos(lat1) * std::sin(d) * std::cos(bearing));
    const double lon2 = lon1 + std::atan2(std::sin(bearing) * std::sin(d) * std::cos(lat1),
                                          std::cos(d) - std::sin(lat1) * std::sin(lat2));
    double lon = std::remainder(lon2 / kRad, 360.0);
    ring.push_back({lat2 / kRad, lon});
  }
  ring.push_back(ring.front());
  return ring;
}

LatLon RoundToKilometre(LatLon p) {
  const double lat_step = 1.0 / (kPolygonEarthRadiusKm * kRad);  // 1 km of latitude
  const double lat = std::clamp(std::round(p.lat / lat_step) * lat_step, -90.0, 90.0);
  const double cos_lat = std::cos(lat * kRad);
  if (cos_lat < 1e-6) return {lat, 0};
  const double lon_step = lat_step / cos_lat;
  return {lat, std::remainder(std::round(p.lon / lon_step) * lon_step, 360.0)};
}

std::string ActivationGeoJson(const Activation& a, const std::unordered_map<int64_t, LatLon>& homes,
                              const std::optional<GeoPolygon>& area,
                              const GeoJsonOptions& options) {
  json features = json::array({IncidentFeature(a), AreaFeature(a, area)});
  int n = 0;
  for (const Callout& c : a.callouts) {
    if (c.state != CalloutState::kAccepted) continue;
    const auto home = homes.find(c.candidate.reservist_id);
    if (home == homes.end()) continue;
    json props = {{"kind", "reservist"},
                  {"skill", c.candidate.skill},
                  {"state", CalloutStateName(c.state)},
                  {"wave", c.wave}};
    // A call-out id leads, through the activation, to a name and an exact
    // distance, which with the 1 km cell would narrow the home down: ids
    // only with identities, otherwise a number within this export.
    std::string id = "reservist-" + std::to_string(++n);
    if (options.include_identities) {
      props["callout_id"] = c.id;
      props["reservist_id"] = c.candidate.reservist_id;
      props["name"] = c.reservist_name;
      id = "callout-" + std::to_string(c.id);
    }
    features.push_back(
        {{"type", "Feature"},
         {"id", id},
         {"geometry",
          {{"type", "Point"}, {"coordinates", Position(RoundToKilometre(home->second))}}},
         {"properties", props}});
  }
  const json out = {{"type", "FeatureCollection"}, {"features", features}};
  // Invalid UTF-8 in a title or name is replaced rather than thrown on.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace muster
