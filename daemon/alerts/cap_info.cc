#include <charconv>

#include "alerts/cap_reader.h"

namespace muster::cap_detail {

namespace {

constexpr std::string_view kCategories[] = {"Geo",       "Met",   "Safety", "Security",
                                            "Rescue",    "Fire",  "Health", "Env",
                                            "Transport", "Infra", "CBRNE",  "Other"};
constexpr std::string_view kResponseTypes[] = {
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"};

template <size_t N>
bool OneOf(const std::string_view (&set)[N], const std::string& v) {
  for (std::string_view s : set) {
    if (s == v) return true;
  }
  return false;
}

}  // namespace

Result<GeoPolygon> Parser::Polygon(const std::string& text, const std::string& field) {
  const auto tokens = SplitSpace(text);
  if (points_ + static_cast<int64_t>(tokens.size()) > limits_.max_points) {
    return Status::InvalidArgument(
        field, fmt::format("the message's polygons have more than {} points", limits_.max_points));
  }
  points_ += static_cast<int>(tokens.size());
  PolygonRing ring;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto comma = tokens[i].find(',');
    std::optional<double> lat, lon;
    if (comma != std::string_view::npos) {
      lat = ParseNumber(tokens[i].substr(0, comma));
      lon = ParseNumber(tokens[i].substr(comma + 1));
    }
    if (!lat || !lon) {
      return Status::InvalidArgument(
          fmt::format("{}.points[{}]", field, i),
          fmt::format("{} is not a point \"lat,lon\"", Quoted(tokens[i])));
    }
    ring.push_back({*lat, *lon});
  }
  Status valid = ValidateRing(ring);
  if (!valid.ok()) return valid.WithFieldPrefix(field);
  auto poly = GeoPolygon::Make({std::move(ring)});
  if (!poly.ok()) {
    Status s = poly.status();
    std::string f = s.field();
    if (f.starts_with("rings[0].")) f = f.substr(9);
    return Status::InvalidArgument(field + "." + f, s.message());
  }
  return poly;
}

Result<CapArea> Parser::Area(pugi::xml_node node, const std::string& field) {
  auto c = Collect(node, field,
                   {{"areaDesc", true},
                    {"polygon", false, true},
                    {"circle", false, true},
                    {"geocode", false, true},
                    {"altitude"},
                    {"ceiling"}});
  if (!c.ok()) return c.status();
  CapArea area;
  auto desc = Field(*c, "areaDesc", field, true);
  if (!desc.ok()) return desc.status();
  area.description = std::move(*desc);
  const auto& ch = *c;
  if (auto it = ch.find("polygon"); it != ch.end()) {
    for (size_t i = 0; i < it->second.size(); ++i) {
      const std::string f = fmt::format("{}.polygon[{}]", field, i);
      auto text = TextOf(it->second[i], f);
      if (!text.ok()) return text.status();
      auto poly = Polygon(*text, f);
      if (!poly.ok()) return poly.status();
      area.polygons.push_back(std::move(*poly));
    }
  }
  if (auto it = ch.find("circle"); it != ch.end()) {
    for (size_t i = 0; i < it->second.size(); ++i) {
      const std::string f = fmt::format("{}.circle[{}]", field, i);
      auto text = TextOf(it->second[i], f);
      if (!text.ok()) return text.status();
      const auto parts = SplitSpace(*text);
      std::optional<double> lat, lon, radius;
      if (parts.size() == 2 && parts[0].find(',') != std::string_view::npos) {
        const auto comma = parts[0].find(',');
        lat = ParseNumber(parts[0].substr(0, comma));
        lon = ParseNumber(parts[0].substr(comma + 1));
        radius = ParseNumber(parts[1]);
      }
      if (!lat || !lon || !radius) {
        return Status::InvalidArgument(
            f, fmt::format("{} is not a circle \"lat,lon radius_km\"", Quoted(*text)));
      }
      MUSTER_RETURN_IF_ERROR(ValidateLatLon(f, {*lat, *lon}));
      if (*radius < 0 || *radius > 20038) {
        return Status::InvalidArgument(f,
                                       fmt::format("radius {} km is outside [0, 20038]", *radius));
      }
      area.circles.push_back({{*lat, *lon}, *radius});
    }
  }
  if (auto it = ch.find("geocode"); it != ch.end()) {
    for (size_t i = 0; i < it->second.size(); ++i) {
      auto v = Value(it->second[i], fmt::format("{}.geocode[{}]", field, i));
      if (!v.ok()) return v.status();
      area.geocodes.push_back(std::move(*v));
    }
  }
  for (const char* name : {"altitude", "ceiling"}) {
    auto text = Field(ch, name, field);
    if (!text.ok()) return text.status();
    if (text->empty()) continue;
    auto v = ParseNumber(*text);
    if (!v) {
      return Status::InvalidArgument(field + "." + name,
                                     fmt::format("{} is not a number", Quoted(*text)));
    }
    (std::string_view(name) == "altitude" ? area.altitude : area.ceiling) = *v;
  }
  if (area.ceiling && !area.altitude) {
    return Status::InvalidArgument(field + ".ceiling", "is only allowed with <altitude>");
  }
  return area;
}

Result<CapResource> Parser::Resource(pugi::xml_node node, const std::string& f, int version) const {
  auto rc = Collect(node, f,
                    {{"resourceDesc", true},
                     {"mimeType", version >= 12},
                     {"size"},
                     {"uri"},
                     {"derefUri"},
                     {"digest"}});
  if (!rc.ok()) return rc.status();
  CapResource r;
  for (auto [name, out] :
       {std::pair{"resourceDesc", &r.description}, std::pair{"mimeType", &r.mime_type},
        std::pair{"uri", &r.uri}, std::pair{"digest", &r.digest}}) {
    auto t = Field(*rc, name, f, std::string_view(name) == "resourceDesc");
    if (!t.ok()) return t.status();
    *out = std::move(*t);
  }
  auto size = Field(*rc, "size", f);
  if (!size.ok()) return size.status();
  if (!size->empty()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), n);
    if (ec != std::errc() || end != size->data() + size->size() || n < 0) {
      return Status::InvalidArgument(f + ".size",
                                     fmt::format("{} is not a byte count", Quoted(*size)));
    }
    r.size = n;
  }
  return r;
}

