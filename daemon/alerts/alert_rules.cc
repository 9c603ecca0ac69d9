#include "alerts/alert_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

namespace muster {

namespace {

constexpr size_t kMaxTitleBytes = 200;  // as ActivationSpec.title
constexpr double kMaxRadiusKm = 1000;   // as ActivationSpec.radius_km
constexpr double kMinRadiusKm = 0.1;    // a point alert still gets a place
constexpr int kMaxDurationMinutes = 43200;

// Cuts UTF-8 text to at most max bytes, at a character boundary, ending in
// "..." (U+2026) when cut.
std::string CutUtf8(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  const std::string ellipsis = "\xE2\x80\xA6";
  if (max < ellipsis.size()) return std::string();
  size_t cut = max - ellipsis.size();
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + ellipsis;
}

bool InfoMatches(const AlertRule& r, const CapInfo& info) {
  if (!r.event.empty() && !GlobMatch(r.event, info.event)) return false;
  if (!r.categories.empty() &&
      std::none_of(info.categories.begin(), info.categories.end(), [&](const std::string& c) {
        return std::find(r.categories.begin(), r.categories.end(), c) != r.categories.end();
      })) {
    return false;
  }
  if (info.urgency < r.min_urgency || info.severity < r.min_severity ||
      info.certainty < r.min_certainty) {
    return false;
  }
  if (r.target_area_codes.empty()) return true;
  for (const CapArea& area : info.areas) {
    for (const std::string& code : area.Geocodes("TargetAreaCode")) {
      for (const std::string& pattern : r.target_area_codes) {
        if (GlobMatch(pattern, code)) return true;
      }
    }
  }
  return false;
}

bool AlertMatches(const AlertRule& r, const CapAlert& a) {
  if (std::find(r.statuses.begin(), r.statuses.end(), a.status) == r.statuses.end()) return false;
  return r.senders.empty() ||
         std::find(r.senders.begin(), r.senders.end(), a.sender) != r.senders.end();
}

struct Vec {
  double x = 0, y = 0, z = 0;
};

void Add(Vec& sum, LatLon p) {
  const double lat = p.lat * std::numbers::pi / 180, lon = p.lon * std::numbers::pi / 180;
  sum.x += std::cos(lat) * std::cos(lon);
  sum.y += std::cos(lat) * std::sin(lon);
  sum.z += std::sin(lat);
}

// The centre of everything in the matched areas, and the radius round it
// that holds every polygon (its corners: arcs between corners stay inside a
// cap smaller than a hemisphere holding them) and every circle.
Status PlaceOf(const CapInfo& info, const std::string& field, double buffer_km, AlertMatch& m) {
  Vec sum;
  for (const CapArea& area : info.areas) {
    for (const GeoPolygon& p : area.polygons) {
      m.polygons.push_back(p);
      const auto& ring = p.rings()[0];
      for (size_t i = 0; i + 1 < ring.size(); ++i) Add(sum, ring[i]);
    }
    for (const CapCircle& c : area.circles) {
      m.circles.push_back(c);
      Add(sum, c.centre);
    }
  }
  const double len = std::sqrt(sum.x * sum.x + sum.y * sum.y + sum.z * sum.z);
  if (m.polygons.empty() && m.circles.empty()) {
    return Status::InvalidArgument(
        field + ".area", "has no polygon or circle to place an activation (geocodes alone do not)");
  }
  if (!(len > 1e-9)) return Status::InvalidArgument(field + ".area", "the areas have no centre");
  const LatLon centre{std::atan2(sum.z, std::hypot(sum.x, sum.y)) * 180 / std::numbers::pi,
                      std::atan2(sum.y, sum.x) * 180 / std::numbers::pi};
  double radius = 0;
  for (const GeoPolygon& p : m.polygons) {
    for (const auto& ring : p.rings()) {
      for (const LatLon& v : ring) radius = std::max(radius, GreatCircleDistanceKm(centre, v));
    }
  }
  for (const CapCircle& c : m.circles) {
    radius = std::max(radius, GreatCircleDistanceKm(centre, c.centre) + c.radius_km);
  }
  radius = std::max(radius + buffer_km, kMinRadiusKm);
  if (radius > kMaxRadiusKm) {
    return Status::InvalidArgument(
        field + ".area",
        fmt::format("needs a radius of {:.0f} km with the buffer; an activation allows at most "
                    "{:.0f}",
                    radius, kMaxRadiusKm));
  }
  m.spec.lat = centre.lat;
  m.spec.lon = centre.lon;
  m.spec.radius_km = radius;
  m.buffer_km = buffer_km;
  return Status::Ok();
}

int DurationOf(const AlertRule& r, const CapInfo& info, int64_t start) {
  if (r.duration_minutes > 0) return r.duration_minutes;
  if (!info.expires || *info.expires <= start) return r.default_duration_minutes;
  const int64_t minutes = (*info.expires - start + 59) / 60;
  return static_cast<int>(std::min<int64_t>(minutes, kMaxDurationMinutes));
}

std::string MessageOf(const CapInfo& info, size_t max_bytes) {
  std::string text;
  for (const std::string* part : {&info.headline, &info.description, &info.instruction}) {
    if (part->empty()) continue;
    if (!text.empty()) text += "\n";
    text += *part;
  }
  if (text.empty()) text = info.event;
  return CutUtf8(text, max_bytes);
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point (the last '*').
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto eq = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && eq(pattern[p], text[t])))) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<std::optional<AlertMatch>> MatchAlert(const CapAlert& alert,
                                             const std::vector<AlertRule>& rules) {
  if (alert.msg_type != CapMsgType::kAlert && alert.msg_type != CapMsgType::kUpdate) {
    return std::optional<AlertMatch>();
  }
  for (const AlertRule& rule : rules) {
    if (!AlertMatches(rule, alert)) continue;
    for (size_t i = 0; i < alert.infos.size(); ++i) {
      const CapInfo& info = alert.infos[i];
      if (!InfoMatches(rule, info)) continue;
      AlertMatch m;
      m.rule = rule.name;
      m.alert_key = alert.Key();
      m.info = i;
      MUSTER_RETURN_IF_ERROR(PlaceOf(info, fmt::format("alert.info[{}]", i), rule.buffer_km, m));
      m.spec.title = CutUtf8(info.headline.empty() ? info.event : info.headline, kMaxTitleBytes);
      m.spec.message = MessageOf(info, rule.message_max_bytes);
      m.spec.start_unix = info.onset       ? *info.onset
                          : info.effective ? *info.effective
                                           : alert.sent_unix;
      m.spec.duration_minutes = DurationOf(rule, info, m.spec.start_unix);
      m.spec.requirements = rule.requirements;
      m.spec.answer_within_minutes = rule.answer_within_minutes;
      m.spec.priority = rule.priority;
      m.auto_activate = rule.auto_min_severity && info.severity >= *rule.auto_min_severity;
      return std::optional<AlertMatch>(std::move(m));
    }
  }
  return std::optional<AlertMatch>();
}

}  // namespace muster
