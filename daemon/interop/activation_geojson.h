// GeoJSON (RFC 7946) of an activation, for an incident commander's GIS:
// the incident point, the search area, and where the accepted reservists
// roughly are. Pure; thread-safe.
//
// A FeatureCollection of:
// - the incident: a Point, properties kind "incident", activation_id,
//   title, state, priority, start/end (ISO 8601 UTC), radius_km, and per
//   requirement (skill, min_level, count, asked, accepted, pending,
//   declined, unreachable, shortfall), and callout_states (state -> count);
// - the search area: a Polygon, properties kind "search_area" and
//   shape "circle" (the radius around the incident, as a 64-gon on the
//   sphere) or "polygon" (the alert's area, when the caller gives one);
// - per accepted reservist: a Point, properties kind "reservist",
//   callout_id, skill, state, wave, at the centre of the 1 km grid cell
//   holding their home (latitude steps of 1 km; longitude steps of 1 km at
//   that latitude), so no home is given closer than about 0.7 km.
// Names and reservist ids are left out unless options.include_identities;
// phone numbers and addresses are never in it. Coordinates are [lon, lat]
// rounded to 6 decimals; exterior rings run counter-clockwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "activation/activation.h"
#include "core/geo_polygon.h"

namespace muster {

struct GeoJsonOptions {
  bool include_identities = false;  // reservists' names and ids
};

// The vertices of the circle of radius_km around centre on the sphere,
// counter-clockwise (seen from above), closed (n + 1 points).
PolygonRing CirclePolygon(LatLon centre, double radius_km, int n = 64);

// The centre of the 1 km grid cell holding p (see above).
LatLon RoundToKilometre(LatLon p);

// `homes`: positions of reservists by id, for the accepted call-outs (others
// are not looked up; an accepted reservist missing from it is left out).
// `area`: the polygon the activation searches, if it has one; else the
// circle of spec.radius_km around the incident.
std::string ActivationGeoJson(const Activation& activation,
                              const std::unordered_map<int64_t, LatLon>& homes,
                              const std::optional<GeoPolygon>& area = std::nullopt,
                              const GeoJsonOptions& options = {});

}  // namespace muster