Result<CapInfo> Parser::Info(pugi::xml_node node, const std::string& field, int version) {
  auto c = Collect(node, field,
                   {{"language"},
                    {"category", true, true},
                    {"event", true},
                    {"responseType", false, true},
                    {"urgency", true},
                    {"severity", true},
                    {"certainty", true},
                    {"audience"},
                    {"eventCode", false, true},
                    {"effective"},
                    {"onset"},
                    {"expires"},
                    {"senderName"},
                    {"headline"},
                    {"description"},
                    {"instruction"},
                    {"web"},
                    {"contact"},
                    {"parameter", false, true},
                    {"resource", false, true},
                    {"area", false, true}});
  if (!c.ok()) return c.status();
  const auto& ch = *c;
  CapInfo info;
  auto text = [&](std::string_view name, std::string& out, bool required = false) -> Status {
    auto t = Field(ch, name, field, required);
    if (!t.ok()) return t.status();
    out = std::move(*t);
    return Status::Ok();
  };
  std::string language;
  MUSTER_RETURN_IF_ERROR(text("language", language));
  if (!language.empty()) {
    if (language.size() > 35 ||
        language.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
            std::string::npos) {
      return Status::InvalidArgument(field + ".language",
                                     fmt::format("{} is not a language tag", Quoted(language)));
    }
    info.language = language;
  }
  auto categories = Texts(ch, "category", field, [](const std::string& f, const std::string& v) {
    return OneOf(kCategories, v)
               ? Status::Ok()
               : BadEnum(f, v,
                         "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, "
                         "Infra, CBRNE, Other");
  });
  if (!categories.ok()) return categories.status();
  info.categories = std::move(*categories);
  MUSTER_RETURN_IF_ERROR(text("event", info.event, true));
  auto responses = Texts(ch, "responseType", field, [](const std::string& f, const std::string& v) {
    return OneOf(kResponseTypes, v)
               ? Status::Ok()
               : BadEnum(f, v,
                         "Shelter, Evacuate, Prepare, Execute, Avoid, Monitor, Assess, AllClear, "
                         "None");
  });
  if (!responses.ok()) return responses.status();
  info.response_types = std::move(*responses);

  std::string v;
  MUSTER_RETURN_IF_ERROR(text("urgency", v, true));
  auto urgency = ParseCapUrgency(v);
  if (!urgency) {
    return BadEnum(field + ".urgency", v, "Immediate, Expected, Future, Past, Unknown");
  }
  info.urgency = *urgency;
  MUSTER_RETURN_IF_ERROR(text("severity", v, true));
  auto severity = ParseCapSeverity(v);
  if (!severity) {
    return BadEnum(field + ".severity", v, "Extreme, Severe, Moderate, Minor, Unknown");
  }
  info.severity = *severity;
  MUSTER_RETURN_IF_ERROR(text("certainty", v, true));
  auto certainty = ParseCapCertainty(v);
  if (!certainty && version == 11 && v == "Very Likely") certainty = CapCertainty::kLikely;
  if (!certainty) {
    return BadEnum(field + ".certainty", v, "Observed, Likely, Possible, Unlikely, Unknown");
  }
  info.certainty = *certainty;

  for (auto [name, out] : {std::pair{"effective", &info.effective}, std::pair{"onset", &info.onset},
                           std::pair{"expires", &info.expires}}) {
    MUSTER_RETURN_IF_ERROR(text(name, v));
    auto t = OptionalInstant(field + "." + name, v);
    if (!t.ok()) return t.status();
    *out = *t;
  }
  if (info.onset && info.expires && *info.expires < *info.onset) {
    return Status::InvalidArgument(field + ".expires", "is before <onset>");
  }
  MUSTER_RETURN_IF_ERROR(text("audience", info.audience));
  MUSTER_RETURN_IF_ERROR(text("senderName", info.sender_name));
  MUSTER_RETURN_IF_ERROR(text("headline", info.headline));
  MUSTER_RETURN_IF_ERROR(text("description", info.description));
  MUSTER_RETURN_IF_ERROR(text("instruction", info.instruction));
  MUSTER_RETURN_IF_ERROR(text("web", info.web));
  MUSTER_RETURN_IF_ERROR(text("contact", info.contact));

  for (auto [name, out] :
       {std::pair{"eventCode", &info.event_codes}, std::pair{"parameter", &info.parameters}}) {
    auto it = ch.find(name);
    if (it == ch.end()) continue;
    for (size_t i = 0; i < it->second.size(); ++i) {
      auto value = Value(it->second[i], fmt::format("{}.{}[{}]", field, name, i));
      if (!value.ok()) return value.status();
      out->push_back(std::move(*value));
    }
  }
  if (auto it = ch.find("resource"); it != ch.end()) {
    for (size_t i = 0; i < it->second.size(); ++i) {
      auto r = Resource(it->second[i], fmt::format("{}.resource[{}]", field, i), version);
      if (!r.ok()) return r.status();
      info.resources.push_back(std::move(*r));
    }
  }
  if (auto it = ch.find("area"); it != ch.end()) {
    if (static_cast<int>(it->second.size()) > limits_.max_areas) {
      return Status::InvalidArgument(
          field + ".area",
          fmt::format("{} <area>s; at most {} are accepted", it->second.size(), limits_.max_areas));
    }
    for (size_t i = 0; i < it->second.size(); ++i) {
      auto area = Area(it->second[i], fmt::format("{}.area[{}]", field, i));
      if (!area.ok()) return area.status();
      info.areas.push_back(std::move(*area));
    }
  }
  return info;
}

}  // namespace muster::cap_detail
