// A CAP (OASIS Common Alerting Protocol 1.2, or 1.1) message as Muster
// reads it: plain value types, no XML. ParseCapAlert (cap_parser.h) builds
// one; docs/alerts.md lists what is kept and what is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/geo_polygon.h"

namespace muster {

enum class CapStatus { kActual, kExercise, kSystem, kTest, kDraft };
enum class CapMsgType { kAlert, kUpdate, kCancel, kAck, kError };
enum class CapScope { kPublic, kRestricted, kPrivate };
// Ordered so that a floor is a comparison: Unknown is the lowest.
enum class CapUrgency { kUnknown, kPast, kFuture, kExpected, kImmediate };
enum class CapSeverity { kUnknown, kMinor, kModerate, kSevere, kExtreme };
enum class CapCertainty { kUnknown, kUnlikely, kPossible, kLikely, kObserved };

// The CAP spellings ("Actual", "Update", "Immediate", ...).
const char* CapStatusName(CapStatus v);
const char* CapMsgTypeName(CapMsgType v);
const char* CapScopeName(CapScope v);
const char* CapUrgencyName(CapUrgency v);
const char* CapSeverityName(CapSeverity v);
const char* CapCertaintyName(CapCertainty v);
// The inverses; nullopt for anything else (case-sensitive, as CAP is).
std::optional<CapStatus> ParseCapStatus(const std::string& text);
std::optional<CapMsgType> ParseCapMsgType(const std::string& text);
std::optional<CapScope> ParseCapScope(const std::string& text);
std::optional<CapUrgency> ParseCapUrgency(const std::string& text);
std::optional<CapSeverity> ParseCapSeverity(const std::string& text);
std::optional<CapCertainty> ParseCapCertainty(const std::string& text);

// <geocode>, <eventCode>, <parameter>: a valueName and a value.
struct CapValue {
  std::string name;
  std::string value;
  friend bool operator==(const CapValue&, const CapValue&) = default;
};

// <circle>: "lat,lon radius", the radius in km (0 = a point).
struct CapCircle {
  LatLon centre;
  double radius_km = 0;
};

struct CapArea {
  std::string description;           // <areaDesc>, required
  std::vector<GeoPolygon> polygons;  // each a valid closed ring
  std::vector<CapCircle> circles;
  std::vector<CapValue> geocodes;  // e.g. {"TargetAreaCode", "031WAF101"}
  std::optional<double> altitude;  // feet above sea level, as in CAP
  std::optional<double> ceiling;   // only with altitude

  // The values of the geocodes named `name` (e.g. "TargetAreaCode").
  std::vector<std::string> Geocodes(const std::string& name) const;
};

struct CapResource {
  std::string description;  // <resourceDesc>
  std::string mime_type;    // <mimeType>
  std::optional<int64_t> size;
  std::string uri;
  std::string digest;
  // <derefUri> (base64 content) is not kept.
};

struct CapInfo {
  std::string language = "en-US";       // <language>, CAP's default
  std::vector<std::string> categories;  // at least one of Geo, Met, ... Other
  std::string event;
  std::vector<std::string> response_types;  // Shelter, Evacuate, ... None
  CapUrgency urgency = CapUrgency::kUnknown;
  CapSeverity severity = CapSeverity::kUnknown;
  CapCertainty certainty = CapCertainty::kUnknown;
  std::string audience;
  std::vector<CapValue> event_codes;
  std::optional<int64_t> effective;  // Unix seconds
  std::optional<int64_t> onset;
  std::optional<int64_t> expires;
  std::string sender_name;
  std::string headline;
  std::string description;
  std::string instruction;
  std::string web;
  std::string contact;
  std::vector<CapValue> parameters;
  std::vector<CapResource> resources;
  std::vector<CapArea> areas;
};

// One entry of <references>: "sender,identifier,sent".
struct CapReference {
  std::string sender;
  std::string identifier;
  std::string sent;  // as written (the key compares text, as CAP does)
  int64_t sent_unix = 0;
  friend bool operator==(const CapReference&, const CapReference&) = default;
};

struct CapAlert {
  int version = 12;  // 12 = CAP 1.2, 11 = CAP 1.1 (from the namespace)
  std::string identifier;
  std::string sender;
  std::string sent;  // as written
  int64_t sent_unix = 0;
  CapStatus status = CapStatus::kActual;
  CapMsgType msg_type = CapMsgType::kAlert;
  std::string source;
  CapScope scope = CapScope::kPublic;
  std::string restriction;  // required when scope is Restricted
  std::string addresses;    // required when scope is Private
  std::vector<std::string> codes;
  std::string note;
  std::vector<CapReference> references;
  std::string incidents;
  std::vector<CapInfo> infos;  // possibly several languages

  // "sender,identifier,sent": what identifies a message, and what a later
  // message's <references> names it by.
  std::string Key() const { return sender + "," + identifier + "," + sent; }
};

}  // namespace muster
