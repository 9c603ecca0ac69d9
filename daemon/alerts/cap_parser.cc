#include "alerts/cap_parser.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <map>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "core/civil_time.h"

namespace muster {

namespace {

constexpr std::string_view kSpace = " \t\r\n";

std::string_view Trim(std::string_view s) {
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::vector<std::string_view> SplitSpace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    i = s.find_first_not_of(kSpace, i);
    if (i == std::string_view::npos) break;
    size_t j = s.find_first_of(kSpace, i);
    if (j == std::string_view::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// The offset of the first byte that is not part of valid UTF-8 (no
// overlongs, surrogates or code points above U+10FFFF), or npos.
size_t InvalidUtf8At(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 60;
  return s.size() <= kMax ? fmt::format("'{}'", s) : fmt::format("'{}...'", s.substr(0, kMax));
}

std::string_view LocalName(pugi::xml_node n) {
  std::string_view name = n.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

struct ChildSpec {
  std::string_view name;
  bool required = false;
  bool repeated = false;
};

class Parser {
 public:
  Parser(const CapLimits& limits, std::string prefix, std::string ns_attr, std::string ns)
      : limits_(limits),
        prefix_(std::move(prefix)),
        ns_attr_(std::move(ns_attr)),
        ns_(std::move(ns)) {}

  Result<CapAlert> Alert(pugi::xml_node root, int version);

 private:
  using Children = std::map<std::string_view, std::vector<pugi::xml_node>>;

  Result<Children> Collect(pugi::xml_node parent, const std::string& field,
                           std::initializer_list<ChildSpec> specs) const;
  Result<CapInfo> Info(pugi::xml_node node, const std::string& field, int version);
  Result<CapArea> Area(pugi::xml_node node, const std::string& field);
  Result<GeoPolygon> Polygon(const std::string& text, const std::string& field);
  Result<CapValue> Value(pugi::xml_node node, const std::string& field) const;

  const CapLimits& limits_;
  std::string prefix_;   // "" or "cap:"
  std::string ns_attr_;  // the attribute binding it: "xmlns" or "xmlns:cap"
  std::string ns_;       // the CAP namespace it is bound to
  int points_ = 0;
};

// The trimmed text of an element that must hold text only.
Result<std::string> TextOf(pugi::xml_node n, const std::string& field) {
  std::string out;
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    } else if (c.type() == pugi::node_element) {
      return Status::InvalidArgument(field,
                                     fmt::format("must hold text, not the element <{}>", c.name()));
    }
  }
  return std::string(Trim(out));
}

// Text of the first node of `name` in `c`, "" when absent; `required`
// also refuses an empty text.
Result<std::string> Field(const std::map<std::string_view, std::vector<pugi::xml_node>>& c,
                          std::string_view name, const std::string& parent, bool required = false) {
  const auto it = c.find(name);
  if (it == c.end()) return std::string();
  const std::string field = parent + "." + std::string(name);
  auto text = TextOf(it->second.front(), field);
  if (text.ok() && required && text->empty()) {
    return Status::InvalidArgument(field, "the required element is empty");
  }
  return text;
}

// CAP identifiers and senders: no spaces, commas, '<' or '&'.
Status CheckId(const std::string& field, const std::string& v) {
  if (v.empty()) return Status::InvalidArgument(field, "the required element is empty");
  if (v.find_first_of(" \t\r\n,<&") != std::string::npos) {
    return Status::InvalidArgument(
        field, fmt::format("{} contains a space, comma, '<' or '&', which CAP forbids", Quoted(v)));
  }
  return Status::Ok();
}

Result<int64_t> Instant(const std::string& field, const std::string& v) {
  auto t = ParseInstant(v);
  if (!t) {
    return Status::InvalidArgument(
        field, fmt::format("{} is not a CAP date-time (YYYY-MM-DDThh:mm:ss+hh:mm)", Quoted(v)));
  }
  return *t;
}

Status BadEnum(const std::string& field, const std::string& v, std::string_view allowed) {
  return Status::InvalidArgument(field, fmt::format("{} is not one of {}", Quoted(v), allowed));
}

Result<std::optional<int64_t>> OptionalInstant(const std::string& field, const std::string& v) {
  if (v.empty()) return std::optional<int64_t>();
  auto t = Instant(field, v);
  if (!t.ok()) return t.status();
  return std::optional<int64_t>(*t);
}

Result<Parser::Children> Parser::Collect(pugi::xml_node parent, const std::string& field,
                                         std::initializer_list<ChildSpec> specs) const {
  Children out;
  for (pugi::xml_node c : parent.children()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = c.name();
    if (!name.starts_with(prefix_)) continue;  // another namespace
    name.remove_prefix(prefix_.size());
    if (name.find(':') != std::string_view::npos) continue;  // prefixed, CAP is default
    // An element rebinding the CAP prefix is in another namespace (an XML
    // signature declaring its own default one, say), and so is its subtree.
    if (pugi::xml_attribute a = c.attribute(ns_attr_.c_str()); a && a.value() != ns_) continue;
    const ChildSpec* spec = nullptr;
    for (const ChildSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(
          field + "." + std::string(name),
          fmt::format("<{}> is not a CAP element of <{}>", name, LocalName(parent)));
    }
    auto& list = out[spec->name];
    if (!list.empty() && !spec->repeated) {
      return Status::InvalidArgument(field + "." + std::string(name),
                                     "appears more than once; CAP allows one");
    }
    list.push_back(c);
  }
  for (const ChildSpec& s : specs) {
    if (s.required && !out.count(s.name)) {
      return Status::InvalidArgument(field + "." + std::string(s.name),
                                     "the required element is missing");
    }
  }
  return out;
}

Result<CapValue> Parser::Value(pugi::xml_node node, const std::string& field) const {
  auto c = Collect(node, field, {{"valueName", true}, {"value", true}});
  if (!c.ok()) return c.status();
  auto name = Field(*c, "valueName", field, true);
  if (!name.ok()) return name.status();
  auto value = Field(*c, "value", field);
  if (!value.ok()) return value.status();
  return CapValue{std::move(*name), std::move(*value)};
}

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

// The texts of every node of a repeated element, each checked by `check`.
template <typename Check>
Result<std::vector<std::string>> Texts(
    const std::map<std::string_view, std::vector<pugi::xml_node>>& c, std::string_view name,
    const std::string& parent, Check check) {
  std::vector<std::string> out;
  auto it = c.find(name);
  if (it == c.end()) return out;
  for (size_t i = 0; i < it->second.size(); ++i) {
    const std::string f = fmt::format("{}.{}[{}]", parent, name, i);
    auto text = TextOf(it->second[i], f);
    if (!text.ok()) return text.status();
    MUSTER_RETURN_IF_ERROR(check(f, *text));
    out.push_back(std::move(*text));
  }
  return out;
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
      const std::string f = fmt::format("{}.resource[{}]", field, i);
      auto rc = Collect(it->second[i], f,
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
      info.resources.push_back(std::move(r));
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

Result<CapAlert> Parser::Alert(pugi::xml_node root, int version) {
  const std::string field = "alert";
  auto c = Collect(root, field,
                   {{"identifier", true},
                    {"sender", true},
                    {"sent", true},
                    {"status", true},
                    {"msgType", true},
                    {"source"},
                    {"scope", true},
                    {"restriction"},
                    {"addresses"},
                    {"code", false, true},
                    {"note"},
                    {"references"},
                    {"incidents"},
                    {"info", false, true}});
  if (!c.ok()) return c.status();
  const auto& ch = *c;
  CapAlert a;
  a.version = version;
  auto text = [&](std::string_view name, std::string& out, bool required = false) -> Status {
    auto t = Field(ch, name, field, required);
    if (!t.ok()) return t.status();
    out = std::move(*t);
    return Status::Ok();
  };
  MUSTER_RETURN_IF_ERROR(text("identifier", a.identifier));
  MUSTER_RETURN_IF_ERROR(CheckId("alert.identifier", a.identifier));
  MUSTER_RETURN_IF_ERROR(text("sender", a.sender));
  MUSTER_RETURN_IF_ERROR(CheckId("alert.sender", a.sender));
  MUSTER_RETURN_IF_ERROR(text("sent", a.sent, true));
  auto sent = Instant("alert.sent", a.sent);
  if (!sent.ok()) return sent.status();
  a.sent_unix = *sent;

  std::string v;
  MUSTER_RETURN_IF_ERROR(text("status", v, true));
  auto status = ParseCapStatus(v);
  if (!status) return BadEnum("alert.status", v, "Actual, Exercise, System, Test, Draft");
  a.status = *status;
  MUSTER_RETURN_IF_ERROR(text("msgType", v, true));
  auto msg_type = ParseCapMsgType(v);
  if (!msg_type) return BadEnum("alert.msgType", v, "Alert, Update, Cancel, Ack, Error");
  a.msg_type = *msg_type;
  MUSTER_RETURN_IF_ERROR(text("scope", v, true));
  auto scope = ParseCapScope(v);
  if (!scope) return BadEnum("alert.scope", v, "Public, Restricted, Private");
  a.scope = *scope;

  MUSTER_RETURN_IF_ERROR(text("source", a.source));
  MUSTER_RETURN_IF_ERROR(text("restriction", a.restriction));
  MUSTER_RETURN_IF_ERROR(text("addresses", a.addresses));
  MUSTER_RETURN_IF_ERROR(text("note", a.note));
  MUSTER_RETURN_IF_ERROR(text("incidents", a.incidents));
  if (a.scope == CapScope::kRestricted && a.restriction.empty()) {
    return Status::InvalidArgument("alert.restriction", "is required when <scope> is Restricted");
  }
  if (a.scope == CapScope::kPrivate && a.addresses.empty()) {
    return Status::InvalidArgument("alert.addresses", "is required when <scope> is Private");
  }
  auto codes =
      Texts(ch, "code", field, [](const std::string&, const std::string&) { return Status::Ok(); });
  if (!codes.ok()) return codes.status();
  a.codes = std::move(*codes);

  MUSTER_RETURN_IF_ERROR(text("references", v));
  const auto refs = SplitSpace(v);
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string f = fmt::format("alert.references[{}]", i);
    const auto c1 = refs[i].find(',');
    const auto c2 = c1 == std::string_view::npos ? c1 : refs[i].find(',', c1 + 1);
    if (c2 == std::string_view::npos || refs[i].find(',', c2 + 1) != std::string_view::npos) {
      return Status::InvalidArgument(
          f, fmt::format("{} is not \"sender,identifier,sent\"", Quoted(refs[i])));
    }
    CapReference r{std::string(refs[i].substr(0, c1)),
                   std::string(refs[i].substr(c1 + 1, c2 - c1 - 1)),
                   std::string(refs[i].substr(c2 + 1))};
    MUSTER_RETURN_IF_ERROR(CheckId(f + ".sender", r.sender));
    MUSTER_RETURN_IF_ERROR(CheckId(f + ".identifier", r.identifier));
    auto t = Instant(f + ".sent", r.sent);
    if (!t.ok()) return t.status();
    r.sent_unix = *t;
    a.references.push_back(std::move(r));
  }

  if (auto it = ch.find("info"); it != ch.end()) {
    if (static_cast<int>(it->second.size()) > limits_.max_infos) {
      return Status::InvalidArgument(
          "alert.info", fmt::format("{} <info> blocks; at most {} are accepted", it->second.size(),
                                    limits_.max_infos));
    }
    for (size_t i = 0; i < it->second.size(); ++i) {
      auto info = Info(it->second[i], fmt::format("alert.info[{}]", i), version);
      if (!info.ok()) return info.status();
      a.infos.push_back(std::move(*info));
    }
  }
  return a;
}

// Counts elements iteratively (nesting depth costs no stack).
Status CheckTree(pugi::xml_node root, int max_elements) {
  int count = 0;
  pugi::xml_node n = root;
  while (n) {
    if (n.type() == pugi::node_element && ++count > max_elements) {
      return Status::InvalidArgument(
          "alert", fmt::format("the message has more than {} elements", max_elements));
    }
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != root && !n.next_sibling()) n = n.parent();
    if (!n || n == root) break;
    n = n.next_sibling();
  }
  return Status::Ok();
}

}  // namespace

Result<CapAlert> ParseCapAlert(std::string_view xml, const CapLimits& limits) {
  if (xml.size() > limits.max_bytes) {
    return Status::InvalidArgument(
        "alert", fmt::format("the message is {} bytes; at most {} are accepted", xml.size(),
                             limits.max_bytes));
  }
  if (const size_t bad = InvalidUtf8At(xml); bad != std::string_view::npos) {
    return Status::InvalidArgument("alert", fmt::format("the message is not UTF-8 (byte {})", bad));
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (parsed.status == pugi::status_bad_doctype) {
    return Status::InvalidArgument("alert", "a DOCTYPE is refused (no DTDs or entities)");
  }
  if (!parsed) {
    return Status::InvalidArgument("alert", fmt::format("not well-formed XML at byte {}: {}",
                                                        parsed.offset, parsed.description()));
  }
  pugi::xml_node root;
  for (pugi::xml_node n : doc.children()) {
    if (n.type() == pugi::node_doctype) {
      return Status::InvalidArgument("alert", "a DOCTYPE is refused (no DTDs or entities)");
    }
    if (n.type() == pugi::node_element) {
      if (root) return Status::InvalidArgument("alert", "the message has more than one root");
      root = n;
    }
  }
  if (!root) return Status::InvalidArgument("alert", "the message has no root element");
  std::string_view name = root.name();
  const auto colon = name.find(':');
  const std::string prefix =
      colon == std::string_view::npos ? std::string() : std::string(name.substr(0, colon + 1));
  if (LocalName(root) != "alert") {
    return Status::InvalidArgument(
        "alert", fmt::format("the root element is <{}>, not a CAP <alert>", root.name()));
  }
  const std::string ns_attr =
      prefix.empty() ? "xmlns" : "xmlns:" + prefix.substr(0, prefix.size() - 1);
  const std::string_view ns = root.attribute(ns_attr.c_str()).value();
  int version = 0;
  if (ns == kCap12Namespace) {
    version = 12;
  } else if (ns == kCap11Namespace) {
    version = 11;
  } else if (ns.empty()) {
    return Status::InvalidArgument(
        "alert", fmt::format("<{}> is in no namespace; CAP needs {}=\"{}\"", root.name(), ns_attr,
                             kCap12Namespace));
  } else {
    return Status::InvalidArgument(
        "alert", fmt::format("namespace {} is neither CAP 1.2 ({}) nor CAP 1.1", Quoted(ns),
                             kCap12Namespace));
  }
  MUSTER_RETURN_IF_ERROR(CheckTree(root, limits.max_elements));
  return Parser(limits, prefix, ns_attr, std::string(ns)).Alert(root, version);
}

}  // namespace muster
